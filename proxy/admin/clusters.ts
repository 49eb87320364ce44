// /clusters in Envoy's text format — `<cluster>::<host>::<stat>::<value>` per host — and as JSON: every
// endpoint with its health (EDS and outlier), in-flight requests, and the cluster's counters and breakers.
import { endpointKey } from '../balancer/stats.js';
import type { RuntimeCluster } from '../runtime/cluster.js';

export interface ClusterView {
  readonly name: string;
  readonly type: string;
  readonly lbPolicy: string;
  readonly counters: Readonly<Record<string, number>>;
  readonly circuitBreakers: { readonly thresholds: unknown; readonly active: unknown; readonly overflow: unknown };
  readonly hosts: readonly HostView[];
}

export interface HostView {
  readonly address: string;
  readonly zone: string;
  readonly priority: number;
  readonly weight: number;
  /** Envoy's health_flags: healthy, /failed_eds_health, /failed_outlier_check. */
  readonly healthFlags: string;
  readonly activeRequests: number;
  readonly outlier: unknown;
}

export function clusterView(c: RuntimeCluster): ClusterView {
  const outliers = new Map(c.outlierState().map((o) => [o.host, o]));
  const hosts: HostView[] = [];
  for (const l of c.endpoints.localities) {
    for (const e of l.endpoints) {
      const key = endpointKey(e.address, e.port);
      const flags: string[] = [];
      if (e.health !== 'HEALTHY' && e.health !== 'UNKNOWN') flags.push('/failed_eds_health');
      if (c.isEjected(key)) flags.push('/failed_outlier_check');
      hosts.push({
        address: key,
        zone: l.zone,
        priority: l.priority,
        weight: e.weight,
        healthFlags: flags.length === 0 ? 'healthy' : flags.join(''),
        activeRequests: c.stats.get(key).activeRequests,
        outlier: outliers.get(key) ?? null,
      });
    }
  }
  const b = c.breakers;
  return {
    name: c.name,
    type: c.config.type,
    lbPolicy: c.config.lbPolicy,
    counters: { ...c.counters },
    circuitBreakers: { thresholds: b.thresholds, active: b.activeCounts(), overflow: b.overflowStats() },
    hosts,
  };
}

export function clustersText(views: readonly ClusterView[]): string {
  const lines: string[] = [];
  for (const v of views) {
    for (const [stat, value] of Object.entries(v.counters)) lines.push(`${v.name}::${stat}::${value}`);
    const t = v.circuitBreakers.thresholds as Record<string, number>;
    lines.push(`${v.name}::default_priority::max_connections::${t['maxConnections']}`);
    lines.push(`${v.name}::default_priority::max_pending_requests::${t['maxPendingRequests']}`);
    lines.push(`${v.name}::default_priority::max_requests::${t['maxRequests']}`);
    lines.push(`${v.name}::default_priority::max_retries::${t['maxRetries']}`);
    for (const h of v.hosts) {
      lines.push(`${v.name}::${h.address}::rq_active::${h.activeRequests}`);
      lines.push(`${v.name}::${h.address}::health_flags::${h.healthFlags}`);
      lines.push(`${v.name}::${h.address}::weight::${h.weight}`);
      lines.push(`${v.name}::${h.address}::zone::${h.zone}`);
      lines.push(`${v.name}::${h.address}::priority::${h.priority}`);
    }
  }
  return lines.join('\n') + '\n';
}
