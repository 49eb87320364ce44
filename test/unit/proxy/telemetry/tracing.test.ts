// Tracing: off hands out shared no-op objects; on, spans join the caller's trace, carry the request's attributes
// (with the downstream peer and the upstream host picked, like Envoy's peer.address / upstream_address tags) and
// hand their own context on in the forwarded headers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  createTracing,
  DISABLED_TRACING,
  NOOP_SPAN,
  tracingFromEnv,
  type HttpSpanInfo,
} from '../../../../proxy/telemetry/tracing.js';
import { ResponseFlag } from '../../../../proxy/telemetry/response-flags.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

function info(over: Partial<HttpSpanInfo> = {}): HttpSpanInfo {
  return {
    method: 'GET',
    path: '/reviews/1?x=2',
    authority: 'reviews:9080',
    peerAddress: '10.1.0.5',
    cluster: 'inbound|9080||',
    route: null,
    ...over,
  };
}

function inMemory(t: { after(fn: () => Promise<void>): void }) {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({
    serviceName: 'reviews-v1-abc.default',
    enabled: true,
    spanProcessor: new SimpleSpanProcessor(exporter),
  });
  t.after(() => tracing.shutdown());
  return { exporter, tracing };
}

void test('tracing off: every call returns the same shared objects and headers stay untouched', async () => {
  const tracing = createTracing({ serviceName: 's', enabled: false });
  assert.equal(tracing, DISABLED_TRACING);
  assert.equal(tracing.enabled, false);
  const headers = { traceparent: TRACEPARENT };
  const server = tracing.startServerSpan(headers, info());
  assert.equal(server, NOOP_SPAN);
  assert.equal(tracing.startClientSpan(server, info()), NOOP_SPAN);
  assert.equal(tracing.startClientSpan(headers, info()), NOOP_SPAN);
  const out: Record<string, string> = {};
  tracing.inject(server, out);
  assert.deepEqual(out, {});
  tracing.end(server, 500);
  tracing.end(server, 200, ResponseFlag.UpstreamConnectionFailure, '10.1.0.9:9080');
  assert.equal(NOOP_SPAN.isRecording(), false);
  assert.equal(tracing.flush(), tracing.shutdown(), 'one shared resolved promise');
  await tracing.shutdown();
});

void test('tracing on: a server span continues the incoming traceparent, with HTTP attributes', (t) => {
  const { exporter, tracing } = inMemory(t);
  const span = tracing.startServerSpan({ traceparent: TRACEPARENT, tracestate: 'vendor=x' }, info());
  tracing.end(span, 200, 0, '127.0.0.1:9080');
  const [done] = exporter.getFinishedSpans();
  assert.ok(done);
  assert.equal(done.spanContext().traceId, TRACE_ID);
  assert.equal(done.parentSpanContext?.spanId, PARENT_ID);
  assert.equal(done.kind, SpanKind.SERVER);
  assert.equal(done.name, 'reviews:9080/reviews/1');
  assert.deepEqual(done.attributes, {
    'http.request.method': 'GET',
    'url.path': '/reviews/1',
    'server.address': 'reviews',
    'server.port': 9080,
    'network.peer.address': '10.1.0.5',
    upstream_cluster: 'inbound|9080||',
    'http.response.status_code': 200,
    'upstream.address': '127.0.0.1:9080',
  });
  assert.equal(done.status.code, SpanStatusCode.UNSET);
  assert.equal(done.resource.attributes['service.name'], 'reviews-v1-abc.default');
});

void test('tracing on: a client span under the server span is injected into the forwarded headers', (t) => {
  const { exporter, tracing } = inMemory(t);
  const server = tracing.startServerSpan({ traceparent: TRACEPARENT, tracestate: 'vendor=x' }, info());
  const client = tracing.startClientSpan(
    server,
    info({ route: 'ratings-route', cluster: 'outbound|9080||ratings', peerAddress: '10.1.0.7' }),
  );
  const forwarded: Record<string, string> = { host: 'ratings:9080' };
  tracing.inject(client, forwarded);
  assert.equal(forwarded['traceparent'], `00-${TRACE_ID}-${client.spanContext().spanId}-01`);
  assert.equal(forwarded['tracestate'], 'vendor=x');
  tracing.end(client, 503, ResponseFlag.UpstreamConnectionFailure, '[fd00::9]:9080');
  tracing.end(server, 503);
  const [c, s] = exporter.getFinishedSpans();
  assert.ok(c && s);
  assert.equal(c.kind, SpanKind.CLIENT);
  assert.equal(c.name, 'GET ratings-route');
  assert.equal(c.parentSpanContext?.spanId, s.spanContext().spanId);
  assert.equal(c.status.code, SpanStatusCode.ERROR);
  assert.equal(c.attributes['response_flags'], 'UF');
  assert.equal(c.attributes['upstream_cluster'], 'outbound|9080||ratings');
  assert.equal(c.attributes['network.peer.address'], '10.1.0.7');
  assert.equal(c.attributes['upstream.address'], '[fd00::9]:9080');
  assert.equal(s.attributes['upstream.address'], undefined, 'no upstream host given: no attribute');
});

