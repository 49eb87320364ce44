// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th
// delay is uniform in [0, min(cap, base·2ⁿ)). gRPC's connection backoff (doc/connection-backoff.md) is the same
// idea; here it paces re-opening the ADS stream after it ended or failed.
export interface BackoffOptions {
  /** First ceiling, ms. Default 100. */
  readonly initialMs?: number;
  /** Largest ceiling, ms. Default 10 000. */
  readonly maxMs?: number;
  /** Source of randomness in [0, 1); tests pass a fixed one. */
  readonly random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  /** The ceiling of the next delay (without jitter). */
  ceiling(): number {
    return Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
  }

  /** The next delay, ms, and one step further. */
  next(): number {
    const delay = Math.floor(this.random() * this.ceiling());
    this.attempt++;
    return delay;
  }

  /** After a healthy stream: start again from the first step. */
  reset(): void {
    this.attempt = 0;
  }
}
