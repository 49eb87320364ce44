// Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
// NSDI 2016, §3.4 and Pseudocode 1), weighted as Envoy's MaglevTable does: each host has
//   offset = h1(name) mod M,  skip = h2(name) mod (M − 1) + 1,  permutation[j] = (offset + j × skip) mod M
// and the hosts take turns claiming their next unclaimed slot until all M slots are full; a host of normalised
// weight w takes a turn in round r only once r × w reaches its running target (so weights are honoured).
// M is prime (Envoy's default 65537), so every permutation visits every slot. h1/h2: hash64 of the host key
// and of the key with a seed suffix (Envoy uses xxHash64 with seeds 0 and 1).
import { hash64, hashResult, mod64 } from './hash.js';
import type { HostSelector, LbHost } from './types.js';

export const MAGLEV_DEFAULT_TABLE_SIZE = 65537;

export class MaglevSelector implements HostSelector {
  /** Host index per slot. */
  readonly table: Uint32Array;

  constructor(
    private readonly hosts: readonly LbHost[],
    readonly tableSize = MAGLEV_DEFAULT_TABLE_SIZE,
  ) {
    this.table = buildTable(hosts, tableSize);
  }

  select(hashHi: number, hashLo: number): LbHost | undefined {
    if (this.hosts.length === 0) return undefined;
    return this.hosts[this.table[mod64(hashHi, hashLo, this.tableSize)] ?? 0];
  }
}

function buildTable(hosts: readonly LbHost[], m: number): Uint32Array {
  const table = new Uint32Array(m);
  const n = hosts.length;
  if (n === 0) return table;
  const filled = new Uint8Array(m);
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  const next = new Float64Array(n);
  const weight = new Float64Array(n);
  const targetWeight = new Float64Array(n);
  const maxWeight = Math.max(...hosts.map((h) => h.endpoint.weight));
  for (let i = 0; i < n; i++) {
    const host = hosts[i];
    if (host === undefined) continue;
    hash64(host.key);
    offset[i] = mod64(hashResult.hi, hashResult.lo, m);
    hash64(`${host.key}#maglev-skip`);
    skip[i] = mod64(hashResult.hi, hashResult.lo, m - 1) + 1;
    weight[i] = host.endpoint.weight / maxWeight;
  }
  let claimed = 0;
  for (let round = 1; claimed < m; round++) {
    for (let i = 0; i < n && claimed < m; i++) {
      if (round * (weight[i] ?? 0) < (targetWeight[i] ?? 0)) continue;
      targetWeight[i] = (targetWeight[i] ?? 0) + 1;
      let slot = ((offset[i] ?? 0) + (next[i] ?? 0) * (skip[i] ?? 1)) % m;
      while (filled[slot] === 1) {
        next[i] = (next[i] ?? 0) + 1;
        slot = ((offset[i] ?? 0) + (next[i] ?? 0) * (skip[i] ?? 1)) % m;
      }
      table[slot] = i;
      filled[slot] = 1;
      next[i] = (next[i] ?? 0) + 1;
      claimed++;
    }
  }
  return table;
}
