// Answers the proxy gives itself when it cannot forward (Envoy's local replies), with Envoy's wording so that
// people who know Envoy recognise them, and the response flags in `x-meshlet-response-flags` so the reason is
// visible without the access log. gRPC callers get a trailers-only style answer with the grpc-status that
// gRPC's HTTP-to-gRPC mapping gives the HTTP status (doc/http-grpc-status-mapping.md), since a gRPC client
// ignores bodies of non-200 responses.
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { formatResponseFlags, type ResponseFlags } from '../telemetry/response-flags.js';

export type DownstreamResponse = ServerResponse | Http2ServerResponse;

export const REPLY = {
  noRoute: { status: 404, body: 'no route' },
  noCluster: { status: 503, body: 'no cluster' },
  noHealthyUpstream: { status: 503, body: 'no healthy upstream' },
  overflow: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow' },
  connectFailure: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure' },
  reset: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination' },
  refusedStream: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: remote refused stream reset' },
  timeout: { status: 504, body: 'upstream request timeout' },
  badRequest: { status: 400, body: 'bad request' },
  unknownHost: { status: 502, body: 'explicit proxy: cannot resolve the target host' },
} as const;

export type LocalReply = (typeof REPLY)[keyof typeof REPLY];

/** grpc-status for an HTTP status, as gRPC maps them. */
function grpcStatusFor(status: number): number {
  switch (status) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}

export function isGrpc(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.startsWith('application/grpc');
}

export function sendLocalReply(res: DownstreamResponse, reply: LocalReply, flags: ResponseFlags, grpc: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const flagText = formatResponseFlags(flags);
  if (grpc) {
    res.writeHead(200, { 'content-type': 'application/grpc', 'x-meshlet-response-flags': flagText });
    res.addTrailers({ 'grpc-status': String(grpcStatusFor(reply.status)), 'grpc-message': encodeURIComponent(reply.body) });
    res.end();
    return;
  }
  res.writeHead(reply.status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(reply.body),
    'x-meshlet-response-flags': flagText,
  });
  res.end(reply.body);
}

/**
 * The answer of a redirect or direct_response route (Envoy sends both as local replies): the configured status,
 * `location` when there is one, and the body — with `content-type: text/plain` when there is a body, and none
 * when there is not (Envoy's local reply). No response flag applies, so no `x-meshlet-response-flags`. A gRPC
 * caller gets the trailers-only form like every local reply, its grpc-status mapped from the status.
 */
export function sendDirectResponse(res: DownstreamResponse, status: number, body: Buffer, location: string | undefined, grpc: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (grpc) {
    res.writeHead(200, location === undefined ? { 'content-type': 'application/grpc' } : { 'content-type': 'application/grpc', location });
    res.addTrailers({ 'grpc-status': String(grpcStatusFor(status)), 'grpc-message': encodeURIComponent(body.toString()) });
    res.end();
    return;
  }
  const headers: Record<string, string | number> = { 'content-length': body.length };
  if (body.length > 0) headers['content-type'] = 'text/plain';
  if (location !== undefined) headers['location'] = location;
  res.writeHead(status, headers);
  res.end(body);
}
