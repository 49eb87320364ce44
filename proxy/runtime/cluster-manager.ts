// All upstream clusters by name, kept in step with CDS and EDS (Envoy's ClusterManager). A cluster's runtime
// object survives config changes under its name, so in-flight requests keep their counters; clusters that
// leave CDS are closed.
import type { ProxyConfig } from '../xds/types.js';
import { RuntimeCluster } from './cluster.js';

export class ClusterManager {
  private readonly clusters = new Map<string, RuntimeCluster>();

  get(name: string): RuntimeCluster | undefined {
    return this.clusters.get(name);
  }

  all(): IterableIterator<RuntimeCluster> {
    return this.clusters.values();
  }

  apply(config: ProxyConfig): void {
    for (const [name, cluster] of this.clusters) {
      if (config.clusters.has(name)) continue;
      cluster.close();
      this.clusters.delete(name);
    }
    for (const [name, c] of config.clusters) {
      const assignment = c.edsServiceName === undefined ? undefined : config.assignments.get(c.edsServiceName);
      const existing = this.clusters.get(name);
      if (existing) existing.update(c, assignment);
      else this.clusters.set(name, new RuntimeCluster(c, assignment));
    }
  }

  close(): void {
    for (const c of this.clusters.values()) c.close();
    this.clusters.clear();
  }
}
