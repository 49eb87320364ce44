// Routes the proxy answers itself (envoy docs, config/route/v3/route_components.proto Route.redirect and
// Route.direct_response): the answer is compiled once per RDS update; per request only a redirect's `location`
// is built.
//
// The location follows Envoy's Http::Utility::newUri:
// - scheme: scheme_redirect, else `https` for https_redirect, else the request's;
// - host: host_redirect as written, else the request's authority, whose port is dropped when port_redirect is
//   set, or when the scheme changes and the port is the request scheme's default (`http` and `:80`, `https` and
//   `:443`; RedirectAction's "scheme_rewrite_specifier" rules). Envoy adds nothing else: a port_redirect equal
//   to the new scheme's default is still written out;
// - port: `:port_redirect` when set;
// - path: path_redirect (keeping the request's query string unless path_redirect has its own), else the
//   request's path; a leading `/` is added if missing; strip_query then drops the query string unless it came
//   from path_redirect.
// The request's scheme is the downstream connection's, which is what Envoy's x-forwarded-proto holds at the edge.
import type { ProxyRoute, RedirectAction } from '../xds/types.js';
import { portStart } from './domains.js';
import type { RouteRequest } from './request.js';

export class LocalAnswer {
  /** The response body, empty for redirects. */
  readonly body: Buffer;
  private readonly redirect: RedirectAction | undefined;
  /** Whether the answer carries a `location`: every redirect, and a direct response of 201 or 3xx (RFC 9110 §10.2.2). */
  private readonly located: boolean;
  private readonly pathHasQuery: boolean;
  private readonly port: string;

  constructor(readonly status: number, body: Buffer, redirect: RedirectAction | undefined) {
    this.body = body;
    this.redirect = redirect;
    this.located = redirect !== undefined || status === 201 || (status >= 300 && status < 400);
    this.pathHasQuery = redirect?.path?.includes('?') === true;
    this.port = redirect?.port === undefined ? '' : `:${redirect.port}`;
  }

  /** The `location` header for `request`, or undefined when the answer has none. */
  location(request: RouteRequest): string | undefined {
    if (!this.located) return undefined;
    const r = this.redirect;
    const scheme = r?.scheme ?? request.scheme;
    const host = r?.host ?? requestHost(request, scheme, this.port !== '');
    let path = request.path;
    if (r?.path !== undefined) {
      if (this.pathHasQuery) path = r.path;
      else {
        const q = request.path.indexOf('?');
        path = q < 0 ? r.path : r.path + request.path.slice(q);
      }
    }
    if (path.charCodeAt(0) !== 0x2f /* / */) path = `/${path}`;
    if (r?.stripQuery === true && !this.pathHasQuery) {
      const q = path.indexOf('?');
      if (q >= 0) path = path.slice(0, q);
    }
    return `${scheme}://${host}${this.port}${path}`;
  }
}

/** The request's authority, without its port when a port_redirect replaces it or a scheme change makes it moot. */
function requestHost(request: RouteRequest, newScheme: string, newPort: boolean): string {
  const authority = request.authority;
  const colon = portStart(authority);
  if (colon < 0) return authority;
  let drop = newPort;
  if (newScheme !== request.scheme) {
    const port = authority.slice(colon);
    drop ||= (request.scheme === 'https' && port === ':443') || (request.scheme === 'http' && port === ':80');
  }
  return drop ? authority.slice(0, colon) : authority;
}

/** The compiled answer of a redirect or direct_response route; undefined for a route that forwards. */
export function localAnswerOf(route: ProxyRoute): LocalAnswer | undefined {
  const a = route.action;
  if (a.kind === 'redirect') return new LocalAnswer(a.redirect.status, Buffer.alloc(0), a.redirect);
  if (a.kind === 'direct') return new LocalAnswer(a.status, Buffer.from(a.body, a.bodyEncoding), undefined);
  return undefined;
}
