// frontend: HTTP on PORT. `GET /` calls `GET $CATALOG_URL/items` and answers where each hop went:
//   {pod: POD_NAME, ip: POD_IP, node: NODE_NAME, caller, forwardedFor, catalog: {via, reply: <catalog's JSON reply>}}
// `caller` is the first `x-forwarded-for` entry (the sidecar adds it), else the socket's remote address;
// `forwardedFor` is every entry, in order (behind the ingress gateway: the node, then the gateway pod); `via` is the
// `ip:port` the app's socket for the catalog call was connected to (under REDIRECT: the Service's ClusterIP). A
// catalog answer other than 200 gives 502 with the same shape; a failed call gives 502
// {pod, ip, node, caller, error}. `GET /healthz` answers 200 for readiness probes. Traced: a SERVER span per
// request (parent from `traceparent`) and a CLIENT span for the catalog call, injected into its headers.
//   PORT=8080 CATALOG_URL=http://catalog:8080 POD_NAME=frontend-0 node --import tsx examples/demo-app/frontend.ts
import type http from 'node:http';
import { EnvReader, runIfMain, type Env, type RunningApp } from './config.js';
import { callerOf, forwardedFor, getJson, sendJson, startHttpApp } from './http.js';
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
    const who = { pod: config.podName, ip: config.podIp, node: config.nodeName, caller: callerOf(req), forwardedFor: forwardedFor(req) };
    const url = `${catalogUrl}/items`;
    const call = telemetry.clientSpan('GET /items', span, { 'http.request.method': 'GET', 'url.full': url });
    try {
      const reply = await getJson(url, telemetry.headers(call));
      call.setAttribute('http.response.status_code', reply.status);
      telemetry.end(call, reply.status >= 500 ? `catalog answered ${reply.status}` : undefined);
      const status = reply.status === 200 ? 200 : 502;
      span.setAttribute('http.response.status_code', status);
      sendJson(res, status, { ...who, catalog: { via: reply.via, reply: reply.body } });
      telemetry.end(span, status === 200 ? undefined : `catalog answered ${reply.status}`);
    } catch (err) {
      telemetry.end(call, err);
      span.setAttribute('http.response.status_code', 502);
      sendJson(res, 502, { ...who, error: err instanceof Error ? err.message : String(err) });
      telemetry.end(span, err);
    }
  }

  return startHttpApp(config, telemetry, '/', home);
}

runIfMain(import.meta.url, 'frontend', startFrontend);
