// The little HTTP the demo apps need: listen, answer JSON, GET JSON with extra headers (and say which address the
// client's socket was connected to), tell who called.
import http from 'node:http';
import { jsonOrText } from '../../common/json.js';
import type { AddressInfo } from 'node:net';
import type { CommonConfig, RunningApp } from './config.js';
import { firstForwardedFor, hostPort } from './peer.js';
import type { AppTelemetry } from './telemetry.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Who called: the first entry of `x-forwarded-for` (added by the sidecar), else the socket's remote address. */
export function callerOf(req: http.IncomingMessage): string {
  return firstForwardedFor(req.headers['x-forwarded-for']) ?? req.socket.remoteAddress ?? '';
}

/** Every `x-forwarded-for` entry in order, trimmed ([] without the header). */
export function forwardedFor(req: http.IncomingMessage): string[] {
  const value = req.headers['x-forwarded-for'];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((e) => e.trim()).filter((e) => e !== '');
}

export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  /** `ip:port` (IPv6 bracketed) the client's socket was connected to: the original destination under REDIRECT. */
  readonly via: string;
}

/** GET `url` and parse the answer as JSON (a non-JSON body comes back as its text). */
export function getJson(url: string, headers: Record<string, string>, timeoutMs = 3000): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'application/json', ...headers }, timeout: timeoutMs }, (res) => {
      const via = hostPort(res.socket.remoteAddress, res.socket.remotePort);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = jsonOrText(text);
        resolve({ status: res.statusCode ?? 0, body, via });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * Serves `GET <path>` with `handler` and `GET /healthz` (for readiness probes) on the configured address; closing
 * stops the server, runs `onClose` (the app's clients), then exports the spans still buffered.
 */
export async function startHttpApp(
  config: CommonConfig,
  telemetry: AppTelemetry,
  path: string,
  handler: Handler,
  onClose: () => void = () => undefined,
): Promise<RunningApp> {
  const server = http.createServer((req, res) => {
    const target = req.url?.split('?')[0];
    if (req.method === 'GET' && target === '/healthz') return sendJson(res, 200, { ok: true });
    if (req.method === 'GET' && target === path) return void handler(req, res);
    sendJson(res, 404, { error: 'not found' });
  });
  const port = await listen(server, config.host, config.port);
  return {
    port,
    flush: () => telemetry.flush(),
    close: async () => {
      await closeServer(server);
      onClose();
      await telemetry.shutdown();
    },
  };
}
