// frontend: HTTP on PORT. `GET /` calls `GET $CATALOG_URL/items` and answers {frontend: POD_NAME, catalog: <reply>};
// `GET /healthz` answers 200 for readiness probes. Traced: a SERVER span per request (parent from `traceparent`)
// and a CLIENT span for the catalog call, injected into its headers.
//   PORT=8080 CATALOG_URL=http://catalog:8080 POD_NAME=frontend-0 node --import tsx examples/demo-app/frontend.ts
import type http from 'node:http';
import { EnvReader, runIfMain, type Env, type RunningApp } from './config.js';
import { getJson, sendJson, startHttpApp } from './http.js';
import { AppTelemetry } from './telemetry.js';

export async function startFrontend(env: Env): Promise<RunningApp> {
  const reader = new EnvReader(env);
  const config = reader.common(8080);
  const catalogUrl = reader.url('CATALOG_URL');
  reader.done();
  const telemetry = AppTelemetry.fromEnv(env, 'frontend');

  async function home(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const span = telemetry.serverSpan('GET /', req.headers, {
      'http.request.method': 'GET',
      'url.path': '/',
      'network.peer.address': req.socket.remoteAddress ?? '',
    });
    const url = `${catalogUrl}/items`;
    const call = telemetry.clientSpan('GET /items', span, { 'http.request.method': 'GET', 'url.full': url });
    try {
      const reply = await getJson(url, telemetry.headers(call));
      call.setAttribute('http.response.status_code', reply.status);
      telemetry.end(call, reply.status >= 500 ? `catalog answered ${reply.status}` : undefined);
      const status = reply.status === 200 ? 200 : 502;
      span.setAttribute('http.response.status_code', status);
      sendJson(res, status, { frontend: config.podName, catalog: reply.body });
      telemetry.end(span, status === 200 ? undefined : `catalog answered ${reply.status}`);
    } catch (err) {
      telemetry.end(call, err);
      span.setAttribute('http.response.status_code', 502);
      sendJson(res, 502, { frontend: config.podName, error: err instanceof Error ? err.message : String(err) });
      telemetry.end(span, err);
    }
  }

  return startHttpApp(config, telemetry, '/', home);
}

runIfMain(import.meta.url, 'frontend', startFrontend);
