// Ketama-style consistent hash ring, built as Envoy's RingHashLoadBalancer builds it (source/extensions/
// load_balancing_policies/ring_hash): host weights normalised; the ring scaled so the lightest host gets a whole
// number of entries and the ring has at least minimum_ring_size entries (capped at maximum_ring_size); entries
// for host h are hash("<address:port>_<i>"), assigned with running sums so that fractional shares stay stable;
// a request takes the first entry clockwise of its hash, wrapping to the first. Hash: hash64 (FNV-1a 64 with a
// finalizer; Envoy's default is xxHash64; the algorithm is the same).
import { hash64, hashResult, toDouble } from './hash.js';
import type { HostSelector, LbHost } from './types.js';

export class RingHashSelector implements HostSelector {
  /** Entry hashes, ascending (64-bit hashes as doubles; order-preserving). */
  readonly ringHashes: Float64Array;
  /** Host index of each entry. */
  private readonly ringHosts: Uint32Array;

  constructor(
    private readonly hosts: readonly LbHost[],
    minimumRingSize = 1024,
    maximumRingSize = 8 * 1024 * 1024,
  ) {
    const weightSum = hosts.reduce((a, h) => a + h.endpoint.weight, 0);
    const normalized = hosts.map((h) => h.endpoint.weight / weightSum);
    const minWeight = Math.min(...normalized);
    const scale = Math.min(Math.ceil(minWeight * minimumRingSize) / minWeight, maximumRingSize);
    const entries: { hash: number; host: number }[] = [];
    let current = 0;
    let target = 0;
    for (let h = 0; h < hosts.length; h++) {
      target += scale * (normalized[h] ?? 0);
      for (let i = 0; current < target; i++, current++) {
        hash64(`${hosts[h]?.key ?? ''}_${i}`);
        entries.push({ hash: toDouble(hashResult.hi, hashResult.lo), host: h });
      }
    }
    entries.sort((a, b) => a.hash - b.hash);
    this.ringHashes = Float64Array.from(entries, (e) => e.hash);
    this.ringHosts = Uint32Array.from(entries, (e) => e.host);
  }

  select(hashHi: number, hashLo: number): LbHost | undefined {
    const n = this.ringHashes.length;
    if (n === 0) return undefined;
    const h = toDouble(hashHi, hashLo);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ringHashes[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    return this.hosts[this.ringHosts[lo === n ? 0 : lo] ?? 0];
  }
}
