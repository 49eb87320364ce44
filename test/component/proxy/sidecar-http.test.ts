// The sidecar end to end in one process: the real control plane serves manifests, the sidecar takes its config
// over xDS and forwards to real loopback backends. Without iptables the tests use the outbound port as an
// explicit HTTP proxy (absolute-form requests and CONNECT), which routes exactly as captured traffic does.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ProxyAgent, request } from 'undici';
import { eventually } from '../../support/ads-harness.js';
import { httpService, startMesh, type MeshHarness } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';

interface Backend {
  readonly name: string;
  readonly server: http.Server;
}

/** The request headers every backend saw, in arrival order. */
const seen: http.IncomingHttpHeaders[] = [];

function backend(name: string, ip: string, port: number, handler?: http.RequestListener): Promise<Backend> {
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (handler) return handler(req, res);
    res.setHeader('x-backend', name);
    res.end(`${name} ${req.method} ${req.url}`);
  });
  return new Promise((resolve) => server.listen(port, ip, () => resolve({ name, server })));
}

describe('sidecar: HTTP through the mesh', () => {
  let mesh: MeshHarness;
  let agent: ProxyAgent;
  const backends: Backend[] = [];
  let port: number;

  before(async () => {
    port = await freePort('127.0.0.21');
    backends.push(await backend('b1', '127.0.0.21', port), await backend('b2', '127.0.0.22', port));
    const deadPort = await freePort('127.0.0.23');
    mesh = await startMesh({
      'web.yaml': httpService('web', 80, ['127.0.0.21', '127.0.0.22'], port),
      'empty.yaml': httpService('empty', 80, [], 8080),
      'dead.yaml': httpService('dead', 80, ['127.0.0.23'], deadPort),
    });
    // Absolute-form requests, as curl and most HTTP_PROXY clients send plain http:// URLs (CONNECT is tested apart).
    agent = new ProxyAgent({ uri: mesh.proxyUrl, proxyTunnel: false });
  });

  after(async () => {
    await agent.close();
    await mesh.close();
    for (const b of backends) b.server.close();
  });

  async function get(url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    const r = await request(url, { dispatcher: agent });
    return { status: r.statusCode, body: await r.body.text(), headers: r.headers as http.IncomingHttpHeaders };
  }

  void test('every name of a service reaches its endpoints, alternating (round robin)', async () => {
    const names = ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local', 'WEB.default.svc.cluster.local'];
    const hits: string[] = [];
    for (const name of names) {
      for (let i = 0; i < 2; i++) {
        const r = await get(`http://${name}/path?q=${i}`);
        assert.equal(r.status, 200, `${name}: ${r.body}`);
        assert.match(r.body, new RegExp(`^b[12] GET /path\\?q=${i}$`));
        hits.push(r.body.slice(0, 2));
      }
    }
    for (let i = 1; i < hits.length; i++) assert.notEqual(hits[i], hits[i - 1], `round robin alternates: ${hits.join(' ')}`);
  });

  void test('the proxy sets x-request-id when absent and keeps the caller’s; hop-by-hop headers stop at the proxy', async () => {
    const before = seen.length;
    // A raw absolute-form request, since HTTP clients refuse to send hop-by-hop headers themselves.
    await rawRequest(mesh.outboundPort, 'GET http://web/ HTTP/1.1\r\nhost: web\r\nx-request-id: abc-123\r\nkeep-alive: timeout=5\r\nconnection: close, x-hop\r\nx-hop: 1\r\nx-custom: v\r\n\r\n');
    await request('http://web/', { dispatcher: agent }).then((r) => r.body.text());
    const mine = seen.slice(before);
    assert.equal(mine.length, 2);
    const ids = mine.map((h) => h['x-request-id']);
    assert.ok(ids.includes('abc-123'), `abc-123 among ${ids.join(', ')}`);
    assert.ok(ids.some((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)), `a generated UUID among ${ids.join(', ')}`);
    assert.ok(mine.every((h) => h['keep-alive'] === undefined && h['x-hop'] === undefined), 'hop-by-hop headers removed');
    assert.ok(mine.some((h) => h['x-custom'] === 'v'));
    assert.ok(mine.every((h) => h.host === 'web'), 'the Host header is the authority the client sent');
  });

  // Local replies: Envoy's wording, the response flag in a header, the status the issue asks for.
  const replies = [
    { name: 'no endpoints', url: 'http://empty/', status: 503, body: 'no healthy upstream', flags: 'UH' },
    { name: 'endpoint refuses connections', url: 'http://dead/', status: 503, body: /reset reason: connection failure/, flags: 'UF' },
    // web:81 is the ClusterIP on a port the Service does not have: passthrough (ALLOW_ANY) to it, and nothing listens.
    { name: 'passthrough to a port nothing serves', url: 'http://web:81/', status: 503, body: /reset reason: connection failure/, flags: 'UF' },
  ] as const;
  for (const c of replies) {
    void test(`local reply: ${c.name} → ${c.status}`, async () => {
      const r = await get(c.url);
      assert.equal(r.status, c.status);
      if (typeof c.body === 'string') assert.equal(r.body, c.body);
      else assert.match(r.body, c.body);
      assert.equal(r.headers['x-meshlet-response-flags'], c.flags);
    });
  }

  void test('an endpoint change moves traffic within a second, without restarting anything', async () => {
    mesh.writeManifest('web.yaml', httpService('web', 80, ['127.0.0.22'], port));
    await eventually(async () => {
      const bodies = await Promise.all([1, 2, 3, 4].map(() => get('http://web/').then((r) => r.body)));
      return bodies.every((b) => b.startsWith('b2'));
    }, 3000);
    mesh.writeManifest('web.yaml', httpService('web', 80, ['127.0.0.21', '127.0.0.22'], port));
    await eventually(async () => {
      const bodies = await Promise.all([1, 2, 3, 4].map(() => get('http://web/').then((r) => r.body)));
      return bodies.some((b) => b.startsWith('b1'));
    }, 3000);
  });

  void test('CONNECT opens a tunnel that is routed like a captured connection', async () => {
    const { clusterIp } = await serviceAddress(mesh, 'web');
    const socket = connect(mesh.outboundPort, '127.0.0.1');
    socket.write(`CONNECT ${clusterIp}:80 HTTP/1.1\r\nhost: ${clusterIp}:80\r\n\r\n`);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('200 Connection Established\r\n\r\n') && !text.includes('GET')) {
        socket.write(`GET /tunnel HTTP/1.1\r\nhost: web\r\nconnection: close\r\n\r\n`);
        text += 'GET';
      }
    });
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(text, /HTTP\/1.1 200 OK/);
    assert.match(text, /b[12] GET \/tunnel/);
  });

  void test('admin: /clusters lists endpoints with counters, /config_dump holds the xDS config, /ready is LIVE', async () => {
    const admin = `http://127.0.0.1:${mesh.sidecar.adminPort}`;
    const clusters = await (await request(`${admin}/clusters`)).body.text();
    assert.match(clusters, /outbound\|80\|\|web\.default\.svc\.cluster\.local::127\.0\.0\.21:\d+::health_flags::healthy/);
    assert.match(clusters, /outbound\|80\|\|web\.default\.svc\.cluster\.local::upstream_rq_2xx::[1-9]/);
    const dump = (await (await request(`${admin}/config_dump`)).body.json()) as { listeners: Record<string, unknown> };
    assert.ok('0.0.0.0_15001' in dump.listeners);
    assert.equal(await (await request(`${admin}/ready`)).body.text(), 'LIVE\n');
    const health = await request(`http://127.0.0.1:${mesh.sidecar.healthPort}/healthz/ready`);
    assert.equal(health.statusCode, 200);
    await health.body.text();
    const metrics = await (await request(`${admin}/stats/prometheus`)).body.text();
    assert.match(metrics, /meshlet_requests_total\{[^}]*cluster="outbound\|80\|\|web\.default\.svc\.cluster\.local"[^}]*code="200"/);
  });
});

