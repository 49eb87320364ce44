// Outlier detection for one cluster (Envoy "Outlier detection", DetectorImpl): the consecutive_5xx and
// consecutive_gateway_failure detectors, ejection with a growing ejection time, and the interval sweep that
// returns hosts. split_external_local_origin_errors is false: local-origin failures (connect failure, reset,
// timeout) count as the 503/504 Envoy maps them to. Hosts are keyed `address:port`, as the balancer's stats.
import type { OutlierDetection } from '../xds/types.js';
import { HostOutlierState } from './outlier-host.js';
import type { OutlierHostSnapshot, OutlierResult } from './outlier-host.js';

export type { OutlierHostSnapshot, OutlierResult } from './outlier-host.js';
export { outlierResultOf } from './outlier-host.js';

/** Time and the sweep timer, injected so that tests move time by hand. `now()` is in ms, monotonic. */
export interface OutlierClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The process clock; the sweep timer is unref()ed so that it never keeps the process alive. */
export const realClock: OutlierClock = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** Envoy's outlier_detection.* stats for the detectors implemented here. */
export interface OutlierStats {
  readonly ejections_active: number;
  readonly ejections_overflow: number;
  readonly ejections_enforced_total: number;
  readonly ejections_enforced_consecutive_5xx: number;
  readonly ejections_enforced_consecutive_gateway_failure: number;
}

export interface OutlierDetectorOptions {
  readonly clock?: OutlierClock;
  /** The set of ejected hosts changed (a fresh set each time): rebuild the picker. */
  readonly onChange?: (ejected: ReadonlySet<string>) => void;
}

export class OutlierDetector {
  private config: OutlierDetection;
  private readonly clock: OutlierClock;
  /** The set of ejected hosts changed (a fresh set each time): rebuild the picker. Settable after construction. */
  onChange: ((ejected: ReadonlySet<string>) => void) | undefined;
  private readonly hosts = new Map<string, HostOutlierState>();
  private timer: unknown;
  private ejectedCount = 0;
  private readonly stats = { overflow: 0, enforced5xx: 0, enforcedGateway: 0 };

  constructor(config: OutlierDetection, options: OutlierDetectorOptions = {}) {
    this.config = config;
    this.clock = options.clock ?? realClock;
    this.onChange = options.onChange;
    this.timer = this.clock.setInterval(() => this.sweep(), config.intervalMs);
  }

  /** A new config from CDS: host state is kept; the sweep timer restarts if the interval changed. */
  update(config: OutlierDetection): void {
    const previous = this.config.intervalMs;
    this.config = config;
    if (config.intervalMs !== previous) {
      this.clock.clearInterval(this.timer);
      this.timer = this.clock.setInterval(() => this.sweep(), config.intervalMs);
    }
  }

  /** The cluster's hosts after an EDS change: hosts that left are forgotten, those that stay keep their state. */
  setHosts(keys: Iterable<string>): void {
    const keep = new Set(keys);
    let changed = false;
    for (const [key, state] of this.hosts) {
      if (keep.has(key)) continue;
      if (state.ejected) {
        this.ejectedCount--;
        changed = true;
      }
      this.hosts.delete(key);
    }
    for (const key of keep) if (!this.hosts.has(key)) this.hosts.set(key, new HostOutlierState());
    if (changed) this.notify();
  }

  /** One request's result for `hostKey`. Results for hosts not (or no longer) in the cluster are ignored. */
  recordResult(hostKey: string, result: OutlierResult): void {
    const state = this.hosts.get(hostKey);
    if (state === undefined) return;
    const trigger = state.record(result, this.config);
    if (trigger === undefined || state.ejected) return;
    // As Envoy, the counter that fired starts again whether or not the ejection is allowed.
    state.resetCounter(trigger);
    if (!this.mayEject()) {
      this.stats.overflow++;
      return;
    }
    state.eject(this.clock.now(), this.config);
    this.ejectedCount++;
    if (trigger === 'consecutive_5xx') this.stats.enforced5xx++;
    else this.stats.enforcedGateway++;
    this.notify();
  }

  isEjected(hostKey: string): boolean {
    return this.hosts.get(hostKey)?.ejected === true;
  }

  /** Ejections enforced since the detector started (outlier_detection.ejections_enforced_total). */
  get ejectionsTotal(): number {
    return this.stats.enforced5xx + this.stats.enforcedGateway;
  }

  snapshot(): OutlierHostSnapshot[] {
    return [...this.hosts].map(([host, state]) => state.snapshot(host, this.config));
  }

  outlierStats(): OutlierStats {
    return {
      ejections_active: this.ejectedCount,
      ejections_overflow: this.stats.overflow,
      ejections_enforced_total: this.ejectionsTotal,
      ejections_enforced_consecutive_5xx: this.stats.enforced5xx,
      ejections_enforced_consecutive_gateway_failure: this.stats.enforcedGateway,
    };
  }

  close(): void {
    this.clock.clearInterval(this.timer);
  }

  /**
   * max_ejection_percent counts the host about to be ejected (Envoy since 1.27), but the first ejection is
   * always allowed: Envoy ≤ 1.26 did that by default and later Envoy with always_eject_one_host, which the
   * domain type promises. Without it a 10% limit would never eject anything in a cluster of fewer than 10.
   */
  private mayEject(): boolean {
    if (this.ejectedCount === 0) return true;
    return (100 * (this.ejectedCount + 1)) / this.hosts.size <= this.config.maxEjectionPercent;
  }

  // Envoy's onIntervalTimer: return hosts whose ejection time has passed; hosts not ejected at the sweep were
  // healthy through the whole interval (un-ejection only happens here), so their ejection multiplier drops.
  private sweep(): void {
    const now = this.clock.now();
    let changed = false;
    for (const state of this.hosts.values()) {
      if (state.sweep(now, this.config)) {
        this.ejectedCount--;
        changed = true;
      }
    }
    if (changed) this.notify();
  }

  private notify(): void {
    if (this.onChange === undefined) return;
    const ejected = new Set<string>();
    for (const [key, state] of this.hosts) if (state.ejected) ejected.add(key);
    this.onChange(ejected);
  }
}
