// buildPicker end to end: priority spill-over, panic, locality weights, empty assignments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LbPolicy } from '../../../../proxy/xds/types.js';
import { assignment, hosts, picker, seeded, tally } from './fixtures.js';

const N = 20000;

function shareOf(counts: Record<string, number>, prefix: string): number {
  return Object.entries(counts).reduce((a, [h, c]) => (h.startsWith(prefix) ? a + c : a), 0) / N;
}

void test('empty or hostless assignments pick nothing', () => {
  const table: { label: string; a: ReturnType<typeof assignment>; panicThresholdPercent?: number }[] = [
    { label: 'no localities', a: assignment() },
    { label: 'a locality without endpoints', a: assignment({ hosts: [] }) },
    { label: 'all unhealthy, panic disabled', a: assignment({ hosts: ['a!', 'b!'] }), panicThresholdPercent: 0 },
  ];
  for (const policy of ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'] as const) {
    for (const row of table) {
      const p = picker(policy, row.a, { panicThresholdPercent: row.panicThresholdPercent });
      assert.equal(p.pick({ hashKey: 'k' }), undefined, `${policy}: ${row.label}`);
    }
  }
});

// 100 hosts per priority so that the healthy percentages are those of Envoy's "Priority levels" tables.
void test('priority spill-over: traffic split per Envoy "Priority levels" (picks within ±1.5%)', () => {
  const table: { healthy: number[]; split: number[] }[] = [
    { healthy: [100, 100], split: [1, 0] },
    { healthy: [71, 100], split: [0.99, 0.01] },
    { healthy: [50, 100], split: [0.7, 0.3] },
    { healthy: [25, 100], split: [0.35, 0.65] },
    { healthy: [0, 100], split: [0, 1] },
    { healthy: [25, 25, 100], split: [0.35, 0.35, 0.3] },
  ];
  for (const policy of ['ROUND_ROBIN', 'RANDOM', 'MAGLEV'] as const) {
    for (const { healthy, split } of table) {
      const a = assignment(...healthy.map((h, p) => ({ priority: p, hosts: hosts(`p${p}-`, 100, 100 - h) })));
      const p = picker(policy, a, { random: seeded(9) });
      const ctx: { hashKey?: string } = {};
      const counts: Record<string, number> = {};
      for (let i = 0; i < N; i++) {
        ctx.hashKey = `k${i}`;
        const host = p.pick(ctx)?.endpoint.address ?? '-';
        counts[host] = (counts[host] ?? 0) + 1;
      }
      split.forEach((want, level) => {
        const got = shareOf(counts, `p${level}-`);
        assert.ok(Math.abs(got - want) <= 0.015, `${policy} ${healthy.join('/')}: P${level} ${got} want ${want}`);
      });
      assert.ok(Object.keys(counts).every((h) => Number(h.split('-')[1]) >= 100 - (healthy[Number(h[1])] ?? 0)), 'healthy only');
    }
  }
});

void test('panic: below the threshold a priority balances over all its hosts, healthy or not', () => {
  const table: { label: string; a: ReturnType<typeof assignment>; want: Record<string, number> }[] = [
    // 1 of 4 healthy: health 35 < 50 → total panic, all four hosts in turn
    { label: '1/4 healthy', a: assignment({ hosts: ['a', 'b!', 'c!', 'd!'] }), want: { a: 1000, b: 1000, c: 1000, d: 1000 } },
    { label: 'none healthy', a: assignment({ hosts: ['a!', 'b!'] }), want: { a: 2000, b: 2000 } },
    // 2 of 4 healthy: exactly at the threshold → not in panic
    { label: '2/4 healthy', a: assignment({ hosts: ['a', 'b', 'c!', 'd!'] }), want: { a: 2000, b: 2000 } },
  ];
  for (const { label, a, want } of table) assert.deepEqual(tally(picker('ROUND_ROBIN', a, { random: () => 0 }), 4000), want, label);
});

void test('panic per priority (Envoy "Panic threshold" row 5%/65%: P0 in panic gets 7%, over all its hosts)', () => {
  const a = assignment({ priority: 0, hosts: hosts('p0-', 100, 95) }, { priority: 1, hosts: hosts('p1-', 100, 35) });
  const counts = tally(picker('RANDOM', a, { random: seeded(4) }), N);
  assert.ok(Math.abs(shareOf(counts, 'p0-') - 0.07) <= 0.01, 'P0 share');
  const unhealthyP0 = Object.entries(counts).filter(([h]) => h.startsWith('p0-') && Number(h.slice(3)) < 95);
  assert.ok(unhealthyP0.length > 50, 'P0 in panic picks its unhealthy hosts');
  assert.ok(!Object.keys(counts).some((h) => h.startsWith('p1-') && Number(h.slice(3)) < 35), 'P1 is not in panic');
});

void test('locality weighted: share = locality weight × min(1, 1.4 × healthy fraction)', () => {
  const table: { label: string; localities: { weight: number; hosts: string[] }[]; want: number[] }[] = [
    { label: 'weights 1:3', localities: [{ weight: 1, hosts: ['a0', 'a1'] }, { weight: 3, hosts: ['b0', 'b1'] }], want: [0.25, 0.75] },
    {
      label: 'half of b unhealthy → availability 0.7',
      localities: [{ weight: 1, hosts: ['a0', 'a1'] }, { weight: 1, hosts: ['b0', 'b1', 'b2!', 'b3!'] }],
      want: [1 / 1.7, 0.7 / 1.7],
    },
    {
      label: '3 of 4 healthy → still fully available',
      localities: [{ weight: 1, hosts: ['a0', 'a1'] }, { weight: 1, hosts: ['b0', 'b1', 'b2', 'b3!'] }],
      want: [0.5, 0.5],
    },
    { label: 'weight 0 locality gets nothing', localities: [{ weight: 1, hosts: ['a0'] }, { weight: 0, hosts: ['b0'] }], want: [1, 0] },
  ];
  for (const policy of ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'] satisfies LbPolicy[]) {
    for (const { label, localities, want } of table) {
      const counts = tally(picker(policy, assignment(...localities)), N);
      const got = [shareOf(counts, 'a'), shareOf(counts, 'b')];
      got.forEach((g, i) => assert.ok(Math.abs(g - (want[i] ?? 0)) <= 0.01, `${policy} ${label}: ${got.join(' / ')}`));
    }
  }
});

void test('a picker is immutable: a new assignment needs a new picker; the old one keeps its hosts', () => {
  const old = picker('ROUND_ROBIN', assignment({ hosts: ['a', 'b'] }), { random: () => 0 });
  const next = picker('ROUND_ROBIN', assignment({ hosts: ['c'] }), { random: () => 0 });
  assert.deepEqual([old.pick({})?.endpoint.address, next.pick({})?.endpoint.address, old.pick({})?.key], ['a', 'c', 'b:80']);
});
