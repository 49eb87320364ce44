// The proxy's admin port (127.0.0.1:15000, as Envoy's in Istio) and its health port (15021, Istio's
// /healthz/ready, which kubelet probes). Read-only pages are GET; the two that change state are POST, as
// Envoy's admin requires (/drain_listeners, /quitquitquit).
import type http from 'node:http';
import { listenAdmin, sendJson, sendText, type AdminServer } from '../../common/admin-http.js';
import type { PrometheusMetrics } from '../../common/prometheus.js';
import type { ClusterManager } from '../runtime/cluster-manager.js';
import type { ProxyConfig } from '../xds/types.js';
import { clustersText, clusterView } from './clusters.js';

export interface ProxyAdminSources {
  readonly config: () => ProxyConfig;
  readonly clusters: ClusterManager;
  readonly metrics: PrometheusMetrics;
  /** `name → bound address` of the listeners that own sockets. */
  readonly listeners: () => readonly { readonly name: string; readonly address: string; readonly bound: string | null }[];
  readonly isReady: () => boolean;
  readonly drain: () => void;
  readonly quit: () => void;
}

const PAGES = ['/config_dump', '/clusters', '/clusters?format=json', '/listeners', '/stats/prometheus', '/ready', 'POST /drain_listeners', 'POST /quitquitquit'];

function route(s: ProxyAdminSources, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://admin');
  const post = req.method === 'POST';
  if (!post && req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'use GET, or POST for actions\n');
  switch (url.pathname) {
    case '/config_dump':
      return sendJson(res, 200, s.config());
    case '/clusters': {
      const views = [...s.clusters.all()].map(clusterView);
      return url.searchParams.get('format') === 'json' ? sendJson(res, 200, { clusters: views }) : sendText(res, 200, clustersText(views));
    }
    case '/listeners':
      return sendJson(res, 200, s.listeners());
    case '/stats/prometheus':
    case '/metrics':
      return s.metrics.handle(req, res);
    case '/ready':
      return s.isReady() ? sendText(res, 200, 'LIVE\n') : sendText(res, 503, 'PRE_INITIALIZING\n');
    case '/drain_listeners':
      if (!post) return sendText(res, 405, 'POST /drain_listeners\n');
      s.drain();
      return sendText(res, 200, 'OK\n');
    case '/quitquitquit':
      if (!post) return sendText(res, 405, 'POST /quitquitquit\n');
      sendText(res, 200, 'OK\n');
      return s.quit();
    case '/':
      return sendText(res, 200, PAGES.join('\n') + '\n');
    default:
      return sendText(res, 404, `no such admin path: ${url.pathname}\n`);
  }
}

export function startProxyAdmin(sources: ProxyAdminSources, host: string, port: number): Promise<AdminServer> {
  return listenAdmin((req, res) => route(sources, req, res), host, port);
}

/** 15021: `/healthz/ready` answers 200 once the first complete configuration is applied and listeners are bound. */
export function startHealthServer(isReady: () => boolean, host: string, port: number): Promise<AdminServer> {
  return listenAdmin(
    (req, res) => {
      if (new URL(req.url ?? '/', 'http://health').pathname !== '/healthz/ready') return sendText(res, 404, 'try /healthz/ready\n');
      return isReady() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready: waiting for the first complete xDS configuration\n');
    },
    host,
    port,
  );
}
