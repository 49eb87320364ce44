// `meshlet control-plane` as a library: the pipeline (manifests → model → translate → cache), the ADS gRPC
// server and the admin HTTP server, started together and stopped together.
import { formatHostPort, type HostPort } from '../common/flags.js';
import type { Logger } from '../common/log.js';
import { createPrometheusMetrics } from '../common/prometheus.js';
import { createControlPlaneMetrics } from './admin/metrics.js';
import { startAdminServer, type AdminServer } from './admin/server.js';
import { SnapshotCache } from './cache/snapshot-cache.js';
import type { OutboundTrafficPolicy } from './model/types.js';
import { startPipeline, type Pipeline } from './pipeline.js';
import { AdsServer } from './server/server.js';
import { canonicalGroup } from './translate/index.js';

export interface ControlPlaneOptions {
  readonly manifestsDir: string;
  readonly xdsListen: HostPort;
  readonly adminListen: HostPort;
  readonly serviceCidr: string;
  readonly clusterDomain: string;
  readonly clusterId: string;
  readonly debounceMs: number;
  /** What sidecars do with destinations the mesh does not know; default ALLOW_ANY. */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  readonly logger: Logger;
}

export interface ControlPlane {
  /** The address the xDS server listens on (the real port when 0 was asked for). */
  readonly xdsAddress: HostPort;
  readonly adminAddress: HostPort;
  readonly pipeline: Pipeline;
  readonly ads: AdsServer;
  close(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.logger;
  const prometheus = createPrometheusMetrics('meshlet-control-plane');
  const metrics = createControlPlaneMetrics(prometheus.meter);
  const cache = new SnapshotCache({ logger: log, canonicalGroup });
  const ads = new AdsServer({ cache, logger: log, metrics });
  const closers: Array<() => Promise<void>> = [() => prometheus.shutdown()];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch((err: unknown) => log.error({ err }, 'close failed'));
  };
  try {
    // The model first: the xDS server should not answer proxies before it has something to say.
    const pipeline = await startPipeline({ ...options, cache, logger: log, metrics });
    closers.push(() => pipeline.close());
    const xdsPort = await ads.listen(formatHostPort(options.xdsListen));
    closers.push(() => ads.close());
    const admin: AdminServer = await startAdminServer(
      {
        registry: ads,
        metrics: prometheus,
        isReady: () => pipeline.snapshot() !== undefined,
        configErrors: () => [...pipeline.errors(), ...pipeline.warnings()],
        modelSummary: () => summary(pipeline),
        cacheErrors: () => cache.errors(),
        snapshot: () => pipeline.snapshot(),
      },
      options.adminListen.host,
      options.adminListen.port,
    );
    closers.push(() => admin.close());
    const xdsAddress = { host: options.xdsListen.host, port: xdsPort };
    const adminAddress = { host: options.adminListen.host, port: admin.port };
    log.info({ xds: formatHostPort(xdsAddress), admin: formatHostPort(adminAddress) }, 'control plane ready');
    return { xdsAddress, adminAddress, pipeline, ads, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function summary(pipeline: Pipeline): unknown {
  const s = pipeline.snapshot();
  if (!s) return { ready: false };
  return {
    generation: s.generation,
    clusterDomain: s.clusterDomain,
    clusterId: s.clusterId,
    namespaces: s.namespaces,
    services: s.services.map((r) => ({
      name: `${r.service.meta.namespace}/${r.service.meta.name}`,
      type: r.service.type,
      clusterIP: r.clusterIP ?? (r.headless ? 'None' : undefined),
      exported: r.exported,
      ports: r.ports.map((p) => ({
        name: p.port.name,
        port: p.port.port,
        protocol: p.port.protocol,
        endpoints: p.endpoints.map((e) => `${e.ip}:${e.port}${e.ready ? '' : ' (not ready)'}`),
      })),
    })),
    ingresses: s.ingresses.map((i) => `${i.meta.namespace}/${i.meta.name}`),
    errors: pipeline.errors().length,
  };
}
