// Weighted choice helpers shared by the host selectors: a cumulative-weight table for weighted random draws and
// nginx's smooth weighted round robin. Both precompute at build time and allocate nothing per pick.

/** Weighted random draw over fixed weights: binary search in a cumulative table (uniform weights: one multiply). */
export class WeightedDraw {
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly uniform: boolean;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i] ?? 0;
      this.cumulative[i] = sum;
    }
    this.total = sum;
    this.uniform = weights.every((w) => w === weights[0]);
  }

  /** The index drawn by `r` in [0, 1). */
  index(r: number): number {
    const n = this.cumulative.length;
    if (this.uniform) return Math.min(n - 1, Math.floor(r * n));
    const target = r * this.total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every pick adds each weight to its current
 * value, takes the largest, and subtracts the total from it. Weights {5,1,1} give a a b a c a a. O(n) per pick,
 * so equal weights use a plain cursor instead. The start is offset by `start` so that many proxies built at the
 * same moment do not all begin on the same host (Envoy randomises the start likewise).
 */
export class SmoothRoundRobin {
  private readonly weights: Float64Array;
  private readonly current: Float64Array;
  private readonly total: number;
  private readonly uniform: boolean;
  private cursor: number;

  constructor(weights: readonly number[], start: number) {
    this.weights = Float64Array.from(weights);
    this.current = new Float64Array(weights.length);
    this.total = weights.reduce((a, b) => a + b, 0);
    this.uniform = weights.every((w) => w === weights[0]);
    this.cursor = weights.length === 0 ? 0 : start % weights.length;
  }

  next(): number {
    const n = this.weights.length;
    if (this.uniform) {
      const i = this.cursor;
      this.cursor = i + 1 === n ? 0 : i + 1;
      return i;
    }
    let best = -1;
    let bestValue = 0;
    for (let i = 0; i < n; i++) {
      const v = (this.current[i] ?? 0) + (this.weights[i] ?? 0);
      this.current[i] = v;
      if (best < 0 || v > bestValue) {
        best = i;
        bestValue = v;
      }
    }
    this.current[best] = bestValue - this.total;
    return best;
  }
}
