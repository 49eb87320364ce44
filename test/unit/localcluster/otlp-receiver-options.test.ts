// The OTLP receiver's onSpans and retain options (over HTTP on 127.0.0.1, port 0): by default accepted spans are
// kept for spans()/trace() and handed to onSpans; with retain: false they are only handed to onSpans, which is what
// the long-running collector does (it writes them to the trace file instead of keeping them in memory).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReceivedSpan } from '../../../localcluster/tracing/otlp-json.js';
import { startOtlpReceiver, type OtlpReceiverOptions } from '../../../localcluster/tracing/otlp-receiver.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** An ExportTraceServiceRequest in the protobuf JSON mapping, as @opentelemetry/exporter-trace-otlp-http sends it. */
function exportRequest(service: string, spanIds: readonly string[]): unknown {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{
        scope: { name: 'test' },
        spans: spanIds.map((spanId, i) => ({
          traceId: TRACE,
          spanId,
          ...(i > 0 && { parentSpanId: spanIds[0] }),
          name: `span ${i}`,
          kind: 2,
          startTimeUnixNano: '1700000000123456789',
          endTimeUnixNano: '1700000000133456789',
          attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
          status: {},
        })),
      }],
    }],
  };
}

async function post(endpoint: string, body: unknown): Promise<number> {
  const res = await fetch(`${endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

const cases: ReadonlyArray<{ readonly name: string; readonly options: OtlpReceiverOptions; readonly retained: boolean }> = [
  { name: 'by default spans are kept and handed to onSpans', options: {}, retained: true },
  { name: 'retain: true keeps them and hands them to onSpans', options: { retain: true }, retained: true },
  { name: 'retain: false only hands them to onSpans', options: { retain: false }, retained: false },
];

for (const c of cases) {
  test(`startOtlpReceiver: ${c.name}`, async (t) => {
    const calls: Array<readonly ReceivedSpan[]> = [];
    const receiver = await startOtlpReceiver({ ...c.options, port: 0, onSpans: (spans) => calls.push(spans) });
    t.after(() => receiver.close());
    assert.equal(await post(receiver.endpoint, exportRequest('frontend', ['b7ad6b7169203331', '00f067aa0ba902b7'])), 200);
    assert.equal(await post(receiver.endpoint, exportRequest('catalog', ['53995c3f42cd8ad8'])), 200);
    assert.deepEqual(receiver.errors(), []);

    // onSpans gets the spans of each request, in order, parsed.
    assert.deepEqual(calls.map((spans) => spans.map((s) => `${s.serviceName} ${s.spanId} ${s.parentSpanId ?? '-'}`)), [
      ['frontend b7ad6b7169203331 -', 'frontend 00f067aa0ba902b7 b7ad6b7169203331'],
      ['catalog 53995c3f42cd8ad8 -'],
    ]);
    const first = calls[0]?.[0];
    assert.deepEqual(
      [first?.traceId, first?.kind, first?.startTimeUnixNano, first?.attributes['http.response.status_code']],
      [TRACE, 'SERVER', 1700000000123456789n, 200],
    );

    const all = calls.flat();
    assert.deepEqual(receiver.spans(), c.retained ? all : []);
    assert.deepEqual(receiver.trace(TRACE), c.retained ? all : []);
  });
}

test('startOtlpReceiver: without onSpans, spans are still kept', async (t) => {
  const receiver = await startOtlpReceiver({ port: 0 });
  t.after(() => receiver.close());
  assert.equal(await post(receiver.endpoint, exportRequest('ledger', ['53995c3f42cd8ad8'])), 200);
  assert.deepEqual(receiver.spans().map((s) => `${s.serviceName} ${s.spanId}`), ['ledger 53995c3f42cd8ad8']);
});

test('startOtlpReceiver: a rejected request reaches neither onSpans nor spans()', async (t) => {
  const calls: Array<readonly ReceivedSpan[]> = [];
  const receiver = await startOtlpReceiver({ port: 0, onSpans: (spans) => calls.push(spans) });
  t.after(() => receiver.close());
  const res = await fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(res.status, 400);
  await res.text();
  assert.deepEqual(calls, []);
  assert.deepEqual(receiver.spans(), []);
});
