// Deadlines of HTTP/1 connections at the edge (Envoy's request_headers_timeout and request_timeout), kept here
// because node:http runs its own headersTimeout / requestTimeout checks only for a server that listen()s, and the
// connection manager's server never does (connections are handed to it with emit('connection')); checked on
// Node 20: a client trickling one header byte per 200 ms is never cut off by headersTimeout there.
//
// One guard per connection, one timer at a time, no closure per request:
//   headers  from the connection (or the first byte after a keep-alive response) until the request event: the
//            whole header section must arrive in requestHeadersTimeoutMs (slowloris);
//   body     from the same start until the request's body has ended: requestTimeoutMs in all;
//   waiting  a keep-alive connection between requests: while no byte arrives it is idle (node's keepAliveTimeout
//            closes it); once bytes came, the header deadline applies, measured from the check that saw none,
//            so a slow header section on a reused connection gets at most twice the deadline.
// On expiry the client gets `408 Request Timeout` when nothing of a response was sent, then the connection is
// destroyed; one (rate-limited) log line names the peer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Logger } from '../../common/log.js';
import { downstreamOf, hostPort } from '../listeners/downstream.js';

/** Limits of the HTTP connection manager; the sidecar keeps node's defaults and no deadlines. */
export interface HttpLimits {
  /** The header section's size limit in bytes (node's maxHeaderSize); undefined: node's default (16 KiB). */
  readonly maxRequestHeadersBytes?: number;
  /** More header fields than this get 431; undefined: no limit of our own. */
  readonly maxHeaders?: number;
  /** The whole header section must arrive within this; 0: no deadline. */
  readonly requestHeadersTimeoutMs: number;
  /** The whole request, body included, must arrive within this; 0: no deadline. */
  readonly requestTimeoutMs: number;
  /** A keep-alive HTTP/1 connection without a request is closed after this (node's keepAliveTimeout). */
  readonly idleTimeoutMs: number;
}

/** What the sidecar has always run with. */
export const SIDECAR_HTTP_LIMITS: HttpLimits = { requestHeadersTimeoutMs: 0, requestTimeoutMs: 0, idleTimeoutMs: 60_000 };

/** Envoy's defaults at the edge (60 KiB, 100 headers), with a header deadline against slowloris. */
export const GATEWAY_HTTP_LIMITS: HttpLimits = {
  maxRequestHeadersBytes: 60 * 1024,
  maxHeaders: 100,
  requestHeadersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
};

/** At most `perSecond` lines a second; the next line allowed says how many were left out. */
export class LogBudget {
  private windowStart = 0;
  private used = 0;
  private dropped = 0;

  constructor(private readonly perSecond = 10) {}

  /** undefined: stay silent; else the number of lines suppressed since the last one written. */
  take(now = Date.now()): number | undefined {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) {
      this.dropped++;
      return undefined;
    }
    this.used++;
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}

/** The peer of a downstream connection, `ip:port`. */
export function peerOf(socket: Socket): string {
  const ds = downstreamOf(socket);
  if (ds !== undefined) return hostPort(ds.remoteAddress, ds.remotePort);
  return hostPort(socket.remoteAddress ?? '', socket.remotePort ?? 0);
}

/** A complete HTTP/1.1 answer that closes the connection, written raw when node's response cannot be used. */
export function rawReply(status: number, reason: string): string {
  const body = reason.toLowerCase();
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
}

const REQUEST_TIMEOUT = rawReply(408, 'Request Timeout');

const enum Phase {
  None,
  Headers,
  Body,
  Waiting,
}

const GUARD = Symbol('meshlet.connection-guard');

type Guarded = Socket & { [GUARD]?: ConnectionGuard };

