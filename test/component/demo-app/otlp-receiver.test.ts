// The OTLP/HTTP receiver over real HTTP on 127.0.0.1: the real OTLP exporter's requests are accepted and parsed;
// other paths, methods, encodings and broken bodies get the documented status codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { createTracerProvider } from '../../../proxy/telemetry/tracer-provider.js';
import { startOtlpReceiver } from '../../../localcluster/tracing/otlp-receiver.js';

void test('spans from @opentelemetry/exporter-trace-otlp-http arrive with ids, kind, service and times', async (t) => {
  const receiver = await startOtlpReceiver({ port: 0 });
  t.after(() => receiver.close());
  const provider = createTracerProvider({ serviceName: 'ledger', enabled: true, endpoint: receiver.endpoint });
  const span = provider.getTracer('test').startSpan('lookup', { kind: SpanKind.CLIENT, attributes: { n: 3 } });
  span.end();
  await provider.shutdown();
  assert.deepEqual(receiver.errors(), []);
  const [got] = receiver.spans();
  assert.equal(receiver.spans().length, 1);
  assert.deepEqual(
    [got?.traceId, got?.spanId, got?.parentSpanId, got?.name, got?.kind, got?.serviceName, got?.attributes['n']],
    [span.spanContext().traceId, span.spanContext().spanId, null, 'lookup', 'CLIENT', 'ledger', 3],
  );
  assert.ok(got !== undefined && got.endTimeUnixNano >= got.startTimeUnixNano && got.startTimeUnixNano > 10n ** 18n);
  assert.deepEqual(receiver.trace(span.spanContext().traceId), [got]);
});

void test('wrong path, method, encoding or body', async (t) => {
  const receiver = await startOtlpReceiver({ port: 0, maxBodyBytes: 64 });
  t.after(() => receiver.close());
  const post = (path: string, type: string, body: string, method = 'POST') =>
    fetch(`${receiver.endpoint}${path}`, { method, headers: { 'content-type': type }, body: method === 'GET' ? null : body });
  const statuses = await Promise.all([
    post('/v1/metrics', 'application/json', '{}'),
    post('/v1/traces', 'application/json', '', 'GET'),
    post('/v1/traces', 'application/x-protobuf', 'x'),
    post('/v1/traces', 'application/json', '{not json'),
    post('/v1/traces', 'application/json', JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(100) })),
    post('/v1/traces', 'application/json; charset=utf-8', '{"resourceSpans":[]}'),
  ]);
  assert.deepEqual(statuses.map((r) => r.status), [404, 405, 415, 400, 413, 200]);
  assert.equal(await statuses[5]?.text(), '{}');
});
