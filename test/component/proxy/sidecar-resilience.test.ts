// Resilience as a user configures it: Service annotations → control plane → xDS → the sidecar's router.
// Real loopback backends that fail on purpose; requests through the sidecar's explicit-proxy mode.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ProxyAgent, request } from 'undici';
import { httpService, startMesh, type MeshHarness } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const ok = (name: string): Behaviour => (_req, res) => res.end(name);
const fail = (status: number): Behaviour => (_req, res) => {
  res.statusCode = status;
  res.end('failed on purpose');
};
const slow = (ms: number, name: string): Behaviour => (_req, res) => void setTimeout(() => res.end(name), ms);
/** Fails every other request (503), answers the rest. */
function flaky(name: string): Behaviour {
  let n = 0;
  return (req, res) => (n++ % 2 === 0 ? fail(503)(req, res) : ok(name)(req, res));
}

function listen(ip: string, port: number, behaviour: Behaviour): Promise<http.Server> {
  const server = http.createServer(behaviour);
  return new Promise((resolve) => server.listen(port, ip, () => resolve(server)));
}

describe('sidecar: retries, timeouts, outlier detection and circuit breakers from Service annotations', () => {
  let mesh: MeshHarness;
  let agent: ProxyAgent;
  const servers: http.Server[] = [];

  before(async () => {
    const port = await freePort('127.0.0.31');
    servers.push(
      await listen('127.0.0.31', port, flaky('flaky')),
      await listen('127.0.0.32', port, slow(1000, 'slow')),
      await listen('127.0.0.33', port, ok('good')),
      await listen('127.0.0.34', port, fail(500)),
      await listen('127.0.0.35', port, slow(300, 'busy')),
      await listen('127.0.0.36', port, ok('h1')),
      await listen('127.0.0.37', port, ok('h2')),
      await listen('127.0.0.38', port, ok('h3')),
    );
    mesh = await startMesh({
      'retry.yaml': httpService('retry', 80, ['127.0.0.31'], port, { 'meshlet.io/retries': '2', 'meshlet.io/retry-on': '5xx' }),
      'noretry.yaml': httpService('noretry', 80, ['127.0.0.31'], port),
      'timeout.yaml': httpService('timeout', 80, ['127.0.0.32'], port, { 'meshlet.io/timeout': '200ms' }),
      'outlier.yaml': httpService('outlier', 80, ['127.0.0.33', '127.0.0.34'], port, {
        'meshlet.io/outlier-consecutive-5xx': '2',
        'meshlet.io/outlier-max-ejection-percent': '50',
        'meshlet.io/outlier-base-ejection-time': '30s',
      }),
      'breaker.yaml': httpService('breaker', 80, ['127.0.0.35'], port, { 'meshlet.io/max-requests': '1' }),
      'sticky.yaml': httpService('sticky', 80, ['127.0.0.36', '127.0.0.37', '127.0.0.38'], port, {
        'meshlet.io/lb-policy': 'RING_HASH',
        'meshlet.io/hash-on': 'header:x-user',
      }),
    });
    agent = new ProxyAgent({ uri: mesh.proxyUrl, proxyTunnel: false });
  });

  after(async () => {
    await agent.close();
    await mesh.close();
    for (const s of servers) s.close();
  });

  async function get(url: string): Promise<{ status: number; body: string; flags: string | undefined }> {
    const r = await request(url, { dispatcher: agent });
    return { status: r.statusCode, body: await r.body.text(), flags: r.headers['x-meshlet-response-flags'] as string | undefined };
  }

  async function clusterStat(service: string, stat: string): Promise<number> {
    const text = await (await request(`http://127.0.0.1:${mesh.sidecar.adminPort}/clusters`)).body.text();
    const m = new RegExp(`outbound\\|80\\|\\|${service}\\.default\\.svc\\.cluster\\.local::${stat}::(\\d+)`).exec(text);
    return Number(m?.[1] ?? NaN);
  }

  void test('without retries a flaky endpoint shows through; with retries on 5xx every request succeeds', async () => {
    const plain = await Promise.all(Array.from({ length: 6 }, () => get('http://noretry/')));
    assert.ok(plain.some((r) => r.status === 503), 'the flaky backend fails some requests');
    for (let i = 0; i < 10; i++) {
      const r = await get('http://retry/');
      assert.equal(r.status, 200, `request ${i}: ${r.body}`);
    }
    assert.ok((await clusterStat('retry', 'upstream_rq_retry')) >= 4);
  });

  void test('route timeout: 504 "upstream request timeout" with flag UT', async () => {
    const started = Date.now();
    const r = await get('http://timeout/');
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    assert.equal(r.flags, 'UT');
    assert.ok(Date.now() - started < 900, 'answered at the timeout, not when the backend finished');
  });

  void test('outlier detection ejects the failing endpoint; traffic then goes to the good one', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get('http://outlier/')).status);
    const last = statuses.slice(-10);
    assert.ok(last.every((s) => s === 200), `after ejection only the good endpoint answers: ${statuses.join(',')}`);
    const clusters = await (await request(`http://127.0.0.1:${mesh.sidecar.adminPort}/clusters`)).body.text();
    assert.match(clusters, /outlier\.default\.svc\.cluster\.local::127\.0\.0\.34:\d+::health_flags::\/failed_outlier_check/);
    assert.equal(await clusterStat('outlier', 'outlier_detection_ejections_total'), 1);
  });

  void test('ring hash on a header: each user sticks to one endpoint, and users spread over all of them', async () => {
    const owners = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 30; u++) {
        const r = await request('http://sticky/', { dispatcher: agent, headers: { 'x-user': `user-${u}` } });
        const body = await r.body.text();
        const first = owners.get(`user-${u}`);
        if (first === undefined) owners.set(`user-${u}`, body);
        else assert.equal(body, first, `user-${u} moved from ${first} to ${body}`);
      }
    }
    assert.equal(new Set(owners.values()).size, 3, 'all three endpoints own some users');
  });

  void test('circuit breaker max-requests 1: a second concurrent request gets 503 UO', async () => {
    const [a, b] = await Promise.all([get('http://breaker/'), new Promise((r) => setTimeout(r, 50)).then(() => get('http://breaker/'))]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 503);
    assert.equal(b.flags, 'UO');
    assert.match(b.body, /overflow/);
  });
});