void test('tracing on: no upstream host (undefined or empty) and no peer leave their attributes out', (t) => {
  const { exporter, tracing } = inMemory(t);
  tracing.end(tracing.startServerSpan({}, info({ peerAddress: '' })), 503, ResponseFlag.NoHealthyUpstream, undefined);
  tracing.end(tracing.startClientSpan({}, info()), 503, ResponseFlag.NoHealthyUpstream, '');
  const [a, b] = exporter.getFinishedSpans();
  assert.ok(a && b);
  assert.equal('network.peer.address' in a.attributes, false);
  assert.equal('upstream.address' in a.attributes, false);
  assert.equal(b.attributes['network.peer.address'], '10.1.0.5');
  assert.equal('upstream.address' in b.attributes, false);
  assert.equal(a.attributes['response_flags'], 'UH');
});

void test('tracing on: outbound from the app headers; no parent starts a trace; status 0 is an error', (t) => {
  const { exporter, tracing } = inMemory(t);
  const fromApp = tracing.startClientSpan({ traceparent: TRACEPARENT }, info({ authority: '[fd00::1]:8080' }));
  const fresh = tracing.startServerSpan({}, info({ authority: 'reviews' }));
  tracing.end(fromApp, 0);
  tracing.end(fresh, 404);
  const [a, b] = exporter.getFinishedSpans();
  assert.ok(a && b);
  assert.equal(a.spanContext().traceId, TRACE_ID);
  assert.equal(a.attributes['server.address'], 'fd00::1');
  assert.equal(a.attributes['server.port'], 8080);
  assert.equal(a.attributes['http.response.status_code'], undefined);
  assert.equal(a.status.code, SpanStatusCode.ERROR);
  assert.notEqual(b.spanContext().traceId, TRACE_ID);
  assert.equal(b.parentSpanContext, undefined);
  assert.equal(b.attributes['server.address'], 'reviews');
  assert.equal(b.status.code, SpanStatusCode.UNSET, 'a 4xx is not a server error');
});

void test('tracing on: an unsampled parent is followed and still propagated, flags 00', (t) => {
  const { exporter, tracing } = inMemory(t);
  const span = tracing.startServerSpan({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` }, info());
  assert.equal(span.isRecording(), false);
  const out: Record<string, string> = {};
  tracing.inject(span, out);
  assert.match(out['traceparent'] ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
  tracing.end(span, 200);
  assert.equal(exporter.getFinishedSpans().length, 0);
});

void test('tracingFromEnv: on with an OTLP endpoint, traces endpoint wins, off when unset or disabled', () => {
  assert.deepEqual(tracingFromEnv({}, 'p.ns'), { serviceName: 'p.ns', enabled: false });
  assert.deepEqual(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'p.ns'), {
    serviceName: 'p.ns',
    enabled: true,
    tracesUrl: 'http://collector:4318/v1/traces',
  });
  const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x' };
  assert.equal(tracingFromEnv(both, 'p').tracesUrl, 'http://t/x');
  const slash = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }, 'p');
  assert.equal(slash.tracesUrl, 'http://c:4318/v1/traces');
  assert.equal(tracingFromEnv({ ...both, OTEL_SDK_DISABLED: 'true' }, 'p').enabled, false);
  assert.equal(tracingFromEnv({ ...both, OTEL_TRACES_EXPORTER: 'none' }, 'p').enabled, false);
  assert.throws(() => tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'p'), {
    code: 'MESHLET_ERR_INVALID_FLAG',
    message: /OTEL_EXPORTER_OTLP_ENDPOINT/,
  });
});
