// `meshlet sidecar`: the proxy in a pod. xDS client → DataPlane; admin on 15000, health on 15021; optional
// iptables capture; drain on SIGTERM. The same start-up serves the tests (ports remapped, no capture).
//
//   const proxy = await startSidecar({ xds: '127.0.0.1:15010', nodeId: 'pod-a.default', namespace: 'default', ... });
//   await proxy.ready; ... await proxy.stop();
import { ErrorCode, MeshletError } from '../common/errors.js';
import { createPrometheusMetrics } from '../common/prometheus.js';
import type { HostPort } from '../common/flags.js';
import type { Upstream } from '../dns/forward/upstream.js';
import { startDns, type DnsServer } from '../dns/index.js';
import type { Logger } from '../common/log.js';
import type { AdminServer } from '../common/admin-http.js';
import { startHealthServer, startProxyAdmin } from './admin/admin-server.js';
import { applyCapture, type CaptureHandle } from './capture/apply.js';
import type { CaptureOptions } from './capture/iptables-rules.js';
import { DataPlane } from './data-plane.js';
import { hostPort } from './listeners/downstream.js';
import type { AccessLog } from './telemetry/access-log.js';
import { ProxyMetrics } from './telemetry/metrics.js';
import type { Tracing } from './telemetry/tracing.js';
import { AdsClient, NODE_PROXY_TYPES, nodeNode, sidecarNode, type AdsClientOptions, type AdsMode, type NodeIdentity } from './xds/ads-client.js';
import type { ProxyConfig } from './xds/types.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, type ServedTypeUrl } from '../xds/type-urls.js';
import { GATEWAY_HTTP_LIMITS, type HttpLimits } from './http/connection-guard.js';

export type ProxyRole = 'sidecar' | 'node' | 'gateway';

/** The gateway role's own settings (cli/gateway.ts). */
export interface GatewayOptions {
  /** The ports of --http-listen and --https-listen, sent as GATEWAY_HTTP_PORT / GATEWAY_HTTPS_PORT. */
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Default GATEWAY_HTTP_LIMITS. */
  readonly httpLimits?: HttpLimits;
  /** Default 10000. */
  readonly maxConnections?: number;
}

/**
 * The node of an ingress gateway: metadata as Istio's gateway pods send it (string values), plus the ports the
 * control plane names its listeners after (0.0.0.0_<port>).
 */
export function gatewayNode(id: string, namespace: string, instanceIps: readonly string[], httpPort: number, httpsPort: number): NodeIdentity {
  return {
    id,
    metadata: {
      ROLE: 'gateway',
      NAMESPACE: namespace,
      INSTANCE_IPS: instanceIps.join(','),
      GATEWAY_HTTP_PORT: String(httpPort),
      GATEWAY_HTTPS_PORT: String(httpsPort),
    },
  };
}

/** What the gateway subscribes to: its listeners route HTTP by RDS to clusters; no NameTable (no DNS proxy). */
export const GATEWAY_PROXY_TYPES: readonly ServedTypeUrl[] = [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION];

