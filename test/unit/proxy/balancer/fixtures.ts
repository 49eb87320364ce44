// Helpers for the balancer tables: a seeded PRNG, assignments written as short host specs, pick tallies.
import type { LbPolicy, ProxyAssignment, ProxyEndpoint, ProxyLocality } from '../../../../proxy/xds/types.js';
import { buildPicker } from '../../../../proxy/balancer/picker.js';
import type { BalancerOptions, PickContext, Picker } from '../../../../proxy/balancer/types.js';

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `a` (weight 1, healthy), `b:3` (weight 3), `c!` (unhealthy), `d:2!`. The address is the name, port 80. */
export function endpoint(spec: string): ProxyEndpoint {
  const unhealthy = spec.endsWith('!');
  const [address = '', weight = '1'] = (unhealthy ? spec.slice(0, -1) : spec).split(':');
  return { address, port: 80, weight: Number(weight), health: unhealthy ? 'UNHEALTHY' : 'HEALTHY' };
}

export interface LocalitySpec {
  readonly hosts: readonly string[];
  readonly priority?: number;
  readonly weight?: number;
  readonly zone?: string;
}

export function assignment(...localities: readonly LocalitySpec[]): ProxyAssignment {
  return {
    clusterName: 'outbound|80||svc.ns.svc.cluster.local',
    localities: localities.map(
      (l, i): ProxyLocality => ({
        region: 'r1',
        zone: l.zone ?? `z${i}`,
        subZone: '',
        weight: l.weight ?? 1,
        priority: l.priority ?? 0,
        endpoints: l.hosts.map(endpoint),
      }),
    ),
  };
}

/** `count` hosts named h0..h{count-1}, the first `unhealthy` of them unhealthy. */
export function hosts(prefix: string, count: number, unhealthy = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}${i < unhealthy ? '!' : ''}`);
}

export function picker(lbPolicy: LbPolicy, a: ProxyAssignment, options: BalancerOptions = {}): Picker {
  return buildPicker({ name: a.clusterName, lbPolicy }, a, { random: seeded(1), ...options });
}

/** The addresses of `n` picks. */
export function sequence(p: Picker, n: number, ctx: PickContext = {}): string[] {
  return Array.from({ length: n }, () => p.pick(ctx)?.endpoint.address ?? '-');
}

/** Picks per address over `n` picks, keys sorted. */
export function tally(p: Picker, n: number, ctx: PickContext = {}): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const a = p.pick(ctx)?.endpoint.address ?? '-';
    counts[a] = (counts[a] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x.localeCompare(y)));
}
