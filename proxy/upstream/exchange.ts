// The contract between the router and an upstream connection pool: one request out, its response streamed back
// through callbacks. HTTP/1.1 (undici pools) and HTTP/2 (node:http2 sessions) implement it alike, so the router
// does not care which protocol the cluster speaks.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export type UpstreamFailure = 'connect-failure' | 'reset' | 'refused-stream';

export interface UpstreamRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly path: string;
  readonly authority: string;
  /** Headers to send, hop-by-hop ones already removed; no pseudo-headers. */
  readonly headers: Record<string, string | string[]>;
  /** The request body, or null when the request has none. */
  readonly body: Readable | null;
}

export interface UpstreamSink {
  onHeaders(status: number, headers: IncomingHttpHeaders): void;
  /** A response body chunk; return false to pause the upstream until `resume()`. */
  onData(chunk: Buffer): boolean;
  onEnd(trailers: IncomingHttpHeaders | undefined): void;
  onError(failure: UpstreamFailure, error: Error): void;
}

export interface UpstreamExchange {
  resume(): void;
  /** Abandons the exchange (timeout, downstream gone): no callback follows. */
  abort(): void;
}

export interface UpstreamPool {
  send(request: UpstreamRequest, sink: UpstreamSink): UpstreamExchange;
  /** Requests in flight or queued on this pool. */
  readonly busy: boolean;
  close(): Promise<void>;
}

/** Errors of connection establishment, as opposed to a connection lost mid-request (Envoy's UF vs UC/UR). */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_HTTP2_SESSION_ERROR_CONNECT',
]);

/** What an upstream error means for retries and response flags, by its code. */
export function classifyError(error: Error): UpstreamFailure {
  // A stream cancelled because its session failed carries the session's error as its cause.
  const cause = error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException).code ?? (error as NodeJS.ErrnoException).code ?? '';
  if (CONNECT_ERRORS.has(code)) return 'connect-failure';
  if (code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(error.message)) return 'refused-stream';
  return 'reset';
}
