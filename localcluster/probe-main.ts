// `node probe-main.js URL TIMEOUT_MS`: waits (inside the network namespace it is started in, with `ip netns exec`)
// until URL (http://host:port/path or tcp://host:port) answers; exits 0 when it did, 1 when the time ran out.
import { parseProbeUrl, waitForProbe } from './probe.js';

const [url = '', timeout = '10000'] = process.argv.slice(2);
const target = parseProbeUrl(url);
if (target === undefined) {
  process.stderr.write(`probe: ${JSON.stringify(url)} is not http://host:port/path or tcp://host:port\n`);
  process.exit(2);
}
process.exit((await waitForProbe(target, Number(timeout))) ? 0 : 1);