export interface SidecarOptions {
  readonly xds: string;
  readonly nodeId: string;
  readonly namespace: string;
  readonly podIps: readonly string[];
  readonly xdsMode: AdsMode;
  readonly admin: { readonly host: string; readonly port: number };
  readonly health: { readonly host: string; readonly port: number };
  /**
   * iptables capture, or undefined for none. With capture the process switches to the proxy GID before it
   * opens any connection, so that the rules (which exclude that GID) do not capture the proxy itself; it keeps
   * its UID (root) so it can remove the rules on exit.
   */
  readonly capture: CaptureOptions | undefined;
  /**
   * Istio's DNS proxying: the cluster DNS answering code runs in the sidecar on `listen` (127.0.0.1:15053),
   * answering cluster names from the sidecar's own NameTable and forwarding the rest to `upstreams` (the pod's
   * resolv.conf). With capture on, the pod's UDP and TCP port 53 are redirected to it. Undefined: off.
   */
  readonly dnsProxy: { readonly listen: HostPort; readonly upstreams: readonly Upstream[]; readonly ttl: number } | undefined;
  readonly drainSeconds: number;
  readonly logger: Logger;
  readonly accessLog: AccessLog;
  readonly tracing: Tracing;
  /**
   * 'sidecar' (the default), or 'node': the NodePort / LoadBalancer proxy of a Kubernetes node (cli/node-proxy.ts),
   * identified by `nodeNode(nodeId, podIps)` (the node's addresses) and subscribed to clusters, endpoints and
   * listeners only. The node role runs without capture and without the DNS proxy; `namespace` is unused.
   * 'gateway': the ingress gateway (cli/gateway.ts), identified by `gatewayNode` and subscribed to clusters,
   * endpoints, listeners and routes; no capture, no DNS proxy; HTTP limits (`gateway`); its listeners are at the
   * edge by their HCM's use_remote_address, which the control plane sets.
   */
  readonly role?: ProxyRole;
  /** Role 'gateway' (cli/gateway.ts): the ingress gateway, required with that role. */
  readonly gateway?: GatewayOptions;
  /** Tests: LDS port → bound port, and one bind address for every 0.0.0.0 listener. */
  readonly portMap?: ReadonlyMap<number, number>;
  readonly bindAddress?: string;
}

