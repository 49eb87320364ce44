// The proxy's data plane, wired from its parts and driven by a ProxyConfig: clusters (CDS+EDS), listeners
// (LDS), route tables (RDS), the listening sockets, and the HTTP and TCP layers between them. Every config
// change builds new immutable tables and swaps them whole; connections in flight keep the objects they hold.
import type { Socket } from 'node:net';
import type { Logger } from '../common/log.js';
import { LogBudget, type HttpLimits } from './http/connection-guard.js';
import { HttpConnectionManager } from './http/connection-manager.js';
import type { HttpDeps } from './http/deps.js';
import { ConnectionAcceptor } from './listeners/accept.js';
import type { Downstream } from './listeners/downstream.js';
import { ListenerManager } from './listeners/listener-manager.js';
import { ListenerTable } from './listeners/listener-table.js';
import { originalDestination } from './listeners/original-dst.js';
import { compileRouteTable, type RouteTable } from './router/route-table.js';
import { ClusterManager } from './runtime/cluster-manager.js';
import { TcpProxy } from './tcp/tcp-proxy.js';
import type { AccessLog } from './telemetry/access-log.js';
import type { ProxyMetrics } from './telemetry/metrics.js';
import type { Tracing } from './telemetry/tracing.js';
import { UpstreamPools } from './upstream/pools.js';
import type { ProxyConfig, ProxyRouteConfig } from './xds/types.js';

export interface DataPlaneOptions {
  readonly namespace: string;
  readonly logger: Logger;
  readonly accessLog: AccessLog;
  readonly metrics: ProxyMetrics;
  readonly tracing: Tracing;
  /** Wait for the first bytes of a connection on ports that sniff the protocol; Istio's old default 100 ms. */
  readonly sniffTimeoutMs?: number;
  /** LDS port → port bound (tests). */
  readonly portMap?: ReadonlyMap<number, number>;
  /** Bind every 0.0.0.0 listener on this address instead (tests); listeners on a specific address keep it. */
  readonly bindAddress?: string;
  /** HTTP size limits and deadlines; default: the sidecar's. */
  readonly httpLimits?: HttpLimits;
  /** Downstream connections open at once (all listeners); one more is closed at once. Default: no limit. */
  readonly maxConnections?: number;
}

export class DataPlane {
  readonly clusters = new ClusterManager();
  readonly pools = new UpstreamPools();
  readonly listeners: ListenerManager;
  private config: ProxyConfig | undefined;
  private table = new ListenerTable(new Map());
  private routes: ReadonlyMap<string, RouteTable> = new Map();
  private readonly inlineRoutes = new WeakMap<ProxyRouteConfig, RouteTable>();
  private readonly acceptor: ConnectionAcceptor;
  private readonly http: HttpConnectionManager;
  private readonly sweeper: NodeJS.Timeout;
  private openConnections = 0;
  private readonly overLimitLog = new LogBudget(1);
  private readonly onSocketClose = (): void => {
    this.openConnections--;
  };

  constructor(private readonly options: DataPlaneOptions) {
    const deps: HttpDeps = {
      routeTable: (ds) => this.routeTable(ds),
      clusters: this.clusters,
      pools: this.pools,
      accessLog: options.accessLog,
      metrics: options.metrics,
      tracing: options.tracing,
      random: Math.random,
    };
    this.http = new HttpConnectionManager({
      deps,
      logger: options.logger,
      nameTables: () => this.config?.nameTables.values() ?? [],
      namespace: options.namespace,
      acceptor: () => this.acceptor,
      outboundListener: () => this.table.virtualOutbound,
      ...(options.httpLimits && { limits: options.httpLimits }),
    });
    const tcp = new TcpProxy({ clusters: this.clusters, accessLog: options.accessLog, metrics: options.metrics });
    this.acceptor = new ConnectionAcceptor(
      () => this.table,
      { http: (s, ds, p) => this.http.handle(s, ds, p), tcp: (s, ds, c) => tcp.handle(s, ds, c) },
      {
        originalDst: originalDestination,
        sniffTimeoutMs: options.sniffTimeoutMs ?? 100,
        // A header deadline also bounds the wait for the first bytes (a slowloris client may send nothing at all).
        ...(options.httpLimits !== undefined && options.httpLimits.requestHeadersTimeoutMs > 0 && { httpFirstBytesTimeoutMs: options.httpLimits.requestHeadersTimeoutMs }),
      },
    );
    this.listeners = new ListenerManager({
      onConnection: (key, socket) => this.onConnection(key, socket),
      logger: options.logger,
      ...(options.portMap && { portMap: options.portMap }),
      ...(options.bindAddress !== undefined && { bindAddress: options.bindAddress }),
    });
    this.sweeper = setInterval(() => this.pools.sweep(60_000), 30_000).unref();
  }

  get current(): ProxyConfig | undefined {
    return this.config;
  }

  /** Applies a configuration: clusters first (make before break), then routes, then listeners. */
  async apply(config: ProxyConfig): Promise<void> {
    const previous = this.config;
    this.config = config;
    if (config.clusters !== previous?.clusters || config.assignments !== previous.assignments) this.clusters.apply(config);
    if (config.routes !== previous?.routes) {
      const old = this.routes;
      this.routes = new Map([...config.routes].map(([name, rc]) => [name, old.get(name)?.source === rc ? (old.get(name) as RouteTable) : compileRouteTable(rc)]));
    }
    if (config.listeners !== previous?.listeners) {
      this.table = new ListenerTable(config.listeners, this.table);
      await this.listeners.reconcile(this.table);
    }
  }

  /** Stop accepting; keep-alive HTTP/1 connections are told to close after their current request. */
  drain(): void {
    this.listeners.stopAccepting();
    this.http.closeIdle();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.listeners.stopAccepting();
    this.clusters.close();
    await this.pools.close();
  }

  /** Whether downstream connections are still open (drain waits for them). */
  busy(): boolean {
    return this.openConnections > 0;
  }

  private onConnection(key: string, socket: Socket): void {
    const bound = this.table.bound.get(key);
    if (bound === undefined) {
      socket.destroy();
      return;
    }
    const max = this.options.maxConnections;
    if (max !== undefined && this.openConnections >= max) {
      socket.destroy();
      const suppressed = this.overLimitLog.take();
      if (suppressed !== undefined) this.options.logger.warn({ maxConnections: max, suppressed }, 'connection limit reached: closing new connections');
      return;
    }
    this.openConnections++;
    socket.once('close', this.onSocketClose);
    this.acceptor.accept(bound, socket);
  }

  private routeTable(ds: Downstream): RouteTable | undefined {
    const target = ds.chain.target;
    if (target.kind !== 'http') return undefined;
    if (target.routeConfig === undefined) return this.routes.get(target.routeConfigName);
    let table = this.inlineRoutes.get(target.routeConfig);
    if (table === undefined) {
      table = compileRouteTable(target.routeConfig);
      this.inlineRoutes.set(target.routeConfig, table);
    }
    return table;
  }
}
