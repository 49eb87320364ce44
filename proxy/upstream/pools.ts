// Connection pools by endpoint (Envoy's per-host connection pools): an HTTP/1.1 undici Pool or an HTTP/2
// session, keyed by protocol, `address:port` and source address. Pools of endpoints that left every cluster
// are closed by `sweep()` once idle; ORIGINAL_DST destinations come and go the same way.
import { hostPort } from '../listeners/downstream.js';
import type { UpstreamPool } from './exchange.js';
import { Http1Pool } from './http1.js';
import { Http2Pool } from './http2.js';
import type { UpstreamTarget } from './target.js';

export class UpstreamPools {
  private readonly pools = new Map<string, { pool: UpstreamPool; lastUsed: number }>();

  get(target: UpstreamTarget, http2: boolean, connectTimeoutMs: number): UpstreamPool {
    const key = `${http2 ? 'h2' : 'h1'}|${target.key}|${target.localAddress ?? ''}`;
    let entry = this.pools.get(key);
    if (entry === undefined) {
      const options = { origin: `http://${hostPort(target.address, target.port)}`, connectTimeoutMs, localAddress: target.localAddress };
      entry = { pool: http2 ? new Http2Pool(options) : new Http1Pool(options), lastUsed: 0 };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
  }

  /** Closes pools unused for `idleMs` that have nothing in flight. */
  sweep(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [key, entry] of this.pools) {
      if (entry.lastUsed >= cutoff || entry.pool.busy) continue;
      this.pools.delete(key);
      void entry.pool.close();
    }
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((e) => e.pool.close()));
  }
}
