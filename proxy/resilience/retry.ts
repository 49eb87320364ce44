// The router's retry decisions, as Envoy's RetryStateImpl makes them (router filter "x-envoy-retry-on",
// "x-envoy-retry-grpc-on", "Retry semantics"): which attempt outcomes a route's retry_on allows to retry, the
// jittered back-off between attempts, and a per-request counter that also asks the cluster's retry breaker.
//
// Whether a request may be retried at all is the caller's concern: Envoy retries only a request whose body it
// still holds whole (buffered, under the buffer limit) and whose response it has not begun to send downstream.
import type { RandomSource } from '../balancer/types.js';
import type { RetryPolicy } from '../xds/types.js';
import type { ClusterBreakers } from './circuit-breaker.js';

/**
 * How one upstream attempt ended. `grpcStatus` is grpc-status as read from the response headers (a
 * trailers-only response): like Envoy, a retry is decided on headers, before any body has gone downstream.
 */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly grpcStatus?: number }
  | { readonly kind: 'connect-failure' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'refused-stream' }
  | { readonly kind: 'per-try-timeout' };

// retry_on conditions as bits, so that a decision is a few ANDs instead of string searches.
const ON_5XX = 1 << 0;
const ON_GATEWAY_ERROR = 1 << 1;
const ON_RESET = 1 << 2;
const ON_CONNECT_FAILURE = 1 << 3;
const ON_RETRIABLE_4XX = 1 << 4;
const ON_REFUSED_STREAM = 1 << 5;
const ON_RETRIABLE_STATUS_CODES = 1 << 6;

/** The x-envoy-retry-grpc-on conditions, by the grpc-status code each one names. */
const GRPC_CONDITIONS: ReadonlyMap<string, number> = new Map([
  ['cancelled', 1],
  ['deadline-exceeded', 4],
  ['resource-exhausted', 8],
  ['internal', 13],
  ['unavailable', 14],
]);
const GRPC_SHIFT = 8; // bit GRPC_SHIFT + code for each gRPC condition: codes stay below 24, bits below 32

const HTTP_CONDITIONS: ReadonlyMap<string, number> = new Map([
  ['5xx', ON_5XX],
  ['gateway-error', ON_GATEWAY_ERROR],
  ['reset', ON_RESET],
  ['connect-failure', ON_CONNECT_FAILURE],
  ['retriable-4xx', ON_RETRIABLE_4XX],
  ['refused-stream', ON_REFUSED_STREAM],
  ['retriable-status-codes', ON_RETRIABLE_STATUS_CODES],
]);

// Policies are immutable domain objects, so each one's mask is computed once. Unknown conditions are ignored,
// as Envoy ignores them in the request header.
const masks = new WeakMap<RetryPolicy, number>();

function retryOnMask(policy: RetryPolicy): number {
  let mask = masks.get(policy);
  if (mask === undefined) {
    mask = 0;
    for (const condition of policy.retryOn) {
      const grpc = GRPC_CONDITIONS.get(condition);
      mask |= grpc === undefined ? (HTTP_CONDITIONS.get(condition) ?? 0) : 1 << (GRPC_SHIFT + grpc);
    }
    masks.set(policy, mask);
  }
  return mask;
}

// Envoy's wouldRetryFromReset: `5xx` and `gateway-error` count every reset as the 503/504 it will become (so
// they cover connect failures, refused streams and per-try timeouts too); `reset` covers every reset;
// `connect-failure` and `refused-stream` only their own kind. A per-try timeout resets the stream locally.
const RESET_CONDITIONS = ON_5XX | ON_GATEWAY_ERROR | ON_RESET;

/** Whether the route's retry_on allows retrying after `outcome` (the retry count is not considered here). */
export function retriable(policy: RetryPolicy, outcome: AttemptOutcome): boolean {
  const mask = retryOnMask(policy);
  switch (outcome.kind) {
    case 'response':
      return responseRetriable(policy, mask, outcome.status, outcome.grpcStatus);
    case 'connect-failure':
      return (mask & (RESET_CONDITIONS | ON_CONNECT_FAILURE)) !== 0;
    case 'refused-stream':
      return (mask & (RESET_CONDITIONS | ON_REFUSED_STREAM)) !== 0;
    case 'reset':
    case 'per-try-timeout':
      return (mask & RESET_CONDITIONS) !== 0;
  }
}

