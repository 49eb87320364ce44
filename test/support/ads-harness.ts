// A snapshot cache and ADS server on 127.0.0.1 (port 0) for component tests, with clients that are closed
// together with the server, and metrics that count in memory.
import type { Counter, Histogram, UpDownCounter } from '@opentelemetry/api';
import type { ControlPlaneMetrics } from '../../control-plane/admin/metrics.js';
import { SnapshotCache, type Resolver, type SnapshotCacheOptions } from '../../control-plane/cache/snapshot-cache.js';
import { AdsServer, type AdsServerOptions } from '../../control-plane/server/server.js';
import type { ResourceSet } from '../../xds/resource.js';
import { DeltaAdsClient, SotwAdsClient, type ClientOptions, type NodeSpec, type SotwResponse } from './ads-client.js';

/** Sums per metric and attribute `type` (or `stream`), e.g. counts.get('nacks:CDS'). */
export class CountingMetrics {
  readonly counts = new Map<string, number>();
  readonly metrics: ControlPlaneMetrics;

  constructor() {
    const counter = (metric: string): Counter & UpDownCounter & Histogram => {
      const add = (value: number, attrs?: Record<string, unknown>): void => {
        const key = `${metric}:${String(attrs?.['type'] ?? attrs?.['stream'] ?? '')}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + value);
      };
      return { add, record: add };
    };
    this.metrics = {
      connectedProxies: counter('connected'),
      pushes: counter('pushes'),
      pushTime: counter('pushTime'),
      nacks: counter('nacks'),
      pushedBytes: counter('pushedBytes'),
      configErrors: counter('configErrors'),
    };
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

export interface AdsHarness {
  readonly cache: SnapshotCache;
  readonly server: AdsServer;
  readonly address: string;
  readonly metrics: CountingMetrics;
  /** Publishes a model change: the same set for every group, or a resolver per group. */
  publish(set: ResourceSet | Resolver): void;
  sotw(node: NodeSpec | null, options?: Partial<ClientOptions>): SotwAdsClient;
  delta(node: NodeSpec | null, options?: Partial<ClientOptions>): DeltaAdsClient;
  close(): Promise<void>;
}

export const SIDECAR = (id: string): NodeSpec => ({ id, metadata: { ROLE: 'sidecar', NAMESPACE: 'default' } });

/**
 * The start most tests share: a SotW sidecar (`id`) subscribes to `typeUrl` (all, or `names`), receives its first
 * response and ACKs it. Returns the client and that first response.
 */
export async function ackedSotwSidecar(
  ads: AdsHarness,
  typeUrl: string,
  names?: readonly string[],
  id = 'sidecar-1',
): Promise<{ c: SotwAdsClient; first: SotwResponse }> {
  const c = ads.sotw(SIDECAR(id));
  c.subscribe(typeUrl, names);
  const first = await c.next(typeUrl);
  c.ack(first);
  return { c, first };
}

export async function startAds(
  cacheOptions: SnapshotCacheOptions = {},
  serverOptions: Partial<AdsServerOptions> = {},
): Promise<AdsHarness> {
  const metrics = new CountingMetrics();
  const cache = new SnapshotCache(cacheOptions);
  const server = new AdsServer({ cache, metrics: metrics.metrics, closeGraceMs: 200, ...serverOptions });
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  const clients: { close(): void }[] = [];
  const track = <C extends { close(): void }>(c: C): C => {
    clients.push(c);
    return c;
  };
  return {
    cache,
    server,
    address,
    metrics,
    publish: (set) => cache.update(typeof set === 'function' ? set : () => set, Date.now()),
    sotw: (node, options) => track(new SotwAdsClient({ address, node, ...options })),
    delta: (node, options) => track(new DeltaAdsClient({ address, node, ...options })),
    close: async () => {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}

/** Polls `check` until it holds (server state updates asynchronously to client writes). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