export class ConnectionGuard {
  phase = Phase.None;
  start = 0;
  bytesAtStart = 0;
  inFlight = 0;
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: Socket,
    readonly limits: HttpLimits,
    readonly logger: Logger,
    readonly budget: LogBudget,
  ) {}

  /** Whether `limits` ask for any deadline at all (else no guard is made). */
  static needed(limits: HttpLimits): boolean {
    return limits.requestHeadersTimeoutMs > 0 || limits.requestTimeoutMs > 0;
  }

  /** Guards a new connection: the header deadline starts now. */
  static attach(socket: Socket, limits: HttpLimits, logger: Logger, budget: LogBudget): void {
    const guard = new ConnectionGuard(socket, limits, logger, budget);
    (socket as Guarded)[GUARD] = guard;
    socket.once('close', onSocketClose);
    guard.arm(Phase.Headers, Date.now());
  }

  /** The request event: the headers are in; the body deadline (if any) runs on from the same start. */
  static onRequest(req: IncomingMessage, res: ServerResponse): void {
    const guard = (req.socket as Guarded)[GUARD];
    if (guard === undefined) return;
    guard.inFlight++;
    guard.clear();
    res.once('close', onResponseClose);
    if (guard.limits.requestTimeoutMs > 0 && !req.complete) {
      guard.arm(Phase.Body, guard.start);
      req.once('end', onRequestEnd);
    }
  }

  private arm(phase: Phase, start: number): void {
    this.clear();
    this.phase = phase;
    this.start = start;
    const limit = phase === Phase.Body ? this.limits.requestTimeoutMs : this.limits.requestHeadersTimeoutMs;
    if (limit <= 0) {
      this.phase = Phase.None;
      return;
    }
    if (phase === Phase.Waiting) this.bytesAtStart = this.socket.bytesRead;
    this.timer = setTimeout(onExpiry, Math.max(1, start + limit - Date.now()), this);
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.phase = Phase.None;
  }

  /** Between requests on a kept-alive connection. */
  idle(): void {
    if (this.inFlight === 0 && this.phase !== Phase.Body && !this.socket.destroyed) this.arm(Phase.Waiting, Date.now());
  }

  bodyEnded(): void {
    if (this.phase !== Phase.Body) return;
    this.clear();
    this.idle();
  }

  responseClosed(): void {
    this.inFlight--;
    this.idle();
  }

  expire(): void {
    if (this.socket.destroyed) return;
    const phase = this.phase;
    this.timer = undefined;
    if (phase === Phase.Waiting && this.socket.bytesRead === this.bytesAtStart) {
      this.arm(Phase.Waiting, Date.now());
      return;
    }
    this.phase = Phase.None;
    const which = phase === Phase.Body ? 'request' : 'request headers';
    const dropped = this.budget.take();
    if (dropped !== undefined) {
      const limit = phase === Phase.Body ? this.limits.requestTimeoutMs : this.limits.requestHeadersTimeoutMs;
      this.logger.warn({ peer: peerOf(this.socket), timeoutMs: limit, ...(dropped > 0 && { suppressed: dropped }) }, `${which} timeout: closing the connection`);
    }
    const response = (this.socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (this.socket.writable && (response === null || response === undefined || !response.headersSent)) {
      this.socket.end(REQUEST_TIMEOUT, () => this.socket.destroy());
      // A client that does not read its 408 does not hold the connection open.
      setTimeout(destroy, 1000, this.socket).unref();
    } else {
      this.socket.destroy();
    }
  }

  close(): void {
    this.clear();
  }
}

function onExpiry(guard: ConnectionGuard): void {
  guard.expire();
}

function destroy(socket: Socket): void {
  socket.destroy();
}

function onSocketClose(this: Socket): void {
  (this as Guarded)[GUARD]?.close();
}

function onRequestEnd(this: IncomingMessage): void {
  (this.socket as Guarded | null)?.[GUARD]?.bodyEnded();
}

function onResponseClose(this: ServerResponse): void {
  (this.req.socket as Guarded | null)?.[GUARD]?.responseClosed();
}

/**
 * The same deadlines for an HTTP/2 connection, per session (node:http2 has no header timeout either): its first
 * request's headers must be complete within requestHeadersTimeoutMs (an h2 slowloris sends the preface and then
 * trickles HEADERS/CONTINUATION frames, which never make a stream), and a session with no open stream is closed
 * after idleTimeoutMs (GOAWAY, then destroy), as Envoy's HCM does with its idle_timeout.
 */
export function guardHttp2Session(session: ServerHttp2Session, limits: HttpLimits, logger: Logger, budget: LogBudget): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const expire = (firstRequest: boolean): void => {
    timer = undefined;
    if (session.destroyed || open > 0) return;
    if (firstRequest) {
      const dropped = budget.take();
      if (dropped !== undefined) {
        const peer = session.socket === undefined ? 'unknown' : peerOf(session.socket as Socket);
        logger.warn({ peer, timeoutMs: limits.requestHeadersTimeoutMs, ...(dropped > 0 && { suppressed: dropped }) }, 'request headers timeout: closing the HTTP/2 connection');
      }
    }
    session.goaway();
    session.destroy();
  };
  const arm = (ms: number, firstRequest: boolean): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = ms > 0 ? setTimeout(expire, ms, firstRequest) : undefined;
  };
  arm(limits.requestHeadersTimeoutMs, true);
  session.on('stream', (stream) => {
    open++;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    stream.once('close', () => {
      if (--open === 0 && !session.destroyed) arm(limits.idleTimeoutMs, false);
    });
  });
  session.once('close', () => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
