// The sidecar's metrics as OpenTelemetry instruments, read in Prometheus text on the admin endpoint
// (common/prometheus.ts). Each name maps to the Istio standard metric or Envoy cluster stat it stands for.
//
// Per request nothing is allocated here: the attribute records are cached per (cluster, direction) and, within
// that, per (code, flags). The SDK hashes the attributes on every add()/record() (about 2 µs each), so the
// counters bumped per request or per chunk (requests, TCP bytes) do not go through it: they add to plain numbers
// that observable counters read at scrape time. Only the duration histogram, which has no observable form, and
// the per-connection counters call the SDK.
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MetricOptions,
  ObservableResult,
  UpDownCounter,
} from '@opentelemetry/api';
import type { Direction } from './access-log.js';
import { ALL_RESPONSE_FLAGS, formatResponseFlags, type ResponseFlags } from './response-flags.js';

/** Istio's default buckets for istio_request_duration_milliseconds. */
export const REQUEST_DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** Which circuit breaker overflowed: Envoy's upstream_cx_overflow, upstream_rq_pending_overflow, … */
export type OverflowKind = 'connections' | 'pending_requests' | 'requests' | 'retries';

// Above every known flag mask, so code * FLAGS_SPAN + (flags & ALL_RESPONSE_FLAGS) is one number per (code, flags).
const FLAGS_SPAN = ALL_RESPONSE_FLAGS + 1;

/** The requests of one (cluster, direction, code, flags). */
interface RequestCount {
  readonly attrs: Attributes;
  count: number;
}

/** One (cluster, direction): its attribute records, request counts and TCP byte totals. */
class Series {
  readonly attrs: Attributes;
  readonly requests = new Map<number, RequestCount>();
  sentBytes = 0;
  receivedBytes = 0;

  constructor(
    readonly cluster: string,
    readonly direction: Direction,
  ) {
    this.attrs = { cluster, direction };
  }

  request(code: number, flags: ResponseFlags): RequestCount {
    const key = code * FLAGS_SPAN + (flags & ALL_RESPONSE_FLAGS);
    let r = this.requests.get(key);
    if (r === undefined) {
      const attrs = { cluster: this.cluster, direction: this.direction, code, flags: formatResponseFlags(flags) };
      r = { attrs, count: 0 };
      this.requests.set(key, r);
    }
    return r;
  }
}

/** Attribute records for the per-cluster (upstream) counters. */
class ClusterAttrs {
  readonly attrs: Attributes;
  private readonly overflow = new Map<OverflowKind, Attributes>();

  constructor(readonly cluster: string) {
    this.attrs = { cluster };
  }

  overflowAttrs(kind: OverflowKind): Attributes {
    let attrs = this.overflow.get(kind);
    if (attrs === undefined) {
      attrs = { cluster: this.cluster, kind };
      this.overflow.set(kind, attrs);
    }
    return attrs;
  }
}

/** Reports one value per cluster from a scrape-time callback. */
export type ClusterReport = (cluster: string, value: number) => void;

export class ProxyMetrics {
  // Caches grow with the clusters ever seen; the SDK keeps their series for as long anyway.
  private readonly inbound = new Map<string, Series>();
  private readonly outbound = new Map<string, Series>();
  private readonly clusters = new Map<string, ClusterAttrs>();

  private readonly duration: Histogram; // istio_request_duration_milliseconds
  private readonly opened: Counter; // istio_tcp_connections_opened_total
  private readonly closed: Counter; // istio_tcp_connections_closed_total
  private readonly active: UpDownCounter; // envoy_cluster_upstream_cx_active / envoy_listener_downstream_cx_active
  private readonly retries: Counter; // envoy_cluster_upstream_rq_retry
  private readonly ejections: Counter; // envoy_cluster_outlier_detection_ejections_enforced_total
  private readonly overflows: Counter; // envoy_cluster_upstream_{cx,rq_pending,rq,rq_retry}_overflow

