// Envoy's HTTP connection manager: turns connections the listener classified as HTTP into requests. One
// node:http server and one node:http2 server (neither listening: connections are handed to them) serve every
// connection; each request finds its connection's Downstream on the socket and runs an Exchange.
// Absolute-form requests and CONNECT on a connection that was not redirected are the explicit proxy mode.
import { createServer as createHttp1Server, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log.js';
import type { ConnectionAcceptor } from '../listeners/accept.js';
import type { ChainMatcher } from '../listeners/chain-match.js';
import { attachDownstream, downstreamOf, type Downstream } from '../listeners/downstream.js';
import type { NameTable } from '../xds/types.js';
import type { HttpDeps } from './deps.js';
import { parseAbsoluteForm, parseConnectTarget, resolveTarget } from './explicit-proxy.js';
import { Exchange, type DownstreamRequest } from './forward.js';
import { REPLY, sendLocalReply, type DownstreamResponse } from './local-reply.js';
import { proxyUpgrade } from './upgrade.js';

export interface ConnectionManagerOptions {
  readonly deps: HttpDeps;
  readonly logger: Logger;
  /** For the explicit proxy: names → addresses, and CONNECT tunnels handed back to the listener. */
  readonly nameTables: () => Iterable<NameTable>;
  readonly namespace: string;
  readonly acceptor: () => ConnectionAcceptor;
  readonly outboundListener: () => ChainMatcher | undefined;
}

export class HttpConnectionManager {
  private readonly http1: Server;
  private readonly http2: Http2Server;

  constructor(private readonly options: ConnectionManagerOptions) {
    this.http1 = createHttp1Server({ keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 60_000 });
    this.http1.on('request', this.onRequest);
    this.http1.on('upgrade', this.onUpgrade);
    this.http1.on('connect', this.onConnect);
    this.http1.on('clientError', this.onClientError);
    this.http2 = createHttp2Server({ maxSessionMemory: 64 });
    this.http2.on('request', this.onRequest);
    this.http2.on('sessionError', ignore);
  }

  /** A paused socket whose first bytes are known to be HTTP/1 (`http/1.x`) or the h2 preface (`h2c`). */
  handle(socket: Socket, downstream: Downstream, protocol: 'h2c' | 'http/1.1' | 'http/1.0'): void {
    attachDownstream(socket, downstream);
    if (protocol === 'h2c') {
      // The session reads what was put back into the socket itself (on the next tick); resuming now would lose it.
      this.http2.emit('connection', socket);
      return;
    }
    this.http1.emit('connection', socket);
    socket.resume();
  }

  /** Stops keep-alive connections from taking new requests (drain). */
  closeIdle(): void {
    this.http1.closeIdleConnections();
  }

  private readonly onRequest = (req: DownstreamRequest, res: DownstreamResponse): void => {
    const downstream = downstreamOf(req.socket as Socket);
    if (downstream === undefined) {
      sendLocalReply(res, REPLY.badRequest, 0, false);
      return;
    }
    const url = req.url ?? '/';
    if (downstream.explicitProxy && !url.startsWith('/')) return this.explicitRequest(req, res, downstream, url);
    const authority = ('authority' in req ? req.authority : req.headers.host) ?? '';
    new Exchange(this.options.deps, req, res, downstream, url, authority).start();
  };

  private explicitRequest(req: DownstreamRequest, res: DownstreamResponse, base: Downstream, url: string): void {
    const parsed = parseAbsoluteForm(url);
    if (parsed === undefined) return sendLocalReply(res, REPLY.badRequest, 0, false);
    const { target, path, authority } = parsed;
    resolveTarget(target.host, this.options.nameTables(), this.options.namespace, (address) => {
      if (address === undefined) return sendLocalReply(res, REPLY.unknownHost, 0, false);
      const downstream = this.options.acceptor().explicitDownstream(base, { address, port: target.port });
      new Exchange(this.options.deps, req, res, downstream, path, authority).start();
    });
  }

  private readonly onConnect = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const bound = this.options.outboundListener();
    const target = parseConnectTarget(req.url);
    const downstream = downstreamOf(req.socket);
    if (target === undefined || bound === undefined || downstream?.explicitProxy !== true) {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    resolveTarget(target.host, this.options.nameTables(), this.options.namespace, (address) => {
      if (address === undefined) {
        socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const raw = socket as Socket;
      if (head.length > 0) raw.unshift(head);
      raw.pause();
      // The tunnel is now a connection to `address:port`, routed as a captured one would be.
      this.options.acceptor().acceptAt(bound, raw, { address, port: target.port }, true);
    });
  };

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const downstream = downstreamOf(req.socket);
    if (downstream === undefined) {
      socket.destroy();
      return;
    }
    proxyUpgrade(this.options.deps, req, socket as Socket, head, downstream);
  };

  private readonly onClientError = (err: NodeJS.ErrnoException, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    this.options.logger.debug({ err: err.message, code: err.code }, 'malformed HTTP request');
    socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nconnection: close\r\n\r\nbad request');
  };
}

function ignore(): void {}

export type { ServerResponse, Http2ServerRequest, Http2ServerResponse };
