// The local cluster's trace store (one JSON line per span): spans written and read back keep their 64-bit times and
// attributes, one trace is found by id in any case, a torn last line is skipped, the file stops growing at its
// limit, and the newest traces are listed with their span counts and services.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ReceivedSpan } from '../../../localcluster/tracing/otlp-json.js';
import { appendSpans, latestTraces, readSpans, readTrace, traceFile } from '../../../localcluster/tracing/trace-file.js';

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlet-trace-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return traceFile(dir);
}

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const TRACE_C = '11112222333344445555666677778888';

function span(traceId: string, spanId: string, o: Partial<ReceivedSpan> = {}): ReceivedSpan {
  return {
    traceId,
    spanId,
    parentSpanId: null,
    name: 'GET /',
    kind: 'SERVER',
    serviceName: 'frontend',
    // Beyond 2^53: a Number would lose the last digits.
    startTimeUnixNano: 1700000000123456789n,
    endTimeUnixNano: 1700000000133456791n,
    status: { code: 'UNSET', message: '' },
    attributes: {},
    ...o,
  };
}

test('traceFile is traces.jsonl in the state directory', () => {
  assert.equal(traceFile('/run/meshlet/demo'), path.join('/run/meshlet/demo', 'traces.jsonl'));
});

test('appendSpans then readSpans gives the same spans, bigint times and attributes included', (t) => {
  const file = tempFile(t);
  const first = [
    span(TRACE_A, 'b7ad6b7169203331', { attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, sampled: true, none: null, ratio: 0.5 } }),
    span(TRACE_A, '00f067aa0ba902b7', {
      parentSpanId: 'b7ad6b7169203331', name: 'GET /items', kind: 'CLIENT', status: { code: 'ERROR', message: 'catalog answered 503' },
    }),
  ];
  const second = [span(TRACE_B, '53995c3f42cd8ad8', { serviceName: 'catalog' })];
  assert.equal(appendSpans(file, first), true);
  assert.equal(appendSpans(file, second), true);
  const read = readSpans(file);
  assert.deepEqual(read, [...first, ...second]);
  assert.equal(typeof read[0]?.startTimeUnixNano, 'bigint');
  assert.equal(read[0]?.endTimeUnixNano, 1700000000133456791n);
  // One line per span, times written as decimal strings.
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
  assert.equal((JSON.parse(lines[0] ?? '') as { startTimeUnixNano: unknown }).startTimeUnixNano, '1700000000123456789');
});

test('appendSpans of nothing writes nothing and succeeds', (t) => {
  const file = tempFile(t);
  assert.equal(appendSpans(file, []), true);
  assert.equal(existsSync(file), false);
});

test('readSpans of a missing file is []', (t) => {
  assert.deepEqual(readSpans(tempFile(t)), []);
});

test('readTrace returns the spans of one trace, the id in any case', (t) => {
  const file = tempFile(t);
  const a1 = span(TRACE_A, 'aaaaaaaaaaaaaaa1');
  const b1 = span(TRACE_B, 'bbbbbbbbbbbbbbb1');
  const a2 = span(TRACE_A, 'aaaaaaaaaaaaaaa2', { parentSpanId: 'aaaaaaaaaaaaaaa1' });
  appendSpans(file, [a1, b1, a2]);
  const rows: ReadonlyArray<[string, readonly ReceivedSpan[]]> = [
    [TRACE_A, [a1, a2]],
    [TRACE_A.toUpperCase(), [a1, a2]],
    [TRACE_B.toUpperCase(), [b1]],
    [TRACE_C, []],
  ];
  for (const [id, want] of rows) assert.deepEqual(readTrace(file, id), want, id);
});

