// The proxy's data plane in role gateway (an HCM with use_remote_address, limits on), all on 127.0.0.1: a hand-built configuration
// (listener 0.0.0.0_18080 → RDS "gw" → an EDS cluster on a local backend) decoded by the proxy's own xDS
// decoders and applied to a DataPlane, the listener bound on a free loopback port through portMap/bindAddress.
// Edge headers reach the upstream; slow, oversized and malformed requests are answered and closed while other
// clients keep being served; the connection limit holds.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { pino } from 'pino';
import { DataPlane } from '../../../proxy/data-plane.js';
import type { HttpLimits } from '../../../proxy/http/connection-guard.js';
import { DISABLED_ACCESS_LOG } from '../../../proxy/telemetry/access-log.js';
import { ProxyMetrics } from '../../../proxy/telemetry/metrics.js';
import { DISABLED_TRACING } from '../../../proxy/telemetry/tracing.js';
import { checkResponse } from '../../../proxy/xds/check-response.js';
import { ConfigStore } from '../../../proxy/xds/config-store.js';
import { makeResource, packAny, type XdsResource } from '../../../xds/resource.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, HTTP_CONNECTION_MANAGER, LISTENER, ROUTE_CONFIGURATION, ROUTER } from '../../../xds/type-urls.js';
import { cluster, clusterName } from '../../support/xds-fixtures.js';
import { freePort } from '../../support/ports.js';

const HOST = '127.0.0.1';
const LIMITS: HttpLimits = { maxRequestHeadersBytes: 4096, maxHeaders: 20, requestHeadersTimeoutMs: 1000, requestTimeoutMs: 3000, idleTimeoutMs: 5000 };
const MAX_CONNECTIONS = 40;

function gatewayResources(backendPort: number): XdsResource[] {
  const name = clusterName('backend');
  const hcm = packAny(HTTP_CONNECTION_MANAGER, {
    stat_prefix: 'gw',
    use_remote_address: { value: true },
    rds: { route_config_name: 'gw', config_source: { ads: {} } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: packAny(ROUTER, {}) }],
  });
  return [
    cluster('backend'),
    makeResource(CLUSTER_LOAD_ASSIGNMENT, name, {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: HOST, port_value: backendPort } } } }] }],
    }),
    makeResource(ROUTE_CONFIGURATION, 'gw', {
      name: 'gw',
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: name } }] }],
    }),
    makeResource(LISTENER, '0.0.0.0_18080', {
      name: '0.0.0.0_18080',
      address: { socket_address: { address: '0.0.0.0', port_value: 18080 } },
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
    }),
  ];
}

/** The resources as the proxy's ADS client would hold them: validated by its decoders, in a ConfigStore. */
function decode(resources: readonly XdsResource[]): ConfigStore {
  const store = new ConfigStore();
  for (const typeUrl of [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION] as const) {
    const mine = resources.filter((r) => r.typeUrl === typeUrl);
    const checked = checkResponse({ version: '1', typeUrl, nonce: 'n', resources: mine.map((r) => ({ name: r.name, version: r.hash, typeUrl, value: r.encoded })), removed: [] });
    assert.ok(checked.ok, JSON.stringify(checked));
    store.apply({ typeUrl, version: '1', upserts: checked.resources, removed: [], replaceAll: true });
  }
  return store;
}

