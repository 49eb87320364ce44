// Operating the sidecar: tracing spans and W3C context propagation, drain on request, config changes that do not
// break requests in flight, and WebSocket upgrades passing through.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProxyAgent, request } from 'undici';
import { createTracing } from '../../../proxy/telemetry/tracing.js';
import { eventually } from '../../support/ads-harness.js';
import { httpService, startMesh, type MeshHarness } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('sidecar operations', () => {
  let mesh: MeshHarness;
  let agent: ProxyAgent;
  let server: http.Server;
  let port: number;
  const exporter = new InMemorySpanExporter();
  const seenTraceparents: string[] = [];

  before(async () => {
    port = await freePort('127.0.0.51');
    server = http.createServer((req, res) => {
      seenTraceparents.push(String(req.headers['traceparent']));
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => res.end('done'), delay);
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
      socket.pipe(socket); // echo whatever the client sends after the upgrade
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.51', resolve));
    mesh = await startMesh(
      { 'web.yaml': httpService('web', 80, ['127.0.0.51'], port) },
      { tracing: createTracing({ serviceName: 'sidecar.test', enabled: true, spanProcessor: new SimpleSpanProcessor(exporter) }) },
    );
    agent = new ProxyAgent({ uri: mesh.proxyUrl, proxyTunnel: false });
  });

  after(async () => {
    await agent.close();
    await mesh.close();
    server.close();
  });

  void test('tracing: a client span per outbound request, child of the caller’s traceparent, propagated upstream', async () => {
    const r = await request('http://web/traced', { dispatcher: agent, headers: { traceparent: `00-${TRACE_ID}-${PARENT}-01` } });
    assert.equal(r.statusCode, 200);
    await r.body.text();
    const forwarded = seenTraceparents.at(-1) ?? '';
    const [, traceId, spanId] = forwarded.split('-');
    assert.equal(traceId, TRACE_ID, 'the trace continues');
    assert.notEqual(spanId, PARENT, 'the upstream sees the sidecar span as its parent');
    const span = exporter.getFinishedSpans().find((s) => s.spanContext().spanId === spanId);
    assert.ok(span, 'the sidecar exported the span it propagated');
    assert.equal(span.parentSpanContext?.spanId ?? (span as unknown as { parentSpanId?: string }).parentSpanId, PARENT);
    assert.equal(span.kind, 2 /* SpanKind.CLIENT */);
    assert.equal(span.attributes['http.response.status_code'], 200);
    assert.equal(span.attributes['network.peer.address'], '127.0.0.1', 'the downstream (the app) as the peer');
    assert.equal(span.attributes['upstream.address'], `127.0.0.51:${port}`, 'the endpoint the request went to');
  });

  void test('an endpoint change does not break a request in flight', async () => {
    const inFlight = request('http://web/?delay=800', { dispatcher: agent }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
    await new Promise((r) => setTimeout(r, 100));
    mesh.writeManifest('web.yaml', httpService('web', 80, [], port));
    await eventually(async () => (await request('http://web/', { dispatcher: agent }).then((r) => (void r.body.text(), r.statusCode))) === 503, 3000);
    assert.deepEqual(await inFlight, { status: 200, body: 'done' });
    mesh.writeManifest('web.yaml', httpService('web', 80, ['127.0.0.51'], port));
    await eventually(async () => (await request('http://web/', { dispatcher: agent }).then((r) => (void r.body.text(), r.statusCode))) === 200, 3000);
  });

  void test('WebSocket: the Upgrade is routed, answered 101 by the app, and bytes then flow both ways', async () => {
    const ip = [...mesh.sidecar.xds.config.nameTables.values()][0]?.services.find((s) => s.name === 'web')?.clusterIps[0];
    const socket = connect(mesh.outboundPort, '127.0.0.1');
    socket.write(`CONNECT ${ip}:80 HTTP/1.1\r\nhost: ${ip}:80\r\n\r\n`);
    let text = '';
    let step = 0;
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (step === 0 && text.includes('Established\r\n\r\n')) {
        step = 1;
        socket.write('GET /ws HTTP/1.1\r\nhost: web\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
      } else if (step === 1 && text.includes('101 Switching Protocols')) {
        step = 2;
        socket.end('ping-after-upgrade');
      }
    });
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(text, /101 Switching Protocols/);
    assert.match(text, /ping-after-upgrade$/);
  });

  void test('drain: listeners stop accepting while a request in flight completes', async () => {
    const inFlight = request('http://web/?delay=500', { dispatcher: agent }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
    await new Promise((r) => setTimeout(r, 100));
    const drained = mesh.sidecar.drain();
    await new Promise((r) => setTimeout(r, 50));
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(mesh.outboundPort, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(false)));
      s.on('error', () => resolve(true));
    });
    assert.equal(refused, true, 'no new connections during drain');
    assert.deepEqual(await inFlight, { status: 200, body: 'done' });
    await drained;
  });
});
