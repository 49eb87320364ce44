// Per-endpoint counters kept outside the immutable pickers, keyed by `address:port`, so that a new picker built
// on an EDS change sees the requests still in flight on the old one (Envoy keeps them on the Host object).

export interface EndpointStats {
  /** Requests in flight to this endpoint: the caller increments before sending and decrements when done. */
  activeRequests: number;
}

export class EndpointStatsRegistry {
  private readonly byKey = new Map<string, EndpointStats>();

  /** The stats of `key`, created at zero on first use. */
  get(key: string): EndpointStats {
    let stats = this.byKey.get(key);
    if (stats === undefined) {
      stats = { activeRequests: 0 };
      this.byKey.set(key, stats);
    }
    return stats;
  }

  /** Forget endpoints that left the assignment (call after swapping in a new picker). */
  retainOnly(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.byKey.keys()) if (!keep.has(key)) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}

export function endpointKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
