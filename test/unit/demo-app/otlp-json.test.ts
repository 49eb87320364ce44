// parseExportTraceRequest: the OTLP/HTTP JSON body as @opentelemetry/exporter-trace-otlp-http sends it (hex ids,
// times as strings, enums as numbers) and the other forms the protobuf JSON mapping allows; bad spans are dropped
// with an error naming their path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExportTraceRequest } from '../../../localcluster/tracing/otlp-json.js';

const TRACE = '0AF7651916CD43DD8448EB211C80319C';

function request(spans: unknown[], service = 'catalog'): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'demo' }, spans }],
      },
    ],
  };
}

void test('a span as the JS exporter sends it', () => {
  const result = parseExportTraceRequest(
    request([
      {
        traceId: TRACE,
        spanId: '00f067aa0ba902b7',
        parentSpanId: 'b7ad6b7169203331',
        name: 'GET /items',
        kind: 2,
        startTimeUnixNano: '1700000000000000001',
        endTimeUnixNano: '1700000000005000001',
        attributes: [
          { key: 'http.request.method', value: { stringValue: 'GET' } },
          { key: 'server.port', value: { intValue: 8080 } },
          { key: 'ok', value: { boolValue: true } },
          { key: 'ratio', value: { doubleValue: 0.5 } },
          { key: 'list', value: { arrayValue: { values: [] } } },
        ],
        status: { code: 2, message: 'boom' },
        events: [],
        links: [],
      },
    ]),
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.spans, [
    {
      traceId: TRACE.toLowerCase(),
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      name: 'GET /items',
      kind: 'SERVER',
      serviceName: 'catalog',
      startTimeUnixNano: 1700000000000000001n,
      endTimeUnixNano: 1700000000005000001n,
      status: { code: 'ERROR', message: 'boom' },
      attributes: { 'http.request.method': 'GET', 'server.port': 8080, ok: true, ratio: 0.5, list: null },
    },
  ]);
});

void test('roots (no or empty parentSpanId), enums by name, times as numbers, no status, no service.name', () => {
  const base = { traceId: TRACE, name: 'x', startTimeUnixNano: 1, endTimeUnixNano: 2 };
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            spans: [
              { ...base, spanId: '0000000000000001', kind: 'SPAN_KIND_CLIENT' },
              { ...base, spanId: '0000000000000002', parentSpanId: '', kind: 'INTERNAL', status: { code: 'STATUS_CODE_OK' } },
            ],
          },
        ],
      },
    ],
  };
  const { spans, errors } = parseExportTraceRequest(body);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    spans.map((s) => [s.spanId, s.parentSpanId, s.kind, s.status.code, s.serviceName, s.endTimeUnixNano]),
    [
      ['0000000000000001', null, 'CLIENT', 'UNSET', 'unknown_service', 2n],
      ['0000000000000002', null, 'INTERNAL', 'OK', 'unknown_service', 2n],
    ],
  );
});

void test('bad spans are dropped with every problem and its path; good ones kept', () => {
  const good = { traceId: TRACE, spanId: '0000000000000001', name: 'ok', startTimeUnixNano: '1', endTimeUnixNano: '2' };
  const bad = { traceId: 'xyz', spanId: '0000000000000000', parentSpanId: 'short', kind: 9, startTimeUnixNano: '-1', endTimeUnixNano: '2' };
  const { spans, errors } = parseExportTraceRequest(request([good, bad, 'nope']));
  assert.deepEqual(spans.map((s) => s.name), ['ok']);
  const p = 'resourceSpans[0].scopeSpans[0].spans';
  assert.deepEqual(errors, [
    `${p}[1].traceId: not a 32-digit hex id`,
    `${p}[1].spanId: not a 16-digit hex id`,
    `${p}[1].parentSpanId: not a 16-digit hex id`,
    `${p}[1].kind: not a span kind`,
    `${p}[1].startTimeUnixNano: not a unix time in nanoseconds`,
    `${p}[2]: not an object`,
  ]);
});

void test('a body that is not a request', () => {
  assert.deepEqual(parseExportTraceRequest([]).errors, ['(body): not a JSON object']);
  assert.deepEqual(parseExportTraceRequest({ resourceSpans: {} }).errors, ['resourceSpans: not an array']);
  assert.deepEqual(parseExportTraceRequest({}), { spans: [], errors: [] });
});
