// What the HTTP layer needs from the rest of the proxy, passed in once at start.
import type { Downstream } from '../listeners/downstream.js';
import type { RouteTable } from '../router/route-table.js';
import type { ClusterManager } from '../runtime/cluster-manager.js';
import type { AccessLog } from '../telemetry/access-log.js';
import type { ProxyMetrics } from '../telemetry/metrics.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { UpstreamPools } from '../upstream/pools.js';

export interface HttpDeps {
  /** The route table of the connection's chain (RDS by name, or the chain's inline one); undefined: 404 NR. */
  routeTable(downstream: Downstream): RouteTable | undefined;
  readonly clusters: ClusterManager;
  readonly pools: UpstreamPools;
  readonly accessLog: AccessLog;
  readonly metrics: ProxyMetrics;
  readonly tracing: Tracing;
  readonly random: () => number;
}
