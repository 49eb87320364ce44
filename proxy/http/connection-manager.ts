// Envoy's HTTP connection manager: turns connections the listener classified as HTTP into requests. One
// node:http server and one node:http2 server (neither listening: connections are handed to them) serve every
// connection; each request finds its connection's Downstream on the socket and runs an Exchange.
// Absolute-form requests and CONNECT on a connection that was not redirected are the explicit proxy mode.
// On a chain at the edge (its HCM has use_remote_address, as the gateway's do) requests enter the mesh: each is
// treated as inbound (the client's address is appended to x-forwarded-for, the trace starts here with a server
// span) and gets x-forwarded-proto and an x-request-id; limits (connection-guard.ts) keep slow or oversized
// requests from holding the proxy.
import { createServer as createHttp1Server, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log.js';
import type { ConnectionAcceptor } from '../listeners/accept.js';
import type { ChainMatcher } from '../listeners/chain-match.js';
import { attachDownstream, downstreamOf, type Downstream } from '../listeners/downstream.js';
import type { NameTable } from '../xds/types.js';
import { ConnectionGuard, guardHttp2Session, LogBudget, peerOf, rawReply, SIDECAR_HTTP_LIMITS, type HttpLimits } from './connection-guard.js';
import type { HttpDeps } from './deps.js';
import { parseAbsoluteForm, parseConnectTarget, resolveTarget } from './explicit-proxy.js';
import { Exchange, type DownstreamRequest } from './forward.js';
import { REPLY, sendLocalReply, type DownstreamResponse } from './local-reply.js';
import { setEdgeRequestHeaders } from './headers.js';
import { proxyUpgrade } from './upgrade.js';

export interface ConnectionManagerOptions {
  readonly deps: HttpDeps;
  readonly logger: Logger;
  /** For the explicit proxy: names → addresses, and CONNECT tunnels handed back to the listener. */
  readonly nameTables: () => Iterable<NameTable>;
  readonly namespace: string;
  readonly acceptor: () => ConnectionAcceptor;
  readonly outboundListener: () => ChainMatcher | undefined;
  /** Size limits and deadlines; default: the sidecar's (SIDECAR_HTTP_LIMITS). */
  readonly limits?: HttpLimits;
}

const HEADER_OVERFLOW = rawReply(431, 'Request Header Fields Too Large');
const BAD_REQUEST = rawReply(400, 'Bad Request');
const REQUEST_TIMEOUT = rawReply(408, 'Request Timeout');
const TOO_MANY_HEADERS = 'request header fields too large';

/** Whether the connection's chain is at the edge (HttpConnectionManager.use_remote_address). */
function isEdge(downstream: Downstream): boolean {
  const target = downstream.chain.target;
  return target.kind === 'http' && target.useRemoteAddress === true;
}

export class HttpConnectionManager {
  private readonly http1: Server;
  private readonly http2: Http2Server;
  private readonly limits: HttpLimits;
  private readonly guarded: boolean;
  /** Malformed or timed-out requests log at most 10 lines a second, whatever a flood sends. */
  private readonly logBudget = new LogBudget(10);

  constructor(private readonly options: ConnectionManagerOptions) {
    const limits = (this.limits = options.limits ?? SIDECAR_HTTP_LIMITS);
    this.guarded = ConnectionGuard.needed(limits);
    const maxHeaderSize = limits.maxRequestHeadersBytes;
    // headersTimeout and requestTimeout of node:http only act on a listening server: connection-guard.ts does it.
    this.http1 = createHttp1Server({
      keepAliveTimeout: limits.idleTimeoutMs,
      requestTimeout: 0,
      headersTimeout: 60_000,
      ...(maxHeaderSize !== undefined && { maxHeaderSize }),
    });
    // node keeps parsing past maxHeadersCount and drops the rest; one more than the limit lets onRequest see excess.
    if (limits.maxHeaders !== undefined) this.http1.maxHeadersCount = limits.maxHeaders + 1;
    this.http1.on('request', this.onRequest);
    this.http1.on('upgrade', this.onUpgrade);
    this.http1.on('connect', this.onConnect);
    this.http1.on('clientError', this.onClientError);
    this.http2 = createHttp2Server({
      maxSessionMemory: 64,
      // HTTP/2 counts the four request pseudo-headers as entries; nghttp2 resets a stream over either limit.
      ...(limits.maxHeaders !== undefined && { maxHeaderListPairs: limits.maxHeaders + 4 }),
      ...(maxHeaderSize !== undefined && { settings: { maxHeaderListSize: maxHeaderSize } }),
    });
    this.http2.on('request', this.onRequest);
    this.http2.on('sessionError', ignore);
    if (this.guarded) this.http2.on('session', (session) => guardHttp2Session(session, limits, options.logger, this.logBudget));
  }

  /** A paused socket whose first bytes are known to be HTTP/1 (`http/1.x`) or the h2 preface (`h2c`). */
  handle(socket: Socket, downstream: Downstream, protocol: 'h2c' | 'http/1.1' | 'http/1.0'): void {
    // At the edge every request enters the mesh, whatever direction the listener says.
    attachDownstream(socket, isEdge(downstream) && downstream.direction !== 'inbound' ? { ...downstream, direction: 'inbound' } : downstream);
    if (protocol === 'h2c') {
      // The session reads what was put back into the socket itself (on the next tick); resuming now would lose it.
      this.http2.emit('connection', socket);
      return;
    }
    if (this.guarded) ConnectionGuard.attach(socket, this.limits, this.options.logger, this.logBudget);
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
    if (req.httpVersionMajor === 1) {
      ConnectionGuard.onRequest(req as IncomingMessage, res as ServerResponse);
      const max = this.limits.maxHeaders;
      if (max !== undefined && req.rawHeaders.length > 2 * max) return this.tooManyHeaders(req as IncomingMessage, res as ServerResponse, max);
    }
    if (isEdge(downstream)) setEdgeRequestHeaders(req.headers, downstream.tls);
    const url = req.url ?? '/';
    if (downstream.explicitProxy && !url.startsWith('/')) return this.explicitRequest(req, res, downstream, url);
    const authority = ('authority' in req ? req.authority : req.headers.host) ?? '';
    new Exchange(this.options.deps, req, res, downstream, url, authority).start();
  };

  /** 431 as Envoy answers a request over max_request_headers_count, and the connection closed. */
  private tooManyHeaders(req: IncomingMessage, res: ServerResponse, max: number): void {
    this.logLine(req.socket, 'HEADER_COUNT_OVERFLOW', 431, `more than ${max} request header fields`);
    res.shouldKeepAlive = false;
    res.writeHead(431, { 'content-type': 'text/plain', 'content-length': TOO_MANY_HEADERS.length, connection: 'close' });
    res.end(TOO_MANY_HEADERS);
  }

  /** One warn line naming the peer and the reason, at most 10 a second. */
  private logLine(socket: Socket, code: string | undefined, status: number, message: string): void {
    const suppressed = this.logBudget.take();
    if (suppressed === undefined) return;
    this.options.logger.warn({ peer: peerOf(socket), code, status, ...(suppressed > 0 && { suppressed }) }, message);
  }

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

  /**
   * A request node:http cannot parse (bad request line, bad header, header section over the size limit): 400, or
   * 431 for a header overflow as Envoy answers, and the connection closed; the other connections go on.
   */
  private readonly onClientError = (err: NodeJS.ErrnoException, duplex: Duplex): void => {
    const socket = duplex as Socket;
    const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent === true) {
      socket.destroy();
      return;
    }
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = overflow ? 431 : timeout ? 408 : 400;
    this.logLine(socket, err.code, status, `malformed HTTP request: ${err.message}`);
    socket.end(overflow ? HEADER_OVERFLOW : timeout ? REQUEST_TIMEOUT : BAD_REQUEST, () => socket.destroy());
  };
}

function ignore(): void {}

export type { ServerResponse, Http2ServerRequest, Http2ServerResponse };
