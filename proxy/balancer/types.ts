// The balancer's public shapes. A Picker is immutable in configuration (built from one CDS policy and one EDS
// ClusterLoadAssignment, swapped whole when either changes, as grpc-js-xds and Envoy do); only cursors inside it
// move. Per-endpoint counters live outside it, in an EndpointStatsRegistry, so they survive rebuilds.
import type { LbPolicy, ProxyEndpoint, ProxyLocality } from '../xds/types.js';
import type { EndpointStats, EndpointStatsRegistry } from './stats.js';

/** A uniform random number in [0, 1), like Math.random; tests inject a seeded one. */
export type RandomSource = () => number;

/**
 * What the caller knows about one request. `hashKey` is the value the route's hash policy chose (a header, a
 * cookie, the source IP); only RING_HASH and MAGLEV read it, and without it they pick as if at random.
 * Callers on a hot path reuse one object and overwrite `hashKey`.
 */
export interface PickContext {
  hashKey?: string | undefined;
}

/** One upstream endpoint as the picker hands it out: built once per picker, never per pick. */
export interface LbHost {
  /** `address:port`, the key of the endpoint's stats across picker rebuilds. */
  readonly key: string;
  readonly endpoint: ProxyEndpoint;
  readonly locality: ProxyLocality;
  /** Shared with every later picker for the same key: the caller increments/decrements `activeRequests`. */
  readonly stats: EndpointStats;
}

export interface Picker {
  pick(ctx: PickContext): LbHost | undefined;
}

/** The part of a ProxyCluster the balancer reads. */
export interface BalancerPolicy {
  readonly name: string;
  readonly lbPolicy: LbPolicy;
}

export interface BalancerOptions {
  /** Default Math.random. */
  readonly random?: RandomSource;
  /** Counters reused across rebuilds; without one, each picker gets fresh counters. */
  readonly stats?: EndpointStatsRegistry;
  /** Envoy's overprovisioning factor as a ratio; default 1.4. */
  readonly overprovisioningFactor?: number;
  /** Envoy's healthy_panic_threshold in percent; default 50, 0 disables panic mode. */
  readonly panicThresholdPercent?: number;
  /** RingHashLbConfig.minimum_ring_size; default 1024. */
  readonly minimumRingSize?: number;
  /** RingHashLbConfig.maximum_ring_size; default 8M as Envoy. */
  readonly maximumRingSize?: number;
  /** MaglevLbConfig.table_size, a prime; default 65537. */
  readonly maglevTableSize?: number;
}

/**
 * Chooses a host inside one priority level. `hashHi`/`hashLo` are the request hash's two 32-bit halves (only
 * the hash-based selectors read them). Classes, not closures, so a pick allocates nothing.
 */
export interface HostSelector {
  select(hashHi: number, hashLo: number): LbHost | undefined;
}
