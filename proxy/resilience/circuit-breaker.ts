// A cluster's circuit breakers (Envoy "Circuit breaking", ResourceManagerImpl): live counts of connections,
// pending requests, active requests and active retries against the DEFAULT-priority thresholds. A resource is
// admitted while its count is below its threshold; a refusal counts in the overflow counter Envoy names.
// The counts belong to the cluster, not to one CDS version: `update()` swaps thresholds and keeps them, since
// requests in flight release later (Envoy keeps one ResourceManager per cluster across such updates too).
import type { CircuitBreakers } from '../xds/types.js';

/** The overflow counters, under Envoy's cluster stat names. */
export interface BreakerOverflowStats {
  readonly upstream_cx_overflow: number;
  /** Requests refused by max_pending_requests or by max_requests: Envoy counts both here. */
  readonly upstream_rq_pending_overflow: number;
  /** meshlet's own breakdown: the part of upstream_rq_pending_overflow that max_requests refused. */
  readonly upstream_rq_overflow: number;
  readonly upstream_rq_retry_overflow: number;
}

/** Live counts, for the admin page and gauges. */
export interface BreakerActiveCounts {
  readonly connections: number;
  readonly pendingRequests: number;
  readonly requests: number;
  readonly retries: number;
}

// Indexes of the four resources in the count arrays (arrays rather than fields so one admit() serves all).
const CX = 0;
const PENDING = 1;
const RQ = 2;
const RETRY = 3;

export class ClusterBreakers {
  private limits: CircuitBreakers;
  private readonly active = [0, 0, 0, 0];
  private readonly overflowed = [0, 0, 0, 0];

  constructor(thresholds: CircuitBreakers) {
    this.limits = thresholds;
  }

  get thresholds(): CircuitBreakers {
    return this.limits;
  }

  /** New thresholds from a CDS update; counts and overflow counters carry over. */
  update(thresholds: CircuitBreakers): void {
    this.limits = thresholds;
  }

  /**
   * A new upstream connection. `firstForHost`: the chosen host has no connection at all; Envoy then opens
   * one even over the limit (counting the overflow) so that requests queued for that host can be served.
   */
  tryAcquireConnection(firstForHost = false): boolean {
    if (this.admit(CX, this.limits.maxConnections)) return true;
    if (firstForHost) this.active[CX]!++;
    return firstForHost;
  }

  releaseConnection(): void {
    this.release(CX);
  }

  /** A request queued while it waits for a connection (max_pending_requests). */
  tryAcquirePending(): boolean {
    return this.admit(PENDING, this.limits.maxPendingRequests);
  }

  releasePending(): void {
    this.release(PENDING);
  }

  /** A request in flight to the cluster (max_requests). */
  tryAcquireRequest(): boolean {
    return this.admit(RQ, this.limits.maxRequests);
  }

  releaseRequest(): void {
    this.release(RQ);
  }

  /** A retry in flight (max_retries, or the retry budget when one is set). RetryState calls these. */
  tryAcquireRetry(): boolean {
    return this.admit(RETRY, this.retryLimit());
  }

  releaseRetry(): void {
    this.release(RETRY);
  }

  /**
   * How many retries may be in flight now. With a retry budget (which replaces max_retries, as in Envoy's
   * RetryBudgetImpl): budget_percent of the active plus pending requests, rounded down, but never fewer than
   * min_retry_concurrency.
   */
  retryLimit(): number {
    const budget = this.limits.retryBudget;
    if (budget === undefined) return this.limits.maxRetries;
    const base = this.active[RQ]! + this.active[PENDING]!;
    return Math.max(budget.minRetryConcurrency, Math.floor((budget.budgetPercent / 100) * base));
  }

  activeCounts(): BreakerActiveCounts {
    const [connections = 0, pendingRequests = 0, requests = 0, retries = 0] = this.active;
    return { connections, pendingRequests, requests, retries };
  }

  overflowStats(): BreakerOverflowStats {
    const [cx = 0, pending = 0, rq = 0, retry = 0] = this.overflowed;
    return {
      upstream_cx_overflow: cx,
      upstream_rq_pending_overflow: pending + rq,
      upstream_rq_overflow: rq,
      upstream_rq_retry_overflow: retry,
    };
  }

  private admit(resource: number, limit: number): boolean {
    if (this.active[resource]! < limit) {
      this.active[resource]!++;
      return true;
    }
    this.overflowed[resource]!++;
    return false;
  }

  // Never below zero: a release without an acquire is a caller bug, and a negative count would silently
  // raise every later limit.
  private release(resource: number): void {
    if (this.active[resource]! > 0) this.active[resource]!--;
  }
}