  constructor(private readonly meter: Meter) {
    this.duration = meter.createHistogram('meshlet_request_duration_milliseconds', {
      description: 'HTTP request duration, first byte received to last byte sent',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [...REQUEST_DURATION_BUCKETS_MS] },
    });
    this.opened = meter.createCounter('meshlet_tcp_connections_opened_total', { description: 'Connections opened' });
    this.closed = meter.createCounter('meshlet_tcp_connections_closed_total', { description: 'Connections closed' });
    this.active = meter.createUpDownCounter('meshlet_active_connections', { description: 'Connections open now' });
    this.retries = meter.createCounter('meshlet_upstream_retries_total', { description: 'Upstream request retries' });
    this.ejections = meter.createCounter('meshlet_outlier_ejections_total', {
      description: 'Hosts ejected by outlier detection',
    });
    this.overflows = meter.createCounter('meshlet_upstream_overflow_total', {
      description: 'Requests or connections refused by a circuit breaker',
    });
    // istio_requests_total
    this.observeSeries('meshlet_requests_total', { description: 'HTTP requests handled' }, (s, result) => {
      for (const r of s.requests.values()) result.observe(r.count, r.attrs);
    });
    // istio_tcp_sent_bytes_total, istio_tcp_received_bytes_total
    const sent = { description: 'Bytes sent to the peer', unit: 'By' };
    this.observeSeries('meshlet_tcp_sent_bytes_total', sent, (s, result) => {
      if (s.sentBytes > 0) result.observe(s.sentBytes, s.attrs);
    });
    const received = { description: 'Bytes received from the peer', unit: 'By' };
    this.observeSeries('meshlet_tcp_received_bytes_total', received, (s, result) => {
      if (s.receivedBytes > 0) result.observe(s.receivedBytes, s.attrs);
    });
  }

  /** One finished HTTP request; code 0 when no response was sent. */
  request(cluster: string, direction: Direction, code: number, durationMs: number, flags: ResponseFlags = 0): void {
    const r = this.series(cluster, direction).request(code, flags);
    r.count++;
    this.duration.record(durationMs, r.attrs);
  }

  /** Bytes moved on a connection; cheap enough to call per chunk. */
  tcpBytes(cluster: string, direction: Direction, sent: number, received: number): void {
    const s = this.series(cluster, direction);
    s.sentBytes += sent;
    s.receivedBytes += received;
  }

  connectionOpened(cluster: string, direction: Direction): void {
    const attrs = this.series(cluster, direction).attrs;
    this.opened.add(1, attrs);
    this.active.add(1, attrs);
  }

  connectionClosed(cluster: string, direction: Direction): void {
    const attrs = this.series(cluster, direction).attrs;
    this.closed.add(1, attrs);
    this.active.add(-1, attrs);
  }

  retry(cluster: string): void {
    this.retries.add(1, this.cluster(cluster).attrs);
  }

  ejection(cluster: string): void {
    this.ejections.add(1, this.cluster(cluster).attrs);
  }

  overflow(cluster: string, kind: OverflowKind): void {
    this.overflows.add(1, this.cluster(cluster).overflowAttrs(kind));
  }

  /**
   * A gauge per cluster for state the caller owns, read at scrape time: `read` calls `report(cluster, value)` for
   * each cluster, e.g. healthy hosts (envoy_cluster_membership_healthy).
   */
  observeClusters(name: string, description: string, read: (report: ClusterReport) => void): void {
    this.meter.createObservableGauge(name, { description }).addCallback((result) => {
      read((cluster, value) => result.observe(value, this.cluster(cluster).attrs));
    });
  }

  /** A counter whose value is read from every series when scraped. */
  private observeSeries(name: string, options: MetricOptions, report: (s: Series, r: ObservableResult) => void): void {
    this.meter.createObservableCounter(name, options).addCallback((result) => {
      for (const s of this.inbound.values()) report(s, result);
      for (const s of this.outbound.values()) report(s, result);
    });
  }

  private series(cluster: string, direction: Direction): Series {
    const map = direction === 'inbound' ? this.inbound : this.outbound;
    let s = map.get(cluster);
    if (s === undefined) {
      s = new Series(cluster, direction);
      map.set(cluster, s);
    }
    return s;
  }

  private cluster(cluster: string): ClusterAttrs {
    let c = this.clusters.get(cluster);
    if (c === undefined) {
      c = new ClusterAttrs(cluster);
      this.clusters.set(cluster, c);
    }
    return c;
  }
}
