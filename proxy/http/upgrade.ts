// HTTP/1.1 Upgrade (WebSocket and friends) pass-through: the request is routed like any other, then the proxy
// opens a plain TCP connection to the chosen host, writes the request head as received (minus nothing: the
// Upgrade and Connection headers are the point), and copies bytes both ways. Whether the upgrade is accepted
// is the upstream's answer, which reaches the client unchanged.
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Downstream } from '../listeners/downstream.js';
import { pickTarget } from '../upstream/target.js';
import type { HttpDeps } from './deps.js';

function requestHead(req: IncomingMessage): string {
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${head}\r\n`;
}

function refuse(socket: Socket, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
}

export function proxyUpgrade(deps: HttpDeps, req: IncomingMessage, socket: Socket, head: Buffer, ds: Downstream): void {
  const request = { authority: req.headers.host ?? '', path: req.url ?? '/', method: req.method ?? 'GET', scheme: 'http', headers: req.headers };
  const match = deps.routeTable(ds)?.match(request);
  if (match === undefined) return refuse(socket, '404 Not Found');
  const cluster = deps.clusters.get(match.cluster(deps.random()));
  const target = cluster && pickTarget(cluster, {}, { address: ds.destinationAddress, port: ds.destinationPort });
  if (cluster === undefined || target === undefined) return refuse(socket, '503 Service Unavailable');
  const upstream = connect({ host: target.address, port: target.port, ...(target.localAddress !== undefined && { localAddress: target.localAddress }) });
  upstream.setTimeout(cluster.config.connectTimeoutMs, () => upstream.destroy());
  upstream.once('connect', () => {
    upstream.setTimeout(0);
    upstream.write(requestHead(req));
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => (upstream.readyState === 'opening' ? refuse(socket, '503 Service Unavailable') : socket.destroy()));
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
}
