// `node collector-main.js HOST PORT FILE`: the local cluster's trace collector, started by `meshlet cluster up`
// in the world namespace on the node network's gateway address (http://<world>:4318, where pods' apps and
// sidecars send OTLP/HTTP JSON). Every span received is appended to FILE (trace-file.ts); nothing is kept in
// memory. Stops on SIGTERM/SIGINT.
import { startOtlpReceiver } from './otlp-receiver.js';
import { appendSpans } from './trace-file.js';

const [host = '127.0.0.1', portText = '4318', file = ''] = process.argv.slice(2);
if (file === '' || !/^[0-9]+$/.test(portText)) {
  process.stderr.write('usage: collector-main HOST PORT FILE\n');
  process.exit(2);
}
let full = false;
const receiver = await startOtlpReceiver({
  host,
  port: Number(portText),
  retain: false,
  onSpans: (spans) => {
    if (!appendSpans(file, spans) && !full) {
      full = true;
      process.stderr.write(`${file} is full: further spans are dropped\n`);
    }
  },
});
process.stdout.write(`OTLP/HTTP collector on ${receiver.endpoint}/v1/traces, spans to ${file}\n`);
const stop = (): void => void receiver.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
