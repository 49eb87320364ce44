// Host selectors for the non-hash policies over one set of hosts (a locality, or a whole priority in panic).
import type { HostSelector, LbHost, RandomSource } from './types.js';
import { SmoothRoundRobin, WeightedDraw } from './weighted.js';

export class RoundRobinSelector implements HostSelector {
  private readonly order: SmoothRoundRobin;

  constructor(
    private readonly hosts: readonly LbHost[],
    random: RandomSource,
  ) {
    this.order = new SmoothRoundRobin(
      hosts.map((h) => h.endpoint.weight),
      Math.floor(random() * hosts.length),
    );
  }

  select(): LbHost | undefined {
    return this.hosts[this.order.next()];
  }
}

export class RandomSelector implements HostSelector {
  private readonly draw: WeightedDraw;

  constructor(
    protected readonly hosts: readonly LbHost[],
    private readonly random: RandomSource,
  ) {
    this.draw = new WeightedDraw(hosts.map((h) => h.endpoint.weight));
  }

  select(): LbHost | undefined {
    return this.hosts[this.draw.index(this.random())];
  }
}

/**
 * Least request with the power of two choices (Envoy's LEAST_REQUEST, choice_count 2): draw two hosts at random
 * (weighted by endpoint weight) and take the one with fewer requests in flight; the first on a tie.
 */
export class LeastRequestSelector extends RandomSelector {
  override select(): LbHost | undefined {
    const a = super.select();
    if (this.hosts.length < 2 || a === undefined) return a;
    const b = super.select();
    if (b === undefined) return a;
    return b.stats.activeRequests < a.stats.activeRequests ? b : a;
  }
}

/**
 * Envoy docs, "Locality weighted load balancing": pick a locality by effective weight (locality weight ×
 * availability, see effectiveLocalityWeight), then a host inside it with the cluster's policy. Envoy uses an EDF
 * scheduler for the locality; smooth weighted round robin gives the same long-run shares.
 */
export class LocalitySelector implements HostSelector {
  private readonly order: SmoothRoundRobin;

  constructor(
    private readonly localities: readonly HostSelector[],
    effectiveWeights: readonly number[],
    random: RandomSource,
  ) {
    this.order = new SmoothRoundRobin(effectiveWeights, Math.floor(random() * localities.length));
  }

  select(hashHi: number, hashLo: number): LbHost | undefined {
    return this.localities[this.order.next()]?.select(hashHi, hashLo);
  }
}