export interface Sidecar {
  /** Resolves once the first complete configuration is applied and its listeners are bound. */
  readonly ready: Promise<void>;
  readonly dataPlane: DataPlane;
  readonly xds: AdsClient;
  readonly adminPort: number;
  readonly healthPort: number;
  /** Where the DNS proxy listens (UDP and TCP), when it runs. */
  readonly dnsAddress: HostPort | undefined;
  /** Where an LDS listener (`address:port` as in LDS) is actually bound. */
  boundAddress(listener: string): { address: string; port: number } | undefined;
  /** SIGTERM: stop accepting, let in-flight work finish within drainSeconds, then stop. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** Who the proxy says it is to the control plane, and what it subscribes to. */
function identity(o: SidecarOptions): Pick<AdsClientOptions, 'node' | 'types'> {
  if (o.role === 'node') return { node: nodeNode(o.nodeId, o.podIps), types: NODE_PROXY_TYPES };
  if (o.role === 'gateway' && o.gateway !== undefined) {
    return { node: gatewayNode(o.nodeId, o.namespace, o.podIps, o.gateway.httpPort, o.gateway.httpsPort), types: GATEWAY_PROXY_TYPES };
  }
  return { node: sidecarNode(o.nodeId, o.namespace, o.podIps) };
}

export async function startSidecar(o: SidecarOptions): Promise<Sidecar> {
  if ((o.role === 'node' || o.role === 'gateway') && (o.capture !== undefined || o.dnsProxy !== undefined)) {
    throw new MeshletError(ErrorCode.INTERNAL, `the ${o.role} role runs without capture and without the DNS proxy`);
  }
  if (o.role === 'gateway' && o.gateway === undefined) throw new MeshletError(ErrorCode.INTERNAL, 'the gateway role needs its gateway options');
  const gateway = o.role === 'gateway' ? o.gateway : undefined;
  const log = o.logger;
  const prometheus = createPrometheusMetrics('meshlet-proxy');
  const metrics = new ProxyMetrics(prometheus.meter);
  const dataPlane = new DataPlane({
    namespace: o.namespace,
    logger: log,
    accessLog: o.accessLog,
    metrics,
    tracing: o.tracing,
    ...(o.portMap && { portMap: o.portMap }),
    ...(o.bindAddress !== undefined && { bindAddress: o.bindAddress }),
    ...(gateway && { httpLimits: gateway.httpLimits ?? GATEWAY_HTTP_LIMITS, maxConnections: gateway.maxConnections ?? 10_000 }),
  });
  metrics.observeClusters('meshlet_cluster_healthy_endpoints', 'Endpoints a cluster may send to (not ejected, healthy)', (report) => {
    for (const c of dataPlane.clusters.all()) {
      let n = 0;
      for (const l of c.endpoints.localities) for (const e of l.endpoints) if ((e.health === 'HEALTHY' || e.health === 'UNKNOWN') && !c.isEjected(hostPort(e.address, e.port))) n++;
      report(c.name, n);
    }
  });
  let capture: CaptureHandle | undefined;
  if (o.capture !== undefined) {
    capture = applyCapture({ ...o.capture, dnsPort: o.dnsProxy?.listen.port });
    process.setgroups?.([o.capture.proxyGid]);
    process.setgid?.(o.capture.proxyGid);
  }
  // After setgid: the resolver's upstream socket must carry the proxy GID, or its queries would be captured too.
  let dns: DnsServer | undefined;
  try {
    if (o.dnsProxy !== undefined) dns = await startDns({ ...o.dnsProxy, logger: log });
  } catch (err) {
    capture?.remove();
    throw err;
  }

  const xds = new AdsClient({ address: o.xds, mode: o.xdsMode, logger: log, ...identity(o) });
  let ready = false;
  let applying: Promise<void> = Promise.resolve();
  let markReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  // Applying is serialised: a bind from one config finishes before the next config is looked at.
  const apply = (config: ProxyConfig, first: boolean): void => {
    applying = applying.then(async () => {
      await dataPlane.apply(config);
      if (dns !== undefined && xds.ready) dns.setTables([...config.nameTables.values()]);
      if (first || (xds.ready && !ready)) {
        ready = xds.ready;
        if (ready) {
          log.info({ listeners: dataPlane.listeners.keys, clusters: config.clusters.size }, 'first complete configuration applied: ready');
          markReady();
        }
      }
    });
  };
  xds.on('config', (config) => apply(config, false));
  xds.on('ready', (config) => apply(config, true));
  xds.on('nack', (n) => log.warn({ type: n.typeUrl, errors: n.errors }, 'configuration rejected (NACK); the last good configuration stays'));
  xds.on('disconnected', (d) => log.warn({ code: d.code, details: d.details, retryInMs: d.retryInMs }, 'xDS stream ended; serving the last good configuration'));
  xds.start();

  let stopped = false;
  let admin: AdminServer | undefined;
  let health: AdminServer | undefined;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    xds.close();
    await dataPlane.close();
    await dns?.close();
    capture?.remove();
    await Promise.all([admin?.close(), health?.close()]);
    await o.tracing.shutdown();
    o.accessLog.flush();
    await prometheus.shutdown();
  };
  const drain = async (): Promise<void> => {
    log.info({ drainSeconds: o.drainSeconds }, 'draining: no new connections; waiting for in-flight work');
    dataPlane.drain();
    const deadline = Date.now() + o.drainSeconds * 1000;
    while (Date.now() < deadline && dataPlane.busy()) await new Promise((r) => setTimeout(r, 100));
    await stop();
  };
  try {
    admin = await startProxyAdmin(
      {
        config: () => xds.config,
        clusters: dataPlane.clusters,
        metrics: prometheus,
        listeners: () =>
          [...xds.config.listeners.values()].map((l) => {
            const bound = dataPlane.listeners.addressOf(hostPort(l.address, l.port));
            return { name: l.name, address: hostPort(l.address, l.port), bound: bound ? hostPort(bound.address, bound.port) : null };
          }),
        isReady: () => ready,
        drain: () => dataPlane.drain(),
        quit: () => void stop(),
      },
      o.admin.host,
      o.admin.port,
    );
    health = await startHealthServer(() => ready, o.health.host, o.health.port);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ready: readyPromise,
    dataPlane,
    xds,
    adminPort: admin.port,
    healthPort: health.port,
    dnsAddress: dns?.udpAddress,
    boundAddress: (listener) => dataPlane.listeners.addressOf(listener),
    drain,
    stop,
  };
}
