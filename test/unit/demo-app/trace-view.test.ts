// renderTrace: spans → the tree/waterfall text the demo prints. Times in ms from 0 for readability.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTrace, type ViewSpan } from '../../../localcluster/tracing/trace-view.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T0 = 1_700_000_000_000_000_000n;

function span(spanId: string, parent: string | null, service: string, name: string, kind: ViewSpan['kind'], fromMs: number, toMs: number, error = false): ViewSpan {
  return {
    traceId: TRACE,
    spanId: spanId.padStart(16, '0'),
    parentSpanId: parent === null ? null : parent.padStart(16, '0'),
    name,
    kind,
    serviceName: service,
    startTimeUnixNano: T0 + BigInt(fromMs * 1_000_000),
    endTimeUnixNano: T0 + BigInt(toMs * 1_000_000),
    status: { code: error ? 'ERROR' : 'UNSET', message: '' },
  };
}

const cases: { name: string; spans: ViewSpan[]; width?: number; expected: string }[] = [
  {
    name: 'no spans',
    spans: [],
    expected: '(no spans)',
  },
  {
    name: 'a tree: children indented under their parent, ordered by start, bars scaled to the trace',
    width: 10,
    // given out of order: the view sorts
    spans: [
      span('4', '3', 'catalog', 'inventory.Inventory/Check', 'CLIENT', 3, 6),
      span('1', null, 'frontend', 'GET /', 'SERVER', 0, 10),
      span('6', '3', 'catalog', 'ledger', 'CLIENT', 3, 4, true),
      span('2', '1', 'frontend', 'GET /items', 'CLIENT', 1, 9),
      span('5', '4', 'inventory', 'inventory.Inventory/Check', 'SERVER', 4, 5),
      span('3', '2', 'catalog', 'GET /items', 'SERVER', 2, 8),
    ],
    expected: [
      'trace 0af7651916cd43dd8448eb211c80319c: 6 spans, 3 services, 10.00 ms',
      '[frontend] GET / (server)                               10.00 ms |██████████|',
      '  [frontend] GET /items (client)                         8.00 ms | ████████ |',
      '    [catalog] GET /items (server)                        6.00 ms |  ██████  |',
      '      [catalog] inventory.Inventory/Check (client)       3.00 ms |   ███    |',
      '        [inventory] inventory.Inventory/Check (server)   1.00 ms |    █     |',
      '      [catalog] ledger (client) [error]                  1.00 ms |   █      |',
    ].join('\n'),
  },
  {
    name: 'a span whose parent is missing is a root; a tiny span still gets one cell',
    width: 4,
    spans: [span('a', null, 'web', 'GET /', 'SERVER', 0, 8), span('b', 'ff', 'sidecar', 'web/', 'UNSPECIFIED', 7.9, 8)],
    expected: [
      'trace 0af7651916cd43dd8448eb211c80319c: 2 spans, 2 services, 8.00 ms',
      '[web] GET / (server)  8.00 ms |████|',
      '[sidecar] web/        0.10 ms |   █|',
    ].join('\n'),
  },
  {
    name: 'a parent cycle does not hang or drop spans',
    width: 2,
    spans: [span('a', 'b', 'x', 'one', 'INTERNAL', 0, 2), span('b', 'a', 'x', 'two', 'INTERNAL', 1, 2)],
    expected: [
      'trace 0af7651916cd43dd8448eb211c80319c: 2 spans, 1 services, 2.00 ms',
      '[x] one (internal)    2.00 ms |██|',
      '  [x] two (internal)  1.00 ms | █|',
    ].join('\n'),
  },
];

for (const c of cases) {
  void test(`renderTrace: ${c.name}`, () => {
    assert.equal(renderTrace(c.spans, c.width === undefined ? {} : { barWidth: c.width }), c.expected);
  });
}
