// One upstream cluster as the data path sees it (Envoy's ClusterManager entry): the CDS config, the current
// immutable picker built from it and the EDS assignment, the circuit breakers and the outlier detector. The
// object lives as long as the cluster name does; a CDS or EDS change, or an outlier ejection, builds a new
// picker and swaps it in whole. Breaker counts and per-endpoint stats survive every swap.
import { buildPicker } from '../balancer/picker.js';
import { EndpointStatsRegistry, endpointKey } from '../balancer/stats.js';
import type { LbHost, PickContext, Picker } from '../balancer/types.js';
import { ClusterBreakers } from '../resilience/circuit-breaker.js';
import { OutlierDetector, type OutlierResult } from '../resilience/outlier.js';
import type { ProxyAssignment, ProxyCluster } from '../xds/types.js';

const NO_HOSTS: Picker = { pick: () => undefined };
const EMPTY_ASSIGNMENT = (name: string): ProxyAssignment => ({ clusterName: name, localities: [] });

/** Envoy-named counters of a cluster, shown at /clusters and /stats. */
export class ClusterCounters {
  upstream_rq_total = 0;
  upstream_rq_2xx = 0;
  upstream_rq_4xx = 0;
  upstream_rq_5xx = 0;
  upstream_rq_retry = 0;
  upstream_rq_timeout = 0;
  upstream_rq_per_try_timeout = 0;
  upstream_cx_total = 0;
  upstream_cx_connect_fail = 0;
  upstream_cx_connect_timeout = 0;
  upstream_rq_retry_limit_exceeded = 0;
  outlier_detection_ejections_total = 0;

  response(status: number): void {
    this.upstream_rq_total++;
    if (status >= 500) this.upstream_rq_5xx++;
    else if (status >= 400) this.upstream_rq_4xx++;
    else if (status >= 200 && status < 300) this.upstream_rq_2xx++;
  }
}

export class RuntimeCluster {
  readonly stats = new EndpointStatsRegistry();
  readonly counters = new ClusterCounters();
  readonly breakers: ClusterBreakers;
  private outlier: OutlierDetector | undefined;
  private assignment: ProxyAssignment;
  private current: Picker = NO_HOSTS;

  constructor(
    public config: ProxyCluster,
    assignment: ProxyAssignment | undefined,
  ) {
    this.breakers = new ClusterBreakers(config.circuitBreakers);
    this.assignment = assignment ?? config.loadAssignment ?? EMPTY_ASSIGNMENT(config.name);
    this.configureOutlier();
    this.rebuild();
  }

  get name(): string {
    return this.config.name;
  }

  get endpoints(): ProxyAssignment {
    return this.assignment;
  }

  pick(ctx: PickContext): LbHost | undefined {
    return this.current.pick(ctx);
  }

  /** A CDS or EDS change. Unchanged inputs (decoded objects are shared between versions) cost nothing. */
  update(config: ProxyCluster, assignment: ProxyAssignment | undefined): void {
    const nextAssignment = assignment ?? config.loadAssignment ?? this.assignment;
    if (config === this.config && nextAssignment === this.assignment) return;
    const policyChanged = config.lbPolicy !== this.config.lbPolicy;
    this.config = config;
    this.breakers.update(config.circuitBreakers);
    this.configureOutlier();
    if (nextAssignment !== this.assignment || policyChanged) {
      this.assignment = nextAssignment;
      this.rebuild();
    }
  }

  /** The outcome of a request or connection to a host, for outlier detection. */
  record(hostKey: string, result: OutlierResult): void {
    this.outlier?.recordResult(hostKey, result);
  }

  isEjected(hostKey: string): boolean {
    return this.outlier?.isEjected(hostKey) ?? false;
  }

  outlierState(): ReturnType<OutlierDetector['snapshot']> {
    return this.outlier?.snapshot() ?? [];
  }

  close(): void {
    this.outlier?.close();
  }

  private configureOutlier(): void {
    const config = this.config.outlierDetection;
    if (config === undefined) {
      this.outlier?.close();
      this.outlier = undefined;
      return;
    }
    if (this.outlier !== undefined) {
      this.outlier.update(config);
      return;
    }
    this.outlier = new OutlierDetector(config);
    this.outlier.onChange = () => {
      this.counters.outlier_detection_ejections_total = this.outlier?.ejectionsTotal ?? 0;
      this.rebuild();
    };
  }

  /** A new picker over the assignment, with ejected hosts marked unhealthy (so the panic threshold applies). */
  private rebuild(): void {
    const keys = this.assignment.localities.flatMap((l) => l.endpoints.map((e) => endpointKey(e.address, e.port)));
    this.outlier?.setHosts(keys);
    this.stats.retainOnly(keys);
    const outlier = this.outlier;
    const view: ProxyAssignment =
      outlier === undefined || !keys.some((k) => outlier.isEjected(k))
        ? this.assignment
        : {
            clusterName: this.assignment.clusterName,
            localities: this.assignment.localities.map((l) => ({
              ...l,
              endpoints: l.endpoints.map((e) => (outlier.isEjected(endpointKey(e.address, e.port)) ? { ...e, health: 'UNHEALTHY' as const } : e)),
            })),
          };
    this.current = buildPicker(this.config, view, { stats: this.stats });
  }
}
