// buildPicker: one CDS policy + one EDS assignment → an immutable Picker, rebuilt and swapped whole on change.
//
// Per pick: choose a priority level by its precomputed load (Envoy docs, "Priority levels"), then a host inside
// it. Inside a level that is not in panic only healthy hosts count and localities are chosen by effective weight
// (Envoy docs, "Locality weighted load balancing"); a level in panic (Envoy docs, "Panic threshold") balances
// over all its hosts, ignoring health and locality, as Envoy's AllHosts source does. RING_HASH and MAGLEV build
// their table over the level's hosts and use the request hash to choose the priority as well (hash mod 100, as
// Envoy's chooseHostSet), so one key keeps to one host.
import type { HealthStatus, ProxyAssignment, ProxyLocality } from '../xds/types.js';
import { hash64, hashResult, mod64 } from './hash.js';
import { MaglevSelector } from './maglev.js';
import { computePriorityLoad, effectiveLocalityWeight } from './priority.js';
import { RingHashSelector } from './ring-hash.js';
import { LeastRequestSelector, LocalitySelector, RandomSelector, RoundRobinSelector } from './selectors.js';
import { EndpointStatsRegistry, endpointKey } from './stats.js';
import type { BalancerOptions, BalancerPolicy, HostSelector, LbHost, PickContext, Picker, RandomSource } from './types.js';

/** Envoy counts HEALTHY and UNKNOWN hosts as healthy. DEGRADED is treated as unhealthy (no degraded load yet). */
export function isHealthy(health: HealthStatus): boolean {
  return health === 'HEALTHY' || health === 'UNKNOWN';
}

const EMPTY_PICKER: Picker = { pick: () => undefined };

interface LocalityHosts {
  readonly locality: ProxyLocality;
  readonly all: readonly LbHost[];
  readonly healthy: readonly LbHost[];
}

export function buildPicker(policy: BalancerPolicy, assignment: ProxyAssignment, options: BalancerOptions = {}): Picker {
  const random = options.random ?? Math.random;
  const stats = options.stats ?? new EndpointStatsRegistry();
  const factor = options.overprovisioningFactor ?? 1.4;
  const levels = groupByPriority(assignment, stats);
  if (levels.length === 0) return EMPTY_PICKER;
  const counts = levels.map((ls) => ({
    total: ls.reduce((a, l) => a + l.all.length, 0),
    healthy: ls.reduce((a, l) => a + l.healthy.length, 0),
  }));
  const { load, panic } = computePriorityLoad(counts, factor, options.panicThresholdPercent ?? 50);
  const selectors: HostSelector[] = [];
  const cumulative: number[] = [];
  let sum = 0;
  for (let p = 0; p < levels.length; p++) {
    const share = load[p] ?? 0;
    const selector = share > 0 ? levelSelector(policy, levels[p] ?? [], panic[p] ?? false, random, factor, options) : undefined;
    if (selector === undefined) continue;
    sum += share;
    selectors.push(selector);
    cumulative.push(sum);
  }
  if (selectors.length === 0) return EMPTY_PICKER;
  const hashing = policy.lbPolicy === 'RING_HASH' || policy.lbPolicy === 'MAGLEV';
  return new PriorityPicker(selectors, Uint8Array.from(cumulative), sum, hashing, random);
}

/** Localities of each priority (ascending priority; gaps closed), endpoints turned into LbHosts once. */
function groupByPriority(assignment: ProxyAssignment, stats: EndpointStatsRegistry): LocalityHosts[][] {
  const byPriority = new Map<number, LocalityHosts[]>();
  for (const locality of assignment.localities) {
    const all: LbHost[] = [];
    for (const endpoint of locality.endpoints) {
      if (endpoint.weight <= 0) continue;
      const key = endpointKey(endpoint.address, endpoint.port);
      all.push({ key, endpoint, locality, stats: stats.get(key) });
    }
    if (all.length === 0) continue;
    const level = byPriority.get(locality.priority) ?? [];
    level.push({ locality, all, healthy: all.filter((h) => isHealthy(h.endpoint.health)) });
    byPriority.set(locality.priority, level);
  }
  return [...byPriority.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

function levelSelector(
  policy: BalancerPolicy,
  localities: readonly LocalityHosts[],
  panic: boolean,
  random: RandomSource,
  factor: number,
  options: BalancerOptions,
): HostSelector | undefined {
  if (panic || policy.lbPolicy === 'RING_HASH' || policy.lbPolicy === 'MAGLEV') {
    const hosts = localities.flatMap((l) => (panic ? l.all : l.healthy));
    return hosts.length === 0 ? undefined : hostSelector(policy, hosts, random, options);
  }
  const chosen: HostSelector[] = [];
  const weights: number[] = [];
  for (const l of localities) {
    const w = effectiveLocalityWeight(l.locality.weight, l.healthy.length, l.all.length, factor);
    if (w <= 0 || l.healthy.length === 0) continue;
    chosen.push(hostSelector(policy, l.healthy, random, options));
    weights.push(w);
  }
  if (chosen.length === 0) return undefined;
  return chosen.length === 1 ? chosen[0] : new LocalitySelector(chosen, weights, random);
}

function hostSelector(policy: BalancerPolicy, hosts: readonly LbHost[], random: RandomSource, options: BalancerOptions): HostSelector {
  switch (policy.lbPolicy) {
    case 'LEAST_REQUEST':
      return new LeastRequestSelector(hosts, random);
    case 'RANDOM':
      return new RandomSelector(hosts, random);
    case 'RING_HASH':
      return new RingHashSelector(hosts, options.minimumRingSize, options.maximumRingSize);
    case 'MAGLEV':
      return new MaglevSelector(hosts, options.maglevTableSize);
    case 'ROUND_ROBIN':
    case 'CLUSTER_PROVIDED': // only meaningful for ORIGINAL_DST, which has no assignment; round robin otherwise
      return new RoundRobinSelector(hosts, random);
  }
}

class PriorityPicker implements Picker {
  constructor(
    private readonly levels: readonly HostSelector[],
    /** Running sum of the levels' load percentages. */
    private readonly cumulative: Uint8Array,
    private readonly totalLoad: number,
    private readonly hashing: boolean,
    private readonly random: RandomSource,
  ) {}

  pick(ctx: PickContext): LbHost | undefined {
    let hi = 0;
    let lo = 0;
    let point: number;
    if (this.hashing) {
      if (ctx.hashKey === undefined) {
        hi = Math.floor(this.random() * 4294967296) >>> 0;
        lo = Math.floor(this.random() * 4294967296) >>> 0;
      } else {
        hash64(ctx.hashKey);
        hi = hashResult.hi;
        lo = hashResult.lo;
      }
      point = mod64(hi, lo, this.totalLoad);
    } else {
      point = this.levels.length === 1 ? 0 : Math.floor(this.random() * this.totalLoad);
    }
    let p = 0;
    while (p < this.levels.length - 1 && point >= (this.cumulative[p] ?? 0)) p++;
    return this.levels[p]?.select(hi, lo);
  }
}
