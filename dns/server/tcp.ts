// The TCP side (RFC 7766): length-framed queries, pipelined ones answered as they are ready (forwarded ones
// may overtake, §6.2.1.1), a connection closed after `idleMs` without traffic, at most `maxConnections` at
// once (more are closed at accept), reading paused while the client does not read its answers.
import net from 'node:net';
import type { Logger } from '../../common/log.js';
import type { DnsHandler, ReplySink } from './handler.js';
import { frame, TcpFramer } from './tcp-framer.js';

export interface TcpOptions {
  /** Default 10 s (RFC 7766 §6.2.3 suggests seconds, not minutes). */
  readonly idleMs?: number;
  /** Default 256. */
  readonly maxConnections?: number;
}

export interface TcpListener {
  readonly address: { readonly host: string; readonly port: number };
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function listenTcp(handler: DnsHandler, host: string, port: number, log: Logger, options: TcpOptions = {}): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => serveConnection(handler, socket, sockets, options.idleMs ?? 10_000, log));
  server.maxConnections = options.maxConnections ?? 256;
  server.on('error', (err) => log.warn({ err }, 'DNS TCP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(handler: DnsHandler, socket: net.Socket, sockets: Set<net.Socket>, idleMs: number, log: Logger): void {
  sockets.add(socket);
  const address = socket.remoteAddress ?? '';
  const port = socket.remotePort ?? 0;
  const sink: ReplySink = {
    tcp: true,
    reply(response) {
      if (socket.destroyed || !socket.writable) return;
      if (!socket.write(frame(response))) socket.pause();
    },
  };
  const framer = new TcpFramer((message) => {
    let response: Buffer | undefined;
    try {
      response = handler.handle(message, sink, address, port);
    } catch (err) {
      log.error({ err }, 'DNS query handling failed');
      return;
    }
    if (response !== undefined) sink.reply(response, address, port);
  });
  socket.setTimeout(idleMs, () => socket.destroy());
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('drain', () => socket.resume());
  socket.on('error', () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
}
