// Weighted clusters: over total_weight evenly spaced randoms every cluster is picked exactly its weight times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRouteTable } from '../../../../proxy/router/route-table.js';
import { WeightedClusterPicker } from '../../../../proxy/router/weighted.js';
import type { WeightedCluster } from '../../../../proxy/xds/types.js';
import { prefix, request, route, vhost } from './fixtures.js';

function counts(picker: WeightedClusterPicker, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const name = picker.pick(i / n);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

const w = (spec: string): WeightedCluster[] =>
  spec.split(' ').map((s) => {
    const [name = '', weight = '0'] = s.split(':');
    return { name, weight: Number(weight) };
  });

void test('weighted: exact counts over a deterministic sequence of randoms', () => {
  const table: [spec: string, n: number, want: Record<string, number>][] = [
    ['a:90 b:10', 100, { a: 90, b: 10 }],
    ['a:90 b:10', 1000, { a: 900, b: 100 }],
    ['a:1 b:1 c:2', 400, { a: 100, b: 100, c: 200 }],
    ['a:0 b:3 c:0 d:1', 4, { b: 3, d: 1 }], // weight 0 is never picked
    ['only:7', 10, { only: 10 }],
    ['a:33 b:33 c:34', 100, { a: 33, b: 33, c: 34 }],
  ];
  for (const [spec, n, want] of table) assert.deepEqual(counts(new WeightedClusterPicker(w(spec)), n), want, spec);
});

void test('weighted: boundaries of the cumulative weights', () => {
  const p = new WeightedClusterPicker(w('a:90 b:10'));
  const table: [random: number, want: string][] = [
    [0, 'a'],
    [0.8999, 'a'],
    [0.9, 'b'],
    [0.9999999999999999, 'b'],
  ];
  for (const [random, want] of table) assert.equal(p.pick(random), want, String(random));
  assert.equal(new WeightedClusterPicker(w('a:1 b:0')).pick(0.9999999999999999), 'a');
});

void test('weighted: the route match picks through the compiled picker', () => {
  const weighted = { kind: 'weighted' as const, clusters: w('v1:75 v2:25'), totalWeight: 100 };
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('split', prefix('/'), { action: weighted })])] });
  const m = table.match(request('/'));
  assert.ok(m);
  assert.deepEqual(
    [0, 0.5, 0.74, 0.75, 0.99].map((r) => m.cluster(r)),
    ['v1', 'v1', 'v1', 'v2', 'v2'],
  );
});
