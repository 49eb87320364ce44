// The ADS gRPC server: envoy.service.discovery.v3.AggregatedDiscoveryService with both state-of-the-world
// (StreamAggregatedResources) and incremental (DeltaAggregatedResources) streams, serving the snapshot cache.
// It is also the ProxyRegistry the admin server reads.
import { Server, ServerCredentials, type ServerDuplexStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { silentLogger, type Logger } from '../../common/log.js';
import type { ControlPlaneMetrics } from '../admin/metrics.js';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { ADS_SERVICE } from './ads-service.js';
import { DeltaStream } from './delta-stream.js';
import type { ProxyStream, StreamContext } from './proxy-stream.js';
import { ProxyTable, type ConfigDump } from './proxy-table.js';
import { SendBudget } from './send-budget.js';
import { SotwStream } from './sotw-stream.js';
import { NamePool } from './subscriptions.js';
import type { ProxyRegistry, ProxyState } from './sync-state.js';
import type { DeltaRequest, SotwRequest } from './wire-decode.js';

export interface AdsServerOptions {
  readonly cache: SnapshotCache;
  readonly logger?: Logger;
  readonly metrics?: ControlPlaneMetrics;
  /** Clock for sent/ACK times and the push-time histogram; Date.now by default. */
  readonly now?: () => number;
  /** How long close() waits for connections to drain before cutting them. Default 1000 ms. */
  readonly closeGraceMs?: number;
  /** Bytes of responses written but not yet flushed, over all streams, before pushes wait. Default 32 MiB. */
  readonly sendBudgetBytes?: number;
  /** Per stream: responses follow one another while less than this is unflushed. Default 256 KiB. */
  readonly streamBudgetBytes?: number;
}

/** gRPC options: responses of a 10,000-service mesh exceed the 4 MB default, in both directions. */
const GRPC_OPTIONS = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

export class AdsServer implements ProxyRegistry {
  private readonly ctx: StreamContext;
  private readonly table = new ProxyTable();
  private readonly open = new Set<ProxyStream<unknown>>();
  private readonly graceMs: number;
  private server: Server | undefined;

  constructor(options: AdsServerOptions) {
    this.graceMs = options.closeGraceMs ?? 1000;
    this.ctx = {
      cache: options.cache,
      log: options.logger ?? silentLogger(),
      metrics: options.metrics,
      table: this.table,
      pool: new NamePool(),
      budget: new SendBudget(options.sendBudgetBytes ?? 32 * 1024 * 1024, options.streamBudgetBytes ?? 256 * 1024),
      now: options.now ?? Date.now,
      open: this.open,
    };
  }

  /** Handlers, to mount the service on a gRPC server of one's own. */
  handlers(): UntypedServiceImplementation {
    return {
      StreamAggregatedResources: (call: ServerDuplexStream<SotwRequest, Buffer>) => new SotwStream(this.ctx, call, 'sotw'),
      DeltaAggregatedResources: (call: ServerDuplexStream<DeltaRequest, Buffer>) => new DeltaStream(this.ctx, call, 'delta'),
    };
  }

  /** Binds `host:port` (port 0 picks one) and resolves with the port bound. */
  listen(address: string): Promise<number> {
    if (this.server) return Promise.reject(new Error('AdsServer.listen called twice'));
    const server = new Server(GRPC_OPTIONS);
    server.addService(ADS_SERVICE, this.handlers());
    this.server = server;
    return new Promise((resolve, reject) => {
      server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(err);
        this.ctx.log.info({ address, port }, 'xDS server listening');
        resolve(port);
      });
    });
  }

  /** Ends every stream with status OK, then shuts the server down (forcibly after the grace period). */
  async close(): Promise<void> {
    for (const stream of [...this.open]) stream.end();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, this.graceMs);
      timer.unref();
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  proxies(): Iterable<ProxyState> {
    return this.table.proxies();
  }

  configDump(proxyId: string): ConfigDump | undefined {
    return this.table.configDump(proxyId);
  }

  /** Number of connected (started) streams. */
  get connected(): number {
    return this.table.size;
  }
}
