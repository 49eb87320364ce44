// Circuit breakers: each resource is admitted below its threshold, refusals count under Envoy's overflow
// stat names, releases give capacity back, and new thresholds from CDS keep the live counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterBreakers } from '../../../../proxy/resilience/circuit-breaker.js';
import { thresholds } from './fixtures.js';

type Resource = 'Connection' | 'Pending' | 'Request' | 'Retry';

function acquire(breakers: ClusterBreakers, resource: Resource): boolean {
  return breakers[`tryAcquire${resource}`]();
}

function release(breakers: ClusterBreakers, resource: Resource): void {
  breakers[`release${resource}`]();
}

void test('breakers: each threshold admits that many, then refuses and counts the overflow', () => {
  const table: { resource: Resource; count: keyof ReturnType<ClusterBreakers['activeCounts']>; overflow: string }[] = [
    { resource: 'Connection', count: 'connections', overflow: 'upstream_cx_overflow 1' },
    // max_requests overflow counts in upstream_rq_pending_overflow too, as Envoy counts it
    { resource: 'Pending', count: 'pendingRequests', overflow: 'upstream_rq_pending_overflow 1' },
    { resource: 'Request', count: 'requests', overflow: 'upstream_rq_pending_overflow 1, upstream_rq_overflow 1' },
    { resource: 'Retry', count: 'retries', overflow: 'upstream_rq_retry_overflow 1' },
  ];
  for (const { resource, count, overflow } of table) {
    const breakers = new ClusterBreakers(thresholds({ maxConnections: 2, maxPendingRequests: 2, maxRequests: 2, maxRetries: 2 }));
    assert.deepEqual([1, 2, 3].map(() => acquire(breakers, resource)), [true, true, false], resource);
    assert.equal(breakers.activeCounts()[count], 2, resource);
    const counted = Object.entries(breakers.overflowStats()).filter(([, n]) => n > 0);
    assert.equal(counted.map(([name, n]) => `${name} ${n}`).join(', '), overflow, resource);
    release(breakers, resource);
    assert.equal(acquire(breakers, resource), true, `${resource}: a release gives the capacity back`);
  }
});

void test('breakers: a release never takes a count below zero', () => {
  const breakers = new ClusterBreakers(thresholds({ maxRequests: 1 }));
  breakers.releaseRequest();
  assert.equal(breakers.activeCounts().requests, 0);
  assert.deepEqual([breakers.tryAcquireRequest(), breakers.tryAcquireRequest()], [true, false]);
});

void test("breakers: a host's first connection opens over the limit, still counted as an overflow", () => {
  const breakers = new ClusterBreakers(thresholds({ maxConnections: 1 }));
  assert.deepEqual([breakers.tryAcquireConnection(), breakers.tryAcquireConnection(), breakers.tryAcquireConnection(true)], [true, false, true]);
  assert.equal(breakers.activeCounts().connections, 2);
  assert.equal(breakers.overflowStats().upstream_cx_overflow, 2);
});

void test('breakers: the retry budget replaces max_retries: max(min concurrency, percent × (active + pending))', () => {
  const table: { percent: number; min: number; active: number; pending: number; limit: number }[] = [
    { percent: 20, min: 3, active: 0, pending: 0, limit: 3 },
    { percent: 20, min: 3, active: 100, pending: 0, limit: 20 },
    { percent: 20, min: 3, active: 20, pending: 10, limit: 6 },
    { percent: 20, min: 3, active: 10, pending: 5, limit: 3 },
    { percent: 25, min: 0, active: 10, pending: 0, limit: 2 }, // 2.5 rounds down
    { percent: 50, min: 1, active: 1, pending: 0, limit: 1 },
    { percent: 100, min: 0, active: 0, pending: 0, limit: 0 },
  ];
  for (const { percent, min, active, pending, limit } of table) {
    const breakers = new ClusterBreakers(thresholds({ maxRetries: 1000, retryBudget: { budgetPercent: percent, minRetryConcurrency: min } }));
    for (let i = 0; i < active; i++) breakers.tryAcquireRequest();
    for (let i = 0; i < pending; i++) breakers.tryAcquirePending();
    assert.equal(breakers.retryLimit(), limit, `${percent}% of ${active}+${pending}, min ${min}`);
    let admitted = 0;
    while (breakers.tryAcquireRetry()) admitted++;
    assert.equal(admitted, limit);
  }
  assert.equal(new ClusterBreakers(thresholds({ maxRetries: 7 })).retryLimit(), 7, 'without a budget: max_retries');
});

void test('breakers: new thresholds keep the counts of requests in flight and the overflow counters', () => {
  const breakers = new ClusterBreakers(thresholds({ maxRequests: 2 }));
  breakers.tryAcquireRequest();
  breakers.tryAcquireRequest();
  breakers.tryAcquireRequest();
  breakers.update(thresholds({ maxRequests: 1 }));
  assert.equal(breakers.thresholds.maxRequests, 1);
  assert.equal(breakers.activeCounts().requests, 2);
  assert.equal(breakers.overflowStats().upstream_rq_overflow, 1);
  breakers.releaseRequest();
  assert.equal(breakers.tryAcquireRequest(), false, 'still 1 in flight against a limit of 1');
  breakers.releaseRequest();
  assert.equal(breakers.tryAcquireRequest(), true);
  breakers.update(thresholds({ maxRequests: 3 }));
  assert.deepEqual([breakers.tryAcquireRequest(), breakers.tryAcquireRequest(), breakers.tryAcquireRequest()], [true, true, false]);
});
