// Weighted clusters (RouteAction.weighted_clusters): Envoy draws `random % total_weight` and walks the clusters'
// cumulative weights until the draw falls below one (WeightedClusterEntry selection in Envoy's config_impl.cc).
// Here the random number is in [0, 1) and the balancer's WeightedDraw takes the first cluster whose cumulative
// weight exceeds random × total: with integer weights the same cluster as Envoy's for the draw
// floor(random × total), so cluster i gets exactly weight_i of every total_weight evenly spaced randoms, and a
// cluster of weight 0 is never picked. The table is built once per RDS update; a pick allocates nothing.
import { WeightedDraw } from '../balancer/weighted.js';
import type { WeightedCluster } from '../xds/types.js';

export class WeightedClusterPicker {
  private readonly names: readonly string[];
  private readonly draw: WeightedDraw;

  /** `clusters` as decoded: at least one, weights summing to more than 0 (the decoder rejects anything else). */
  constructor(clusters: readonly WeightedCluster[]) {
    this.names = clusters.map((c) => c.name);
    this.draw = new WeightedDraw(clusters.map((c) => c.weight));
  }

  /** The cluster drawn by `random` in [0, 1), e.g. Math.random(). */
  pick(random: number): string {
    return this.names[this.draw.index(random)] ?? '';
  }
}
