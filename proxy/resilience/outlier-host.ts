// One host's outlier state (Envoy's DetectorHostMonitorImpl): the consecutive-failure counters, whether it is
// ejected and since when, and the ejection-time multiplier. The cluster-wide rules (max ejection percent, the
// sweep timer, change notification) live in OutlierDetector.
import type { OutlierDetection } from '../xds/types.js';
import type { AttemptOutcome } from './retry.js';

/**
 * A request's result as the detector counts it: `gateway-error` is a 502, 503 or 504 (it counts for both
 * detectors); `local-origin-failure` (connect failure, reset, timeout) counts as one too, since Envoy maps
 * those to 503/504 when split_external_local_origin_errors is false; `http-5xx` is any other 5xx.
 */
export type OutlierResult = 'success' | 'http-5xx' | 'gateway-error' | 'local-origin-failure';

/** How an upstream attempt counts for outlier detection (Envoy's router: putHttpResponseCode / putResult). */
export function outlierResultOf(outcome: AttemptOutcome): OutlierResult {
  if (outcome.kind !== 'response') return 'local-origin-failure'; // every reset is reported as a connect failure
  const status = outcome.grpcStatus === undefined ? outcome.status : grpcToHttpStatus(outcome.grpcStatus);
  if (status >= 502 && status <= 504) return 'gateway-error';
  return status >= 500 && status <= 599 ? 'http-5xx' : 'success';
}

// Envoy's Grpc::Utility::grpcToHttpStatus for the codes that map to a 5xx (the rest map below 500): a
// grpc-status in the response headers (trailers-only) is what Envoy feeds the detector for gRPC requests.
function grpcToHttpStatus(grpcStatus: number): number {
  switch (grpcStatus) {
    case 4: // DEADLINE_EXCEEDED
      return 504;
    case 14: // UNAVAILABLE
      return 503;
    case 12: // UNIMPLEMENTED
      return 501;
    case 2: // UNKNOWN
    case 13: // INTERNAL
    case 15: // DATA_LOSS
      return 500;
    default:
      return 200;
  }
}

/** One host, for the admin page. */
export interface OutlierHostSnapshot {
  readonly host: string;
  readonly ejected: boolean;
  /** Times ejected since the host joined (Envoy's num_ejections; never decreases). */
  readonly ejectionCount: number;
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  /** Clock time from which the host may return (at the first sweep at or after it), while ejected. */
  readonly ejectedUntil?: number;
}

/** The detector whose threshold a result reached, named as Envoy's ejection types. */
export type OutlierTrigger = 'consecutive_5xx' | 'consecutive_gateway_failure';

/**
 * A threshold of 0 disables its detector (it counts, but never ejects). `>=` where Envoy tests `==`, so that a
 * threshold lowered by CDS below a running count fires at the next failure instead of never.
 */
function reached(count: number, threshold: number): boolean {
  return threshold > 0 && count >= threshold;
}

/** max(base_ejection_time, max_ejection_time): Envoy refuses a max below the base; here the base wins. */
function ejectionCapMs(config: OutlierDetection): number {
  return Math.max(config.baseEjectionTimeMs, config.maxEjectionTimeMs);
}

export class HostOutlierState {
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  ejected = false;
  /** Times ejected (Envoy's num_ejections). */
  ejectionCount = 0;
  /**
   * Envoy's eject_time_backoff: the multiple of base_ejection_time this host stays out. It grows by one per
   * ejection (until base × it reaches the cap) and drops by one per sweep the host spends in service, so a
   * host that recovered for good comes back to the base time.
   */
  private backoff = 0;
  private ejectedAt = 0;

  /** Counts a result; answers the detector it made fire, the gateway one first as Envoy checks it first. */
  record(result: OutlierResult, config: OutlierDetection): OutlierTrigger | undefined {
    if (result === 'success') {
      this.consecutive5xx = 0;
      this.consecutiveGatewayFailure = 0;
      return undefined;
    }
    this.consecutive5xx++;
    if (result === 'http-5xx') this.consecutiveGatewayFailure = 0;
    else this.consecutiveGatewayFailure++;
    if (reached(this.consecutiveGatewayFailure, config.consecutiveGatewayFailure)) return 'consecutive_gateway_failure';
    return reached(this.consecutive5xx, config.consecutive5xx) ? 'consecutive_5xx' : undefined;
  }

  resetCounter(trigger: OutlierTrigger): void {
    if (trigger === 'consecutive_5xx') this.consecutive5xx = 0;
    else this.consecutiveGatewayFailure = 0;
  }

  eject(now: number, config: OutlierDetection): void {
    this.ejected = true;
    this.ejectedAt = now;
    this.ejectionCount++;
    // Envoy grows the multiplier while base × multiplier < cap + base, i.e. one step past the cap at most,
    // so that the ejection time reaches the cap even when the cap is not a multiple of the base.
    if (this.backoff * config.baseEjectionTimeMs < ejectionCapMs(config) + config.baseEjectionTimeMs) this.backoff++;
  }

  /** How long the current ejection lasts: base × multiplier, at most the cap. */
  ejectionTimeMs(config: OutlierDetection): number {
    return Math.min(config.baseEjectionTimeMs * this.backoff, ejectionCapMs(config));
  }

  /** The interval sweep for this host; true when it returns to service now. */
  sweep(now: number, config: OutlierDetection): boolean {
    if (!this.ejected) {
      if (this.backoff > 0) this.backoff--;
      return false;
    }
    if (now - this.ejectedAt < this.ejectionTimeMs(config)) return false;
    this.ejected = false;
    // As Envoy: a returning host starts from clean counters, so that a few errors do not eject it again at once.
    this.consecutive5xx = 0;
    this.consecutiveGatewayFailure = 0;
    return true;
  }

  snapshot(host: string, config: OutlierDetection): OutlierHostSnapshot {
    const base = {
      host,
      ejected: this.ejected,
      ejectionCount: this.ejectionCount,
      consecutive5xx: this.consecutive5xx,
      consecutiveGatewayFailure: this.consecutiveGatewayFailure,
    };
    return this.ejected ? { ...base, ejectedUntil: this.ejectedAt + this.ejectionTimeMs(config) } : base;
  }
}
