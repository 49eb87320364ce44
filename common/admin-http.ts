// The small HTTP server every meshlet admin port uses (control plane 15014, proxy 15000 and 15021): JSON and
// text answers, and a listen/close pair that resolves with the bound port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, replacer, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Bytes (encoded Any values) are shown as base64, as Envoy's config_dump does for opaque fields; Maps as objects. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value as Map<unknown, unknown>);
  if (value instanceof RegExp) return value.source;
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    const data = (value as { data?: unknown }).data;
    if (Array.isArray(data)) return Buffer.from(data as number[]).toString('base64');
  }
  return value;
}

export function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenAdmin(handler: http.RequestListener, host: string, port: number): Promise<AdminServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