/** A raw exchange: writes `chunks` (spaced by `gapMs`), resolves with what came back and when the socket closed. */
function raw(port: number, chunks: readonly string[], gapMs = 0): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, HOST);
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => {}); // a reset after the answer is fine; what came back is judged
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    let i = 0;
    const writeNext = (): void => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++] ?? '');
      timer = setTimeout(writeNext, gapMs);
    };
    socket.once('connect', writeNext);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 8 s; got ${JSON.stringify(text.slice(0, 80))}`));
    }, 8000).unref();
  });
}

interface Seen {
  readonly headers: http.IncomingHttpHeaders;
}

function get(port: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: '/', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
  });
}

describe('gateway: edge headers and limits', () => {
  let backend: http.Server;
  let dataPlane: DataPlane;
  let port: number;
  const seen: Seen[] = [];
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    backend = http.createServer((req, res) => {
      seen.push({ headers: req.headers });
      res.end('ok');
    });
    backend.listen(0, HOST);
    await once(backend, 'listening');
    const backendPort = (backend.address() as net.AddressInfo).port;
    port = await freePort(HOST);
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    dataPlane = new DataPlane({
      namespace: 'istio-system',
      logger,
      accessLog: DISABLED_ACCESS_LOG,
      metrics: new ProxyMetrics(metrics.getMeter('test')),
      tracing: DISABLED_TRACING,
      portMap: new Map([[18080, port]]),
      bindAddress: HOST,
      httpLimits: LIMITS,
      maxConnections: MAX_CONNECTIONS,
    });
    await dataPlane.apply(decode(gatewayResources(backendPort)).current);
    assert.deepEqual(dataPlane.listeners.addressOf('0.0.0.0:18080'), { address: HOST, port });
  });

  after(async () => {
    await dataPlane.close();
    backend.closeAllConnections();
    backend.close();
  });

  const linesAbout = (text: string): Record<string, unknown>[] => logLines.filter((l) => String(l['msg']).includes(text));

  test('x-forwarded-for gets the client, x-forwarded-proto is http, x-request-id is made when absent and kept when sent', async () => {
    seen.length = 0;
    assert.equal((await get(port, { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' })).status, 200);
    assert.equal((await get(port, { 'x-request-id': 'keep-me' })).status, 200);
    const [first, second] = seen;
    assert.equal(first?.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(first?.headers['x-forwarded-proto'], 'http', 'the client cannot claim https on a plain connection');
    assert.match(String(first?.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(second?.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(second?.headers['x-request-id'], 'keep-me');
  });

  test('slowloris: one header byte per 200 ms gets 408 and is closed by the deadline; a normal client is served meanwhile', async () => {
    const trickle = ['GET / HTTP/1.1\r\nhost: gw\r\n', ...'x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.split('')];
    const slow = raw(port, trickle, 200);
    await new Promise((r) => setTimeout(r, 400));
    const normal = await get(port);
    assert.equal(normal.status, 200);
    const result = await slow;
    assert.match(result.text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.match(result.text, /connection: close/i);
    assert.ok(result.closedAfterMs >= 900 && result.closedAfterMs < 2500, `closed after ${result.closedAfterMs} ms`);
    assert.equal(linesAbout('request headers timeout').length, 1);
  });

  test('HTTP/2 slowloris: a session whose first request\'s headers do not arrive in time is closed; h2 clients are served meanwhile', { timeout: 10_000 }, async () => {
    const before = linesAbout('closing the HTTP/2 connection').length;
    // The h2c preface and an empty SETTINGS frame, then a HEADERS frame header trickled a byte per 200 ms.
    const preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00';
    const slow = raw(port, [preface, ...'\x00\x00\x10\x01\x05\x00\x00\x00\x01'.split('')], 200);
    const session = http2.connect(`http://${HOST}:${port}`);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = session.request({ ':path': '/' });
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
        req.resume();
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      session.close();
    }
    const result = await slow;
    assert.ok(result.closedAfterMs >= 900 && result.closedAfterMs < 2500, `closed after ${result.closedAfterMs} ms`);
    assert.equal(linesAbout('closing the HTTP/2 connection').length - before, 1);
  });

  test('HTTP/2: a session with no open stream is closed after the idle timeout', { timeout: 10_000 }, async () => {
    const session = http2.connect(`http://${HOST}:${port}`);
    const closed = new Promise<number>((resolve) => session.once('close', () => resolve(Date.now())));
    session.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      const req = session.request({ ':path': '/' });
      req.on('error', reject);
      req.on('end', () => resolve());
      req.resume();
      req.end();
    });
    const done = Date.now();
    const after = (await closed) - done;
    assert.ok(after >= LIMITS.idleTimeoutMs - 200 && after < LIMITS.idleTimeoutMs + 2000, `closed ${after} ms after the last stream`);
  });

  test('a keep-alive connection: the deadline applies to the next request too, but an idle wait is not cut', async () => {
    const first = 'GET / HTTP/1.1\r\nhost: gw\r\n\r\n';
    // Idle 1.5 s (longer than the header deadline) between requests, then a complete one: served.
    const idle = await raw(port, [first, 'GET / HTTP/1.1\r\nhost: gw\r\nconnection: close\r\n\r\n'], 1500);
    assert.equal(idle.text.match(/HTTP\/1\.1 200/g)?.length, 2, idle.text);
    // The second request trickles: 408 after the first 200.
    const trickled = await raw(port, [first, 'GET / HTTP/1.1\r\nhost: gw\r\n', ...'x-slow-header: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'.split('')], 200);
    assert.match(trickled.text, /^HTTP\/1\.1 200 OK[\s\S]*HTTP\/1\.1 408 Request Timeout/);
    assert.ok(trickled.closedAfterMs < 4500, `closed after ${trickled.closedAfterMs} ms`);
  });

  test('an oversized header section gets 431 and the connection closed; others are served', async () => {
    const big = raw(port, [`GET / HTTP/1.1\r\nhost: gw\r\nx-big: ${'a'.repeat(8192)}\r\n\r\n`]);
    const normal = get(port);
    const [b, n] = await Promise.all([big, normal]);
    assert.match(b.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(b.text, /connection: close/i);
    assert.equal(n.status, 200);
  });

  test('more header fields than allowed get 431 and close; exactly the limit is served', async () => {
    const fields = (n: number): string => Array.from({ length: n }, (_, i) => `x-h${i}: v\r\n`).join('');
    const tooMany = await raw(port, [`GET / HTTP/1.1\r\nhost: gw\r\n${fields(20)}\r\n`]);
    assert.match(tooMany.text, /^HTTP\/1\.1 431 /);
    assert.match(tooMany.text, /connection: close/i);
    const atLimit = await raw(port, [`GET / HTTP/1.1\r\nhost: gw\r\nconnection: close\r\n${fields(18)}\r\n`]);
    assert.match(atLimit.text, /^HTTP\/1\.1 200 /);
  });

  test('a malformed request line gets 400, connection: close, and exactly one log line naming the peer and the parse error', async () => {
    const before = linesAbout('malformed HTTP request').length;
    // A request line the listener's sniffing takes for HTTP/1.1 (method, version) with a space inside the target.
    const bad = await raw(port, ['GET /a b HTTP/1.1\r\nhost: gw\r\n\r\n']);
    assert.match(bad.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(bad.text, /connection: close/i);
    const lines = linesAbout('malformed HTTP request').slice(before);
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]?.['peer']), /^127\.0\.0\.1:\d+$/);
    assert.match(String(lines[0]?.['code']), /^HPE_/);
    assert.equal((await get(port)).status, 200);
  });

  test('bytes that are not HTTP at all on the HTTP listener get 400 too, not a silent close', async () => {
    for (const garbage of ['BAD\r\n\r\n', 'GET / HTTP/1.1 junk\r\n\r\n', '\x16\x03\x01\x00\x05hello']) {
      const answer = await raw(port, [garbage]);
      assert.match(answer.text, /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(garbage));
    }
    assert.equal((await get(port)).status, 200);
  });

  test('a flood of malformed requests logs at most 10 lines a second', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
    const before = linesAbout('malformed HTTP request').length;
    const answers = await Promise.all(Array.from({ length: 30 }, () => raw(port, ['GET /a b HTTP/1.1\r\n\r\n'])));
    for (const a of answers) assert.match(a.text, /^HTTP\/1\.1 400 /);
    assert.ok(linesAbout('malformed HTTP request').length - before <= 10, `${linesAbout('malformed HTTP request').length - before} lines`);
  });

  test('connections over max-connections are closed at once; below it they are served again', async () => {
    const held: net.Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const s = net.connect(port, HOST);
      s.on('error', () => {});
      await once(s, 'connect');
      held.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    const over = await raw(port, ['GET / HTTP/1.1\r\nhost: gw\r\n\r\n']);
    assert.equal(over.text, '', 'closed without an answer');
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await get(port)).status, 200);
  });
});
