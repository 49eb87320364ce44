// RING_HASH and MAGLEV: same key → same host; removing one of N hosts remaps about 1/N of the keys; balance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaglevSelector } from '../../../../proxy/balancer/maglev.js';
import { RingHashSelector } from '../../../../proxy/balancer/ring-hash.js';
import type { LbHost, Picker } from '../../../../proxy/balancer/types.js';
import { assignment, endpoint, hosts, picker } from './fixtures.js';

const KEYS = Array.from({ length: 20000 }, (_, i) => `user-${i}`);
const POLICIES = ['RING_HASH', 'MAGLEV'] as const;

function owners(p: Picker): string[] {
  const ctx: { hashKey?: string } = {};
  return KEYS.map((k) => {
    ctx.hashKey = k;
    return p.pick(ctx)?.endpoint.address ?? '-';
  });
}

function lbHosts(specs: readonly string[]): LbHost[] {
  const locality = assignment({ hosts: [] }).localities[0]!;
  return specs.map((s) => {
    const e = endpoint(s);
    return { key: `${e.address}:80`, endpoint: e, locality, stats: { activeRequests: 0 } };
  });
}

void test('consistent hash: the same key always lands on the same host, also across rebuilds', () => {
  for (const policy of POLICIES) {
    const a = assignment({ hosts: hosts('h', 5) });
    const first = owners(picker(policy, a));
    assert.deepEqual(owners(picker(policy, a)), first, `${policy}: rebuild`);
    assert.deepEqual(owners(picker(policy, a)).slice(0, 100), first.slice(0, 100), `${policy}: repeat`);
    assert.equal(new Set(first).size, 5, `${policy}: every host owns keys`);
  }
});

// Maglev stays near the ideal 1/N. Envoy's ring gives every host ceil(1024 / N) entries, so removing one of 10
// hosts also adds entries for the others (103 → 114 each), which move some extra keys; from 50 to 49 hosts the
// count stays 21 per host and exactly the removed host's keys move.
void test('consistent hash: removing 1 of N hosts remaps ~1/N of the keys, and every key of the removed host', () => {
  const table: { policy: (typeof POLICIES)[number]; n: number; maxMoved: number; onlyRemoved?: true }[] = [
    { policy: 'MAGLEV', n: 5, maxMoved: 0.26 },
    { policy: 'MAGLEV', n: 10, maxMoved: 0.13 },
    { policy: 'MAGLEV', n: 50, maxMoved: 0.03 },
    { policy: 'RING_HASH', n: 10, maxMoved: 0.2 },
    { policy: 'RING_HASH', n: 50, maxMoved: 0.03, onlyRemoved: true },
  ];
  for (const { policy, n, maxMoved, onlyRemoved } of table) {
    const before = owners(picker(policy, assignment({ hosts: hosts('h', n) })));
    const after = owners(picker(policy, assignment({ hosts: hosts('h', n).slice(1) })));
    const moved = before.filter((h, i) => h !== after[i]).length / KEYS.length;
    const ownedByRemoved = before.filter((h) => h === 'h0').length / KEYS.length;
    assert.ok(!after.includes('h0'), `${policy} n=${n}: the removed host gets nothing`);
    assert.ok(moved <= maxMoved, `${policy} n=${n}: moved ${moved.toFixed(3)} > ${maxMoved}`);
    if (onlyRemoved) assert.equal(moved, ownedByRemoved, `${policy} n=${n}: only h0's keys move`);
  }
});

void test('consistent hash: marking a host unhealthy behaves like removing it', () => {
  for (const policy of POLICIES) {
    const removed = owners(picker(policy, assignment({ hosts: hosts('h', 6).slice(1) })));
    const unhealthy = owners(picker(policy, assignment({ hosts: hosts('h', 6, 1) })));
    assert.deepEqual(unhealthy, removed, policy);
  }
});

void test('ring hash: at least 1024 entries; weights scale the entries', () => {
  const table: { hosts: string[]; entries: number }[] = [
    { hosts: ['a', 'b', 'c'], entries: 1026 }, // ceil(1024/3) = 342 each
    { hosts: ['a:2', 'b'], entries: 1026 }, // lightest (1/3) gets ceil(1024/3) = 342, a twice that
    { hosts: ['a'], entries: 1024 },
  ];
  for (const row of table) assert.equal(new RingHashSelector(lbHosts(row.hosts)).ringHashes.length, row.entries, row.hosts.join(','));
});

void test('maglev: 65537 slots, each of N equal hosts owns M/N ± 1; weights split the table', () => {
  for (const n of [3, 7, 10]) {
    const m = new MaglevSelector(lbHosts(hosts('h', n)));
    assert.equal(m.table.length, 65537);
    const counts = new Array<number>(n).fill(0);
    for (const i of m.table) counts[i]! += 1;
    for (const c of counts) assert.ok(Math.abs(c - 65537 / n) <= 1, `n=${n}: ${counts.join(',')}`);
  }
  const weighted = new MaglevSelector(lbHosts(['a:3', 'b']));
  const a = weighted.table.filter((i) => i === 0).length / 65537;
  assert.ok(Math.abs(a - 0.75) < 0.01, `weight 3:1 → a owns ${a.toFixed(4)}`);
});

void test('consistent hash: key shares are balanced within a few % of 1/N', () => {
  for (const { policy, tolerance } of [
    { policy: 'MAGLEV', tolerance: 0.02 },
    { policy: 'RING_HASH', tolerance: 0.05 },
  ] as const) {
    const got = owners(picker(policy, assignment({ hosts: hosts('h', 5) })));
    for (let h = 0; h < 5; h++) {
      const share = got.filter((x) => x === `h${h}`).length / KEYS.length;
      assert.ok(Math.abs(share - 0.2) <= tolerance, `${policy}: h${h} share ${share.toFixed(3)}`);
    }
  }
});

void test('consistent hash: without a hash key the pick is random but still a healthy host', () => {
  for (const policy of POLICIES) {
    const p = picker(policy, assignment({ hosts: ['a', 'b!', 'c'] }));
    const seen = new Set(Array.from({ length: 200 }, () => p.pick({})?.endpoint.address));
    assert.deepEqual([...seen].sort(), ['a', 'c'], policy);
  }
});
