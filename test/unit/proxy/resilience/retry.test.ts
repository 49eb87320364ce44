// Retries: which outcomes each retry_on condition covers (Envoy's wouldRetryFromHeaders/FromReset), the
// jittered back-off, and one request's retry state against num_retries and the cluster's retry breaker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterBreakers } from '../../../../proxy/resilience/circuit-breaker.js';
import { RetryState, backoffMs, retriable } from '../../../../proxy/resilience/retry.js';
import type { AttemptOutcome } from '../../../../proxy/resilience/retry.js';
import { seeded } from '../balancer/fixtures.js';
import { policy, thresholds } from './fixtures.js';

/** Outcomes by label: a status, `grpc-N` (HTTP 200 with grpc-status N in the headers), or a reset kind. */
const OUTCOMES: Record<string, AttemptOutcome> = {
  '200': { kind: 'response', status: 200 },
  '404': { kind: 'response', status: 404 },
  '409': { kind: 'response', status: 409 },
  '429': { kind: 'response', status: 429 },
  '500': { kind: 'response', status: 500 },
  '501': { kind: 'response', status: 501 },
  '502': { kind: 'response', status: 502 },
  '503': { kind: 'response', status: 503 },
  '504': { kind: 'response', status: 504 },
  'grpc-0': { kind: 'response', status: 200, grpcStatus: 0 },
  'grpc-1': { kind: 'response', status: 200, grpcStatus: 1 },
  'grpc-4': { kind: 'response', status: 200, grpcStatus: 4 },
  'grpc-8': { kind: 'response', status: 200, grpcStatus: 8 },
  'grpc-13': { kind: 'response', status: 200, grpcStatus: 13 },
  'grpc-14': { kind: 'response', status: 200, grpcStatus: 14 },
  'connect-failure': { kind: 'connect-failure' },
  reset: { kind: 'reset' },
  'refused-stream': { kind: 'refused-stream' },
  'per-try-timeout': { kind: 'per-try-timeout' },
};

const RESETS = 'connect-failure reset refused-stream per-try-timeout';

void test('retry_on: each condition retries exactly these outcomes', () => {
  const table: { retryOn: string; codes?: number[]; retries: string }[] = [
    { retryOn: '5xx', retries: `500 501 502 503 504 ${RESETS}` }, // every reset counts as the 5xx it becomes
    { retryOn: 'gateway-error', retries: `502 503 504 ${RESETS}` }, // Envoy treats resets the same way here
    { retryOn: 'reset', retries: RESETS },
    { retryOn: 'connect-failure', retries: 'connect-failure' },
    { retryOn: 'refused-stream', retries: 'refused-stream' },
    { retryOn: 'retriable-4xx', retries: '409' },
    { retryOn: 'retriable-status-codes', codes: [429, 503], retries: '429 503' },
    { retryOn: 'retriable-status-codes', retries: '' }, // the condition without codes
    { retryOn: 'cancelled', retries: 'grpc-1' },
    { retryOn: 'deadline-exceeded', retries: 'grpc-4' },
    { retryOn: 'resource-exhausted', retries: 'grpc-8' },
    { retryOn: 'internal', retries: 'grpc-13' },
    { retryOn: 'unavailable', retries: 'grpc-14' },
    { retryOn: '', retries: '' },
    { retryOn: 'no-such-condition', retries: '' },
    // Istio's default route retry policy
    {
      retryOn: 'connect-failure refused-stream unavailable cancelled retriable-status-codes',
      codes: [503],
      retries: '503 grpc-1 grpc-14 connect-failure refused-stream',
    },
  ];
  for (const row of table) {
    const p = policy({ retryOn: row.retryOn.split(' ').filter(Boolean), retriableStatusCodes: row.codes ?? [] });
    const got = Object.keys(OUTCOMES).filter((label) => retriable(p, OUTCOMES[label]!));
    assert.deepEqual(got.sort(), row.retries.split(' ').filter(Boolean).sort(), row.retryOn);
  }
});

void test('backoff: the n-th retry waits in [0, min(max, base × 2^(n−1)))', () => {
  const almostOne = () => 0.9999999;
  const table: { base?: number; max?: number; highest: number[] }[] = [
    { highest: [24, 49, 99, 199, 249, 249] }, // 25 ms base, 250 ms max by default
    { base: 100, max: 300, highest: [99, 199, 299, 299] },
    { base: 100, highest: [99, 199, 399, 799, 999, 999] },
    { base: 100, max: 50, highest: [99, 99] }, // a max below the base is raised to the base
  ];
  for (const { base, max, highest } of table) {
    const p = policy({ backOffBaseMs: base, backOffMaxMs: max });
    const got = highest.map((_, i) => backoffMs(p, i + 1, almostOne));
    assert.deepEqual(got, highest, `base ${base} max ${max}`);
    assert.deepEqual(highest.map((_, i) => backoffMs(p, i + 1, () => 0)), highest.map(() => 0));
  }
  assert.equal(backoffMs(policy(), 1000, almostOne), 249, 'large retry numbers stay at the cap');
});

