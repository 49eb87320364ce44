// Helpers for the resilience tables: policies, thresholds and detector configs with Envoy's defaults, and a
// fake clock whose interval timers fire as time is moved by hand.
import type { OutlierClock } from '../../../../proxy/resilience/outlier.js';
import type { CircuitBreakers, OutlierDetection, RetryPolicy } from '../../../../proxy/xds/types.js';

export function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { retryOn: ['5xx'], numRetries: 1, retriableStatusCodes: [], ...overrides };
}

export function thresholds(overrides: Partial<CircuitBreakers> = {}): CircuitBreakers {
  return { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3, ...overrides };
}

export function outlierConfig(overrides: Partial<OutlierDetection> = {}): OutlierDetection {
  return {
    consecutive5xx: 5,
    consecutiveGatewayFailure: 0,
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 100,
    ...overrides,
  };
}

interface FakeTimer {
  readonly fn: () => void;
  readonly ms: number;
  next: number;
}

export class FakeClock implements OutlierClock {
  time = 0;
  private lastId = 0;
  private readonly timers = new Map<number, FakeTimer>();

  now(): number {
    return this.time;
  }

  setInterval(fn: () => void, ms: number): unknown {
    this.timers.set(++this.lastId, { fn, ms, next: this.time + ms });
    return this.lastId;
  }

  clearInterval(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Moves time forward by `ms`, firing every interval that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: FakeTimer | undefined;
      for (const timer of this.timers.values()) if (timer.next <= end && (due === undefined || timer.next < due.next)) due = timer;
      if (due === undefined) break;
      this.time = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.time = end;
  }

  /** The periods of the timers still running. */
  intervals(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }
}
