// Header rules of a proxy (RFC 9110 §7.6.1): hop-by-hop fields — Connection, the fields it names, Keep-Alive,
// Proxy-Connection, TE, Transfer-Encoding, Upgrade — belong to one connection and are not forwarded. `TE:
// trailers` is the exception HTTP/2 allows (RFC 9113 §8.2.2), and gRPC requires it. HTTP/2 pseudo-headers are
// rebuilt by whoever sends the next hop, never copied as fields.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'http2-settings', 'host']);

/** Field names the Connection header lists (lower case); usually none, so no set is made. */
function connectionTokens(headers: IncomingHttpHeaders): readonly string[] | undefined {
  const value = headers.connection;
  if (value === undefined) return undefined;
  const tokens = value.toLowerCase().split(',').map((t) => t.trim());
  return tokens.length === 1 && (tokens[0] === 'keep-alive' || tokens[0] === 'close') ? undefined : tokens;
}

function forwardable(name: string, tokens: readonly string[] | undefined): boolean {
  return name.charCodeAt(0) !== 0x3a /* : */ && !HOP_BY_HOP.has(name) && (tokens === undefined || !tokens.includes(name));
}

export interface ForwardedRequestHeaders {
  readonly headers: Record<string, string | string[]>;
  readonly requestId: string;
}

/**
 * The headers sent upstream: the downstream's minus hop-by-hop ones, with `x-request-id` set when absent (as
 * Envoy does for tracing and log correlation) and, for inbound requests, the caller's address appended to
 * `x-forwarded-for` so the app can see which pod called it behind the sidecar.
 */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, appendForwardedFor: string | undefined): ForwardedRequestHeaders {
  const tokens = connectionTokens(headers);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && forwardable(name, tokens)) out[name] = value;
  }
  const te = headers.te;
  if (typeof te === 'string' && te.toLowerCase().includes('trailers')) out['te'] = 'trailers';
  let requestId = headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId === '') {
    requestId = randomUUID();
    out['x-request-id'] = requestId;
  }
  if (appendForwardedFor !== undefined) {
    const xff = headers['x-forwarded-for'];
    out['x-forwarded-for'] = xff === undefined || xff === '' ? appendForwardedFor : `${xff}, ${appendForwardedFor}`;
  }
  return { headers: out, requestId };
}

/**
 * The edge (Envoy's HCM with `use_remote_address: true`, the gateway role), applied to the downstream request in
 * place before it is routed: `x-forwarded-proto` says how the client reached the proxy (`https` over TLS, else
 * `http`, whatever the client claimed), and `x-request-id` is generated when absent so that the access log and
 * the upstream see the same one. The client's address is appended to `x-forwarded-for` by the forwarding itself
 * (upstreamRequestHeaders, for requests that enter the mesh), which the gateway's requests do.
 */
export function setEdgeRequestHeaders(headers: IncomingHttpHeaders, tls: boolean): void {
  headers['x-forwarded-proto'] = tls ? 'https' : 'http';
  const requestId = headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId === '') headers['x-request-id'] = randomUUID();
}

/** The response headers sent downstream: the upstream's minus hop-by-hop ones. */
export function downstreamResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const tokens = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && forwardable(name, tokens)) out[name] = value;
  }
  return out;
}
