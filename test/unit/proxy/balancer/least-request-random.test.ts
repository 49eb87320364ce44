// LEAST_REQUEST (power of two choices) and RANDOM, over many picks with a seeded random source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointStatsRegistry } from '../../../../proxy/balancer/stats.js';
import { assignment, picker, seeded, tally } from './fixtures.js';

const N = 16000;

function assertShares(counts: Record<string, number>, want: Record<string, number>, tolerance: number, label: string): void {
  for (const [host, share] of Object.entries(want)) {
    const got = (counts[host] ?? 0) / N;
    assert.ok(Math.abs(got - share) <= tolerance, `${label}: ${host} got ${got.toFixed(4)}, want ${share} ± ${tolerance}`);
  }
}

void test('least request: P2C prefers the less loaded; share of rank k is ((n−k)² − (n−k−1)²) / n²', () => {
  const stats = new EndpointStatsRegistry();
  // in flight: a 0, b 1, c 2, d 3
  ['a', 'b', 'c', 'd'].forEach((h, i) => (stats.get(`${h}:80`).activeRequests = i));
  const p = picker('LEAST_REQUEST', assignment({ hosts: ['a', 'b', 'c', 'd'] }), { stats, random: seeded(7) });
  assertShares(tally(p, N), { a: 7 / 16, b: 5 / 16, c: 3 / 16, d: 1 / 16 }, 0.015, 'p2c');
});

void test('least request: a loaded host is avoided whenever the other choice is idle', () => {
  const stats = new EndpointStatsRegistry();
  stats.get('a:80').activeRequests = 10;
  const p = picker('LEAST_REQUEST', assignment({ hosts: ['a', 'b'] }), { stats, random: seeded(3) });
  assertShares(tally(p, N), { a: 0.25, b: 0.75 }, 0.015, 'two hosts'); // a only when both draws are a
});

void test('least request: counters live outside the picker and survive a rebuild', () => {
  const stats = new EndpointStatsRegistry();
  const first = picker('LEAST_REQUEST', assignment({ hosts: ['a'] }), { stats });
  const host = first.pick({});
  assert.ok(host);
  host.stats.activeRequests++; // the request is still in flight when EDS adds b
  const rebuilt = picker('LEAST_REQUEST', assignment({ hosts: ['a', 'b'] }), { stats, random: seeded(5) });
  const counts = tally(rebuilt, N);
  assert.ok(Math.abs((counts.a ?? 0) / N - 0.25) < 0.015, 'the rebuilt picker sees a as busy: a only when drawn twice');
  host.stats.activeRequests--;
  stats.retainOnly(['b:80']);
  assert.equal(stats.size, 1, 'stats of endpoints gone from EDS can be dropped');
});

void test('random: uniform and weighted shares within bounds; unhealthy never picked', () => {
  const table: { hosts: string[]; want: Record<string, number> }[] = [
    { hosts: ['a', 'b', 'c', 'd'], want: { a: 0.25, b: 0.25, c: 0.25, d: 0.25 } },
    { hosts: ['a:3', 'b'], want: { a: 0.75, b: 0.25 } },
    { hosts: ['a', 'b!', 'c'], want: { a: 0.5, b: 0, c: 0.5 } },
  ];
  for (const { hosts, want } of table) {
    const p = picker('RANDOM', assignment({ hosts }), { random: seeded(11) });
    assertShares(tally(p, N), want, 0.015, hosts.join(','));
  }
});
