// The request's hash key for RING_HASH and MAGLEV, from the route's hash_policy (envoy docs,
// config/route/v3/route_components.proto RouteAction.HashPolicy). As ProxyRoute.hashPolicy documents, the first
// policy that yields a value wins; undefined means none did, and the balancer picks as if at random.
import type { HashPolicy } from '../xds/types.js';
import { headerValue, type RouteRequest } from './request.js';

export function hashKey(policies: readonly HashPolicy[], request: RouteRequest, sourceIp: string | undefined): string | undefined {
  for (const p of policies) {
    const key = p.kind === 'header' ? headerKey(request, p.name) : p.kind === 'cookie' ? cookieKey(request, p.name) : sourceIp || undefined;
    if (key !== undefined) return key;
  }
  return undefined;
}

/**
 * A header's value; several values are sorted, then joined with ",", because Envoy's HeaderHashMethod sorts
 * them so that their order does not change the hash.
 */
function headerKey(request: RouteRequest, name: string): string | undefined {
  const raw = request.headers[name];
  return typeof raw === 'object' && raw.length > 1 ? [...raw].sort().join(',') : headerValue(request, name);
}

/** A cookie's value; an absent or empty cookie yields nothing (Envoy's CookieHashMethod without a ttl). */
function cookieKey(request: RouteRequest, name: string): string | undefined {
  const raw = request.headers['cookie'];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return cookieValue(raw, name) || undefined;
  for (const header of raw) {
    const v = cookieValue(header, name);
    if (v !== undefined) return v || undefined;
  }
  return undefined;
}

/**
 * The value of the first cookie called `name` in one `Cookie` header (`a=1; b=2`), or undefined. As Envoy's
 * Utility::parseCookieValue: pairs split at ";", leading spaces skipped, a pair without "=" skipped, the name
 * compared exactly, and a value in double quotes unquoted (RFC 6265 §4.1.1).
 */
export function cookieValue(header: string, name: string): string | undefined {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    while (start < end && header.charCodeAt(start) === 0x20) start++;
    const eq = header.indexOf('=', start);
    if (eq >= 0 && eq < end && eq - start === name.length && header.startsWith(name, start)) {
      const quoted = end - eq - 1 >= 2 && header.charCodeAt(eq + 1) === 0x22 && header.charCodeAt(end - 1) === 0x22;
      return quoted ? header.slice(eq + 2, end - 1) : header.slice(eq + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}