/** Sends raw bytes to a port and returns everything the peer wrote until it closed. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
  });
}

/** The ClusterIP the control plane gave a service, read from the sidecar's NameTable. */
async function serviceAddress(mesh: MeshHarness, name: string): Promise<{ clusterIp: string }> {
  const tables = mesh.sidecar.xds.config.nameTables.values();
  for (const t of tables) {
    const s = t.services.find((x) => x.name === name);
    if (s?.clusterIps[0] !== undefined) return { clusterIp: s.clusterIps[0] };
  }
  throw new Error(`no ClusterIP for ${name}`);
}

describe('sidecar: destinations outside the mesh (outboundTrafficPolicy)', () => {
  let outside: http.Server;
  let outsidePort: number;

  before(async () => {
    outsidePort = await freePort('127.0.0.61');
    outside = http.createServer((_req, res) => res.end('outside')).listen(outsidePort, '127.0.0.61');
  });
  after(() => outside.close());

  for (const policy of ['ALLOW_ANY', 'REGISTRY_ONLY'] as const) {
    void test(`${policy}: an unknown destination is ${policy === 'ALLOW_ANY' ? 'passed through' : 'refused'} (HTTP and TCP)`, async () => {
      const mesh = await startMesh({ 'web.yaml': httpService('web', 80, ['127.0.0.62'], 8080) }, {}, { outboundTrafficPolicy: policy });
      const agent = new ProxyAgent({ uri: mesh.proxyUrl, proxyTunnel: false });
      try {
        const r = await request(`http://127.0.0.61:${outsidePort}/`, { dispatcher: agent });
        const body = await r.body.text();
        if (policy === 'ALLOW_ANY') assert.deepEqual([r.statusCode, body], [200, 'outside']);
        else assert.deepEqual([r.statusCode, body, r.headers['x-meshlet-response-flags']], [503, 'no healthy upstream', 'UH']);
        const tunnel = await rawRequest(mesh.outboundPort, `CONNECT 127.0.0.61:${outsidePort} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
        if (policy === 'ALLOW_ANY') assert.match(tunnel, /\r\n\r\noutside$/);
        else assert.doesNotMatch(tunnel, /outside/);
      } finally {
        await agent.close();
        await mesh.close();
      }
    });
  }

  void test('bytes sent straight to the outbound port that are not an HTTP proxy request are dropped (no loop)', async () => {
    const mesh = await startMesh({});
    try {
      const answer = await rawRequest(mesh.outboundPort, 'HELLO\r\n\r\n');
      assert.equal(answer, '');
    } finally {
      await mesh.close();
    }
  });
});
