// What the router reads of one request, and how a header name is looked up in it. Envoy matches HTTP/1 and
// HTTP/2 alike on the HTTP/2 pseudo-headers (`:authority`, `:path`, `:method`, `:scheme`); HTTP/1 has no such
// headers, so the caller hands them over as fields and the lookup maps the pseudo names onto them. An object,
// not a lookup callback: one small object per request (or one reused per HTTP/1 connection) and no closure.

/** Lower-case name → value(s): Node's `IncomingHttpHeaders` from node:http and node:http2 both fit. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RouteRequest {
  /** `:authority` (HTTP/2) or the `Host` header (HTTP/1), as sent: with `:port` when it has one. */
  readonly authority: string;
  /** `:path` (HTTP/2) or the request target (HTTP/1): path, query string and all. */
  readonly path: string;
  /** `:method`, e.g. `GET`. */
  readonly method: string;
  /** `:scheme`: `http` or `https`. */
  readonly scheme: string;
  /** Every other header; pseudo-headers in it (node:http2 puts them there) are shadowed by the fields above. */
  readonly headers: RequestHeaders;
}

const COLON = 0x3a;

/**
 * The value of header `name` (lower case), or undefined when absent. Several values are joined with ",", as
 * Envoy's HeaderUtility::getAllOfHeaderAsString does before a header matcher looks at them.
 */
export function headerValue(request: RouteRequest, name: string): string | undefined {
  if (name.charCodeAt(0) === COLON) {
    switch (name) {
      case ':authority':
        return request.authority;
      case ':path':
        return request.path;
      case ':method':
        return request.method;
      case ':scheme':
        return request.scheme;
    }
  }
  const value = request.headers[name];
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 0 ? undefined : value.join(',');
}

/**
 * Where the path proper ends: at the query string or fragment (Envoy's PathUtil::removeQueryAndFragment; route
 * matchers never see either). An index rather than a slice so the common matchers allocate nothing.
 */
export function pathEnd(path: string): number {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x3f /* ? */ || c === 0x23 /* # */) return i;
  }
  return path.length;
}
