// Helpers for the router tables: route configurations written as short specs, and requests with defaults.
import type { HeaderMatch, HeaderValueMatch, PathMatch, ProxyRoute, ProxyVirtualHost, RetryPolicy } from '../../../../proxy/xds/types.js';
import type { RequestHeaders, RouteRequest } from '../../../../proxy/router/request.js';

export function route(name: string, path: PathMatch, more: Partial<ProxyRoute> = {}): ProxyRoute {
  return { name, path, headers: [], action: { kind: 'cluster', cluster: name }, timeoutMs: 15_000, hashPolicy: [], ...more };
}

export function prefix(value: string, caseSensitive = true): PathMatch {
  return { kind: 'prefix', value, caseSensitive };
}

/** A virtual host whose only route (prefix `/`) forwards to a cluster named like the host. */
export function vhost(name: string, domains: readonly string[], routes?: readonly ProxyRoute[], retryPolicy?: RetryPolicy): ProxyVirtualHost {
  return { name, domains, routes: routes ?? [route(name, prefix('/'))], ...(retryPolicy && { retryPolicy }) };
}

export function header(name: string, match: HeaderValueMatch, invert = false): HeaderMatch {
  return { name, match, invert };
}

export function retry(numRetries: number): RetryPolicy {
  return { retryOn: ['5xx'], numRetries, retriableStatusCodes: [] };
}

export function request(path = '/', headers: RequestHeaders = {}, authority = 'svc', method = 'GET'): RouteRequest {
  return { authority, path, method, scheme: 'http', headers };
}