test('a torn last line (still being written) is skipped, the lines before it read', (t) => {
  const file = tempFile(t);
  const whole = span(TRACE_A, 'aaaaaaaaaaaaaaa1');
  appendSpans(file, [whole]);
  const next = JSON.stringify({ ...span(TRACE_B, 'bbbbbbbbbbbbbbb1'), startTimeUnixNano: '1', endTimeUnixNano: '2' });
  appendFileSync(file, next.slice(0, next.length - 10));
  assert.deepEqual(readSpans(file), [whole]);
  assert.deepEqual(readTrace(file, TRACE_B), []);
});

test('appendSpans returns false and writes nothing once the file has reached maxBytes', (t) => {
  const file = tempFile(t);
  const one = [span(TRACE_A, 'aaaaaaaaaaaaaaa1')];
  assert.equal(appendSpans(file, one, 1_000_000), true);
  const size = statSync(file).size;
  // Below the limit: still appended (the limit may be passed by one batch).
  assert.equal(appendSpans(file, one, size + 1), true);
  const grown = statSync(file).size;
  assert.equal(grown, 2 * size);
  // At the limit and beyond it: refused, the file unchanged.
  for (const max of [grown, grown - 1, 1]) {
    assert.equal(appendSpans(file, [span(TRACE_B, 'bbbbbbbbbbbbbbb1')], max), false, `maxBytes ${max}`);
    assert.equal(statSync(file).size, grown);
  }
  assert.equal(readSpans(file).length, 2);
});

test('latestTraces: newest first, at most count, with span counts, sorted services and the first span', () => {
  const ms = (n: number): bigint => BigInt(n) * 1_000_000n;
  const at = (n: number): Partial<ReceivedSpan> => ({ startTimeUnixNano: ms(n), endTimeUnixNano: ms(n + 5) });
  const spans = [
    // Trace A started at t=2000 ms (its earliest span, listed last here), three spans over three services.
    span(TRACE_A, 'aaaaaaaaaaaaaaa2', { ...at(2_001), name: 'GET /items', serviceName: 'frontend' }),
    span(TRACE_B, 'bbbbbbbbbbbbbbb1', { ...at(3_000), name: 'Check', serviceName: 'inventory' }),
    span(TRACE_A, 'aaaaaaaaaaaaaaa3', { ...at(2_002), name: 'GET /items', serviceName: 'catalog' }),
    span(TRACE_C, 'ccccccccccccccc1', { ...at(1_000), name: 'lookup', serviceName: 'ledger' }),
    span(TRACE_A, 'aaaaaaaaaaaaaaa1', { ...at(2_000), name: 'GET /', serviceName: 'frontend' }),
    span(TRACE_A, 'aaaaaaaaaaaaaaa4', { ...at(2_003), name: 'Check', serviceName: 'catalog' }),
  ];
  const rows: ReadonlyArray<[number, readonly string[]]> = [
    [10, [
      `${TRACE_B}  1970-01-01T00:00:03.000Z  1 spans  inventory  Check`,
      `${TRACE_A}  1970-01-01T00:00:02.000Z  4 spans  catalog,frontend  GET /`,
      `${TRACE_C}  1970-01-01T00:00:01.000Z  1 spans  ledger  lookup`,
    ]],
    [2, [
      `${TRACE_B}  1970-01-01T00:00:03.000Z  1 spans  inventory  Check`,
      `${TRACE_A}  1970-01-01T00:00:02.000Z  4 spans  catalog,frontend  GET /`,
    ]],
    [0, []],
  ];
  for (const [count, want] of rows) assert.deepEqual(latestTraces(spans, count), want, `count ${count}`);
  assert.deepEqual(latestTraces([], 5), []);
});

test('latestTraces reads what appendSpans wrote: real nanosecond times give the right date', (t) => {
  const file = tempFile(t);
  appendSpans(file, [span(TRACE_A, 'aaaaaaaaaaaaaaa1')]);
  assert.deepEqual(latestTraces(readSpans(file), 1), [`${TRACE_A}  2023-11-14T22:13:20.123Z  1 spans  frontend  GET /`]);
});