// Envoy's wouldRetryFromHeaders, without the x-envoy-overloaded / rate-limited exceptions (the sidecar's
// upstreams do not send those headers to it).
function responseRetriable(policy: RetryPolicy, mask: number, status: number, grpcStatus: number | undefined): boolean {
  if ((mask & ON_5XX) !== 0 && status >= 500 && status <= 599) return true;
  if ((mask & ON_GATEWAY_ERROR) !== 0 && status >= 502 && status <= 504) return true;
  if ((mask & ON_RETRIABLE_4XX) !== 0 && status === 409) return true;
  if ((mask & ON_RETRIABLE_STATUS_CODES) !== 0 && policy.retriableStatusCodes.includes(status)) return true;
  return grpcStatus !== undefined && grpcStatus >= 0 && grpcStatus < 24 && (mask & (1 << (GRPC_SHIFT + grpcStatus))) !== 0;
}

/** Envoy's default retry back-off base interval (runtime upstream.base_retry_backoff_ms). */
export const DEFAULT_BACKOFF_BASE_MS = 25;

/**
 * The delay before retry number `retryNumber` (1 for the first retry): uniform in [0, ceiling) with
 * ceiling = min(max, base × 2^(retryNumber−1)), base 25 ms and max 10 × base by default. This is what Envoy's
 * JitteredExponentialBackOffStrategy computes (`random % interval`, the interval doubling up to the max; the
 * first retry waits 0–24 ms, the second 0–49 ms); the router docs' "[0, (2^N−1) × base)" describes an older
 * version of that class.
 */
export function backoffMs(policy: RetryPolicy, retryNumber: number, random: RandomSource): number {
  const base = Math.max(1, policy.backOffBaseMs ?? DEFAULT_BACKOFF_BASE_MS);
  const max = Math.max(base, policy.backOffMaxMs ?? base * 10); // Envoy rejects max < base; clamp instead
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(0, retryNumber - 1), 30));
  return Math.floor(random() * ceiling);
}

/**
 * Why a request is not retried: `not-retriable` (retry_on does not cover the outcome, or it succeeded),
 * `exhausted` (num_retries used up: Envoy's response flag URX) or `overflow` (the cluster's retry breaker or
 * budget said no: Envoy's flag UO and upstream_rq_retry_overflow).
 */
export type NoRetryReason = 'not-retriable' | 'exhausted' | 'overflow';
export type RetryDecision =
  | { readonly retry: false; readonly reason: NoRetryReason }
  | { readonly retry: true; readonly delayMs: number };

const NOT_RETRIABLE: RetryDecision = Object.freeze({ retry: false, reason: 'not-retriable' });
const EXHAUSTED: RetryDecision = Object.freeze({ retry: false, reason: 'exhausted' });
const OVERFLOW: RetryDecision = Object.freeze({ retry: false, reason: 'overflow' });

/**
 * One request's retries. Call `next()` with each attempt's outcome; call `done()` when the request ends. Like
 * Envoy, a scheduled retry holds a slot of the cluster's retry breaker from the decision until the retried
 * attempt's outcome (the next `next()`) or `done()`. The `retry: true` answer is one object reused per state.
 */
export class RetryState {
  private retriesLeft: number;
  private retriesDone = 0;
  private holdsRetrySlot = false;
  private readonly yes: { readonly retry: true; delayMs: number } = { retry: true, delayMs: 0 };

  constructor(
    private readonly policy: RetryPolicy,
    private readonly breakers: ClusterBreakers,
    private readonly random: RandomSource = Math.random,
  ) {
    this.retriesLeft = policy.numRetries;
  }

  /** Attempts begun so far, counting the first, if the caller followed every `retry: true`. */
  get attempts(): number {
    return 1 + this.retriesDone;
  }

  next(outcome: AttemptOutcome): RetryDecision {
    this.done();
    if (!retriable(this.policy, outcome)) return NOT_RETRIABLE;
    if (this.retriesLeft === 0) return EXHAUSTED;
    this.retriesLeft--; // as Envoy: a retry refused by the breaker still uses up one of num_retries
    if (!this.breakers.tryAcquireRetry()) return OVERFLOW;
    this.holdsRetrySlot = true;
    this.retriesDone++;
    this.yes.delayMs = backoffMs(this.policy, this.retriesDone, this.random);
    return this.yes;
  }

  /** The request is over (answered, abandoned or reset downstream): give back the retry slot, if held. */
  done(): void {
    if (this.holdsRetrySlot) {
      this.holdsRetrySlot = false;
      this.breakers.releaseRetry();
    }
  }
}
