// The control plane's admin HTTP server (127.0.0.1:15014 by default, as Istio's istiod monitoring port):
// health, readiness, xDS sync state, per-proxy config dumps, configuration errors and Prometheus metrics.
import { redactSecrets } from './redact.js';
import type http from 'node:http';
import { listenAdmin, sendJson, sendText, type AdminServer } from '../../common/admin-http.js';
import type { PrometheusMetrics } from '../../common/prometheus.js';
import type { ConfigError, MeshSnapshot } from '../model/types.js';
import { buildIngressReport } from './ingress.js';
import type { ProxyRegistry } from '../server/sync-state.js';
import { buildSyncz } from './syncz.js';

export interface AdminSources {
  readonly registry: ProxyRegistry;
  readonly metrics: PrometheusMetrics;
  /** Ready once the first model snapshot is built and the xDS server listens. */
  readonly isReady: () => boolean;
  /** The errors of the manifests as last loaded (each names file, object and field). */
  readonly configErrors: () => readonly ConfigError[];
  /** Counts and generation of the current model, for /debug/model. */
  readonly modelSummary: () => unknown;
  /** Consistency errors of the cache (snapshots refused), per config group. */
  readonly cacheErrors: () => unknown;
  /** The current model snapshot, for /debug/ingress; absent: the endpoint reports nothing. */
  readonly snapshot?: () => MeshSnapshot | undefined;
}

function route(sources: AdminSources, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://admin');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'only GET is supported\n');
  switch (url.pathname) {
    case '/healthz':
      return sendText(res, 200, 'ok\n');
    case '/readyz':
      return sources.isReady() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready: no snapshot yet\n');
    case '/metrics':
      return sources.metrics.handle(req, res);
    case '/debug/syncz':
      return sendJson(res, 200, buildSyncz(sources.registry));
    case '/debug/config_dump': {
      const proxy = url.searchParams.get('proxy');
      if (!proxy) return sendJson(res, 400, { error: 'missing query parameter: proxy=<node id>' });
      const dump = sources.registry.configDump(proxy);
      if (dump === undefined) return sendJson(res, 404, { error: `no connected proxy with node id "${proxy}"` });
      return sendJson(res, 200, redactSecrets(dump));
    }
    case '/debug/config_errors':
      return sendJson(res, 200, sources.configErrors());
    case '/debug/model':
      return sendJson(res, 200, sources.modelSummary());
    case '/debug/cache_errors':
      return sendJson(res, 200, sources.cacheErrors());
    case '/debug/ingress':
      return sendJson(res, 200, buildIngressReport(sources.snapshot?.()));
    case '/':
      return sendText(
        res,
        200,
        ['/healthz', '/readyz', '/metrics', '/debug/syncz', '/debug/config_dump?proxy=ID', '/debug/config_errors',
          '/debug/model', '/debug/cache_errors', '/debug/ingress'].join('\n') + '\n',
      );
    default:
      return sendText(res, 404, `no such admin path: ${url.pathname}\n`);
  }
}

export type { AdminServer };

export function startAdminServer(sources: AdminSources, host: string, port: number): Promise<AdminServer> {
  return listenAdmin((req, res) => route(sources, req, res), host, port);
}
