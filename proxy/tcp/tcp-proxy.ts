// Envoy's tcp_proxy network filter: one upstream connection per downstream connection, bytes copied both
// ways with back-pressure (pipe), half-close passed through (allowHalfOpen on both sides), and one access-log
// line when both sides are closed. Used for TCP ports, passthrough (ORIGINAL_DST) and the blackhole.
import { connect, type Socket } from 'node:net';
import type { PickContext } from '../balancer/types.js';
import { hostPort, type Downstream } from '../listeners/downstream.js';
import type { ClusterManager } from '../runtime/cluster-manager.js';
import type { RuntimeCluster } from '../runtime/cluster.js';
import { newTcpAccessEntry, type AccessLog } from '../telemetry/access-log.js';
import { ResponseFlag, type ResponseFlags } from '../telemetry/response-flags.js';
import type { ProxyMetrics } from '../telemetry/metrics.js';
import { pickTarget, type UpstreamTarget } from '../upstream/target.js';

export interface TcpProxyDeps {
  readonly clusters: ClusterManager;
  readonly accessLog: AccessLog;
  readonly metrics: ProxyMetrics;
}

const NO_HASH: PickContext = {};

export class TcpProxy {
  constructor(private readonly deps: TcpProxyDeps) {}

  handle(socket: Socket, downstream: Downstream, clusterName: string): void {
    new TcpSession(this.deps, socket, downstream, clusterName).start();
  }
}

/** One proxied connection; finishes exactly once, whichever side ends or fails first. */
class TcpSession {
  private readonly startedAt = Date.now();
  private upstream: Socket | undefined;
  private target: UpstreamTarget | undefined;
  private flags: ResponseFlags = 0;
  private connected = false;
  private finished = false;
  private openSides = 2;
  private readonly cluster: RuntimeCluster | undefined;

  constructor(
    private readonly deps: TcpProxyDeps,
    private readonly downstream: Socket,
    private readonly ds: Downstream,
    private readonly clusterName: string,
  ) {
    this.cluster = deps.clusters.get(clusterName);
  }

  start(): void {
    const { downstream, ds, deps, clusterName } = this;
    downstream.on('error', this.onDownstreamError);
    downstream.on('close', this.onClose);
    const cluster = this.cluster;
    if (cluster === undefined) return this.refuse(ResponseFlag.NoClusterFound);
    const target = pickTarget(cluster, NO_HASH, { address: ds.destinationAddress, port: ds.destinationPort });
    if (target === undefined) return this.refuse(ResponseFlag.NoHealthyUpstream);
    if (!cluster.breakers.tryAcquireConnection()) return this.refuse(ResponseFlag.UpstreamOverflow);
    this.target = target;
    cluster.counters.upstream_cx_total++;
    if (target.host) target.host.stats.activeRequests++;
    deps.metrics.connectionOpened(clusterName, ds.direction);
    const upstream = connect({
      host: target.address,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      ...(target.localAddress !== undefined && { localAddress: target.localAddress }),
    });
    this.upstream = upstream;
    upstream.setTimeout(cluster.config.connectTimeoutMs, this.onConnectTimeout);
    upstream.once('connect', this.onConnect);
    upstream.on('error', this.onUpstreamError);
    upstream.on('close', this.onClose);
  }

  private readonly onConnect = (): void => {
    const upstream = this.upstream as Socket;
    this.connected = true;
    upstream.setTimeout(0);
    this.cluster?.record(this.target?.key ?? '', 'success');
    this.downstream.pipe(upstream);
    upstream.pipe(this.downstream);
    this.downstream.resume();
  };

  private readonly onConnectTimeout = (): void => {
    if (this.connected) return;
    if (this.cluster) this.cluster.counters.upstream_cx_connect_timeout++;
    this.upstream?.destroy(new Error('connect timeout'));
  };

  private readonly onUpstreamError = (): void => {
    if (!this.connected) {
      this.flags |= ResponseFlag.UpstreamConnectionFailure;
      if (this.cluster) {
        this.cluster.counters.upstream_cx_connect_fail++;
        this.cluster.record(this.target?.key ?? '', 'local-origin-failure');
      }
    } else if (this.flags === 0) this.flags = ResponseFlag.UpstreamConnectionTermination;
    this.downstream.destroy();
  };

  private readonly onDownstreamError = (): void => {
    if (this.flags === 0) this.flags = ResponseFlag.DownstreamConnectionTermination;
    this.upstream?.destroy();
  };

  /** Both sockets must close before the connection is logged; a refused one has only the downstream. */
  private readonly onClose = (): void => {
    if (--this.openSides > 0 && this.upstream !== undefined) {
      // One side is gone: the other cannot carry the conversation on its own.
      if (!this.upstream.destroyed && this.downstream.destroyed && !this.upstream.writableEnded) this.upstream.end();
      return;
    }
    this.finish();
  };

  private refuse(flag: ResponseFlags): void {
    this.flags = flag;
    this.openSides = 1;
    this.downstream.destroy();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const { cluster, target, ds } = this;
    if (this.upstream !== undefined && cluster) {
      cluster.breakers.releaseConnection();
      if (target?.host) target.host.stats.activeRequests--;
      this.deps.metrics.connectionClosed(this.clusterName, ds.direction);
    }
    const received = this.downstream.bytesRead;
    const sent = this.downstream.bytesWritten;
    this.deps.metrics.tcpBytes(this.clusterName, ds.direction, sent, received);
    const log = this.deps.accessLog;
    if (!log.enabled) return;
    const entry = newTcpAccessEntry(ds.direction);
    entry.start_time = this.startedAt;
    entry.duration = Date.now() - this.startedAt;
    entry.upstream_cluster = this.clusterName;
    entry.upstream_host = target?.key ?? null;
    entry.downstream_remote_address = hostPort(ds.remoteAddress, ds.remotePort);
    entry.downstream_local_address = hostPort(ds.destinationAddress, ds.destinationPort);
    entry.bytes_received = received;
    entry.bytes_sent = sent;
    entry.response_flags = this.flags;
    log.tcp(entry);
  }
}