void test('backoff: many random draws stay inside the bounds and spread over them', () => {
  const random = seeded(7);
  for (let n = 1; n <= 6; n++) {
    const ceiling = Math.min(250, 25 * 2 ** (n - 1));
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < 2000; i++) {
      const delay = backoffMs(policy(), n, random);
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay < ceiling, `retry ${n}: ${delay}`);
      lowest = Math.min(lowest, delay);
      highest = Math.max(highest, delay);
    }
    assert.ok(lowest <= ceiling * 0.05 && highest >= ceiling * 0.95, `retry ${n}: ${lowest}..${highest}`);
  }
});

void test('retry state: num_retries runs out as "exhausted" (URX), holding one retry slot at a time', () => {
  const breakers = new ClusterBreakers(thresholds());
  const state = new RetryState(policy({ numRetries: 2 }), breakers, () => 0.5);
  const steps: string[] = [];
  for (let i = 0; i < 3; i++) {
    const decision = state.next(OUTCOMES['503']!);
    steps.push(`${decision.retry ? `retry ${decision.delayMs}` : decision.reason} (${breakers.activeCounts().retries})`);
  }
  assert.deepEqual(steps, ['retry 12 (1)', 'retry 25 (1)', 'exhausted (0)']);
  assert.equal(state.attempts, 3);
});

void test('retry state: outcomes retry_on does not cover, success included, end it as "not-retriable"', () => {
  const table: { retryOn: string[]; outcome: string; decision: string }[] = [
    { retryOn: ['5xx'], outcome: 'per-try-timeout', decision: 'retry' },
    { retryOn: ['reset'], outcome: 'per-try-timeout', decision: 'retry' },
    { retryOn: ['connect-failure'], outcome: 'per-try-timeout', decision: 'not-retriable' },
    { retryOn: ['5xx'], outcome: '200', decision: 'not-retriable' },
    { retryOn: ['5xx'], outcome: '404', decision: 'not-retriable' },
  ];
  for (const row of table) {
    const decision = new RetryState(policy({ retryOn: row.retryOn }), new ClusterBreakers(thresholds())).next(OUTCOMES[row.outcome]!);
    assert.equal(decision.retry ? 'retry' : decision.reason, row.decision, `${row.retryOn.join()} × ${row.outcome}`);
  }
  const none = new RetryState(policy({ numRetries: 0 }), new ClusterBreakers(thresholds())).next(OUTCOMES['503']!);
  assert.deepEqual(none, { retry: false, reason: 'exhausted' });
});

void test('retry state: the retry breaker says "overflow"; the slot returns on the next outcome or done()', () => {
  const breakers = new ClusterBreakers(thresholds({ maxRetries: 1 }));
  const first = new RetryState(policy({ numRetries: 3 }), breakers);
  const second = new RetryState(policy({ numRetries: 3 }), breakers);
  assert.equal(first.next(OUTCOMES['503']!).retry, true);
  assert.deepEqual(second.next(OUTCOMES['503']!), { retry: false, reason: 'overflow' });
  assert.equal(breakers.overflowStats().upstream_rq_retry_overflow, 1);
  assert.equal(first.next(OUTCOMES['200']!).retry, false, 'the retried attempt succeeded');
  assert.equal(breakers.activeCounts().retries, 0);
  assert.equal(second.next(OUTCOMES['503']!).retry, true, 'the slot is free again');
  second.done();
  second.done();
  assert.equal(breakers.activeCounts().retries, 0, 'done() releases once');
});

void test('retry state: with a retry budget the limit follows the requests in flight', () => {
  const breakers = new ClusterBreakers(thresholds({ maxRetries: 100, retryBudget: { budgetPercent: 20, minRetryConcurrency: 1 } }));
  for (let i = 0; i < 10; i++) breakers.tryAcquireRequest();
  const states = [1, 2, 3].map(() => new RetryState(policy(), breakers));
  const got = states.map((s) => {
    const decision = s.next(OUTCOMES['503']!);
    return decision.retry ? 'retry' : decision.reason;
  });
  assert.deepEqual(got, ['retry', 'retry', 'overflow']); // 20% of 10 requests: 2 retries, max_retries ignored
});
