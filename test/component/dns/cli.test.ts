// `meshlet dns` as a user runs it: bad flags (and their MESHLET_* twins) refused with a message naming the flag
// and exit code 2; a real run against the control plane, answering a Service name with the --ttl asked and
// forwarding other names to --upstream, then stopping cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { spawnMeshlet } from '../../../examples/proxyless/spawn-meshlet.js';
import { eventually } from '../../support/ads-harness.js';
import { httpService } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';
import { a, controlPlaneWith, dig, startFakeUpstream, withClusterIp } from './support.js';

async function runToExit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; err: string }> {
  const p = spawnMeshlet(args, env);
  const timer = setTimeout(() => void p.stop(), 15_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, err: p.stderr() };
}

describe('meshlet dns: bad flags → exit code 2 and a message naming the flag', { concurrency: 4 }, () => {
  const cases: Array<{ args: string[]; env?: NodeJS.ProcessEnv; message: RegExp }> = [
    { args: ['--xds-mode', 'rest'], message: /--xds-mode "rest": expected delta or sotw/ },
    { args: ['--ttl', '3601'], message: /--ttl "3601": must be between 0 and 3600/ },
    { args: ['--listen', 'nonsense'], message: /--listen "nonsense": expected HOST:PORT/ },
    { args: ['--upstream', '10.0.0.1,dns.google'], message: /--upstream "dns.google": "dns.google" is not an IP address/ },
    { args: ['--upstream', '10.0.0.1:0'], message: /--upstream "10.0.0.1:0": port "0" must be 1-65535/ },
    { args: ['--xds', 'cp'], message: /--xds "cp": expected HOST:PORT/ },
    { args: [], env: { MESHLET_TTL: 'soon' }, message: /--ttl "soon": must be a whole number/ },
    { args: ['--log-level', 'loud'], message: /--log-level "loud": expected trace or debug/ },
  ];
  for (const c of cases) {
    test(`meshlet dns ${c.args.join(' ')}${c.env ? ` with ${JSON.stringify(c.env)}` : ''}`, async () => {
      const { code, err } = await runToExit(['dns', ...c.args], c.env);
      assert.equal(code, 2, err);
      assert.match(err, c.message);
    });
  }
});

test('meshlet dns answers a Service from the control plane, forwards the rest, and stops on SIGTERM', async (t) => {
  const cp = await controlPlaneWith({ 'reviews.yaml': withClusterIp(httpService('reviews', 9080, ['10.244.1.5'], 9080), '10.96.20.1') });
  t.after(() => cp.close());
  const upstream = await startFakeUpstream();
  t.after(() => upstream.close());
  upstream.set('www.example.com', { kind: 'answer', answers: [a('www.example.com', '192.0.2.10')] });
  const port = await freePort();
  const proc = spawnMeshlet(['dns', '--xds', cp.xds, '--listen', `127.0.0.1:${port}`, '--ttl', '7', '--log-level', 'warn'], {
    // The environment twin of --upstream (a repeated flag would do as well).
    MESHLET_UPSTREAM: `${upstream.host}:${upstream.port}`,
  });
  t.after(() => proc.stop());
  const answer = async (): Promise<string[]> => {
    try {
      return [...(await dig(port, 'reviews.default.svc.cluster.local', 'A')).answers];
    } catch {
      return [];
    }
  };
  await eventually(async () => (await answer()).length > 0, 15_000).catch(() => assert.fail(`no answer:\n${proc.stderr()}`));
  assert.deepEqual(await answer(), ['reviews.default.svc.cluster.local. 7 IN A 10.96.20.1']);
  assert.deepEqual((await dig(port, 'www.example.com', 'A', '+tcp')).answers, ['www.example.com. 60 IN A 192.0.2.10']);
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0, proc.stderr());
});
