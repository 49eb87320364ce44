// RDS: envoy.config.route.v3.RouteConfiguration → ProxyRouteConfig. Virtual hosts with domains, routes matched
// by prefix / path / path_separated_prefix / safe_regex and header matchers, forwarding to one cluster or weighted clusters, with a
// timeout, a retry policy and hash policies (header, cookie, source IP) for the hashing balancers. Redirects, direct responses and other actions are errors: the sidecar cannot
// serve them, and the xDS protocol says to reject (NACK) what cannot be applied.
import type { Decoded, HashPolicy, HeaderMatch, HeaderValueMatch, PathMatch, ProxyRoute, ProxyRouteConfig, ProxyVirtualHost } from '../types.js';
import { at, decodeMessage, durationMs, index, isObj, Issues, list, num, obj, required, str, strings, wrapped, type Obj } from './read.js';
import { retryPolicy } from './retry.js';

export const ROUTE_MESSAGE = 'envoy.config.route.v3.RouteConfiguration';

/** Envoy's route timeout when `timeout` is unset (RouteAction.timeout). */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

/** Compiles a RE2 pattern with JavaScript's engine (the common subset); a pattern it rejects is an error. */
function regex(matcher: unknown, path: string, issues: Issues, flags = ''): RegExp | undefined {
  const pattern = str(obj(matcher)['regex']);
  if (pattern === '') {
    issues.add(at(path, 'regex'), 'required');
    return undefined;
  }
  try {
    return new RegExp(`^(?:${pattern})$`, flags);
  } catch (err) {
    issues.add(at(path, 'regex'), `invalid: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/**
 * RouteMatch fields that narrow a match and that the sidecar does not evaluate. Ignoring one would make the
 * route match more requests than configured, so each is an error (and the response is NACKed).
 */
const UNSUPPORTED_MATCH_FIELDS = ['query_parameters', 'runtime_fraction', 'grpc', 'tls_context', 'dynamic_metadata', 'filter_state', 'path_match_policy', 'connect_matcher'];

/**
 * RouteMatch.path_separated_prefix's validation rule (route_components.proto): "Expect the value to not contain
 * `?` or `#` and not to end in `/`" — so also at least two characters.
 */
const PATH_SEPARATED_PREFIX = /^[^?#]+[^?#/]$/;

function pathMatch(match: Obj, path: string, issues: Issues): PathMatch | undefined {
  for (const field of UNSUPPORTED_MATCH_FIELDS) {
    const v = match[field];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) issues.add(at(path, field), 'not supported by the sidecar (the route would match more than configured)');
  }
  const caseSensitive = wrapped(match['case_sensitive']) !== false;
  if (typeof match['prefix'] === 'string') return { kind: 'prefix', value: match['prefix'], caseSensitive };
  if (typeof match['path'] === 'string') return { kind: 'path', value: match['path'], caseSensitive };
  if (typeof match['path_separated_prefix'] === 'string') {
    const value = match['path_separated_prefix'];
    if (PATH_SEPARATED_PREFIX.test(value)) return { kind: 'path_separated_prefix', value, caseSensitive };
    issues.add(at(path, 'path_separated_prefix'), `"${value}": must not contain "?" or "#" nor end in "/"`);
    return undefined;
  }
  if (isObj(match['safe_regex'])) {
    const re = regex(match['safe_regex'], at(path, 'safe_regex'), issues);
    return re && { kind: 'safe_regex', regex: re };
  }
  issues.add(path, 'one of prefix, path, path_separated_prefix or safe_regex is required');
  return undefined;
}

/** envoy.type.matcher.v3.StringMatcher. */
function stringMatch(m: Obj, path: string, issues: Issues): HeaderValueMatch | undefined {
  const ignoreCase = m['ignore_case'] === true;
  for (const kind of ['exact', 'prefix', 'suffix', 'contains'] as const) {
    if (typeof m[kind] === 'string') return { kind, value: m[kind], ignoreCase };
  }
  if (isObj(m['safe_regex'])) {
    const re = regex(m['safe_regex'], at(path, 'safe_regex'), issues, ignoreCase ? 'i' : '');
    return re && { kind: 'safe_regex', regex: re };
  }
  issues.add(path, 'one of exact, prefix, suffix, contains or safe_regex is required');
  return undefined;
}

/** HeaderMatcher: the v3 string_match, its deprecated spellings, and present_match. */
function headerValueMatch(h: Obj, path: string, issues: Issues): HeaderValueMatch | undefined {
  if (isObj(h['string_match'])) return stringMatch(h['string_match'], at(path, 'string_match'), issues);
  const legacy = { exact_match: 'exact', prefix_match: 'prefix', suffix_match: 'suffix', contains_match: 'contains' } as const;
  for (const [field, kind] of Object.entries(legacy)) {
    if (typeof h[field] === 'string') return { kind, value: h[field], ignoreCase: false };
  }
  if (isObj(h['safe_regex_match'])) {
    const re = regex(h['safe_regex_match'], at(path, 'safe_regex_match'), issues);
    return re && { kind: 'safe_regex', regex: re };
  }
  if (typeof h['present_match'] === 'boolean') return { kind: 'present', present: h['present_match'] };
  if (h['range_match'] !== undefined) issues.add(at(path, 'range_match'), 'not supported');
  else issues.add(path, 'a match is required (string_match or present_match)');
  return undefined;
}

function headerMatch(v: unknown, path: string, issues: Issues): HeaderMatch | undefined {
  const h = obj(v);
  const name = required(h, 'name', path, issues).toLowerCase();
  const match = headerValueMatch(h, path, issues);
  return match && { name, match, invert: h['invert_match'] === true };
}

function action(route: Obj, path: string, issues: Issues): ProxyRoute['action'] | undefined {
  if (typeof route['cluster'] === 'string' && route['cluster'] !== '') return { kind: 'cluster', cluster: route['cluster'] };
  if (isObj(route['weighted_clusters'])) {
    const wpath = at(path, 'weighted_clusters.clusters');
    const clusters = list(route['weighted_clusters']['clusters']).map((c, i) => {
      const w = obj(c);
      return { name: required(w, 'name', index(wpath, i), issues), weight: num(wrapped(w['weight'])) ?? 0 };
    });
    const totalWeight = clusters.reduce((sum, c) => sum + c.weight, 0);
    if (clusters.length === 0) issues.add(wpath, 'required');
    else if (totalWeight <= 0) issues.add(wpath, 'the sum of weights must be positive');
    return { kind: 'weighted', clusters, totalWeight };
  }
  issues.add(at(path, 'cluster'), route['cluster_header'] !== undefined ? 'cluster_header is not supported' : 'required (or weighted_clusters)');
  return undefined;
}

/**
 * One RouteAction.HashPolicy. The sidecar stops at the first policy that yields a hash, i.e. reads every policy
 * as `terminal` (meshlet's control plane sets it on each); Envoy would combine the non-terminal ones' hashes.
 * Cookie policies hash on a cookie the client sends: generating one (`ttl`) is not supported.
 */
function hashPolicy(v: unknown, path: string, issues: Issues): HashPolicy | undefined {
  const h = obj(v);
  if (isObj(h['header'])) {
    const header = h['header'];
    if (header['regex_rewrite'] !== undefined) issues.add(at(path, 'header.regex_rewrite'), 'not supported');
    return { kind: 'header', name: required(header, 'header_name', at(path, 'header'), issues).toLowerCase() };
  }
  if (isObj(h['cookie'])) {
    const cookie = h['cookie'];
    if (cookie['ttl'] !== undefined) issues.add(at(path, 'cookie.ttl'), 'generating the cookie is not supported (hash on a cookie the client sends)');
    return { kind: 'cookie', name: required(cookie, 'name', at(path, 'cookie'), issues) };
  }
  // source_ip false yields no hash, in Envoy too: the policy is as good as absent.
  if (isObj(h['connection_properties'])) return h['connection_properties']['source_ip'] === true ? { kind: 'source_ip' } : undefined;
  const kind = str(h['policy_specifier']);
  issues.add(kind === '' ? path : at(path, kind), kind === '' ? 'one of header, cookie or connection_properties is required' : 'not supported (header, cookie or connection_properties.source_ip)');
  return undefined;
}

function route(v: unknown, path: string, issues: Issues): ProxyRoute | undefined {
  const r = obj(v);
  if (!isObj(r['route'])) {
    issues.add(at(path, 'route'), 'required (redirect, direct_response and filter_action are not supported)');
    return undefined;
  }
  const ra = r['route'];
  const apath = at(path, 'route');
  const match = pathMatch(obj(r['match']), at(path, 'match'), issues);
  const headers = list(obj(r['match'])['headers']).map((h, i) => headerMatch(h, index(at(path, 'match.headers'), i), issues));
  const act = action(ra, apath, issues);
  const timeoutMs = durationMs(ra['timeout'], at(apath, 'timeout'), issues) ?? DEFAULT_ROUTE_TIMEOUT_MS;
  const retry = isObj(ra['retry_policy']) ? retryPolicy(ra['retry_policy'], at(apath, 'retry_policy'), issues) : undefined;
  const hashPath = at(apath, 'hash_policy');
  const hashes = list(ra['hash_policy']).flatMap((h, i) => hashPolicy(h, index(hashPath, i), issues) ?? []);
  if (!match || !act || headers.some((h) => h === undefined)) return undefined;
  return { name: str(r['name']), path: match, headers: headers as HeaderMatch[], action: act, timeoutMs, hashPolicy: hashes, ...(retry && { retryPolicy: retry }) };
}

function virtualHost(v: unknown, path: string, issues: Issues): ProxyVirtualHost {
  const vh = obj(v);
  const domains = strings(vh['domains']);
  if (domains.length === 0) issues.add(at(path, 'domains'), 'required');
  domains.forEach((d, i) => {
    const star = d.indexOf('*');
    if (star >= 0 && (d === '**' || (star !== 0 && star !== d.length - 1) || d.indexOf('*', star + 1) >= 0)) {
      issues.add(index(at(path, 'domains'), i), `"${d}": a wildcard may only be the first or last character`);
    }
  });
  const routes = list(vh['routes']).map((r, i) => route(r, index(at(path, 'routes'), i), issues)).filter((r) => r !== undefined);
  const retry = isObj(vh['retry_policy']) ? retryPolicy(vh['retry_policy'], at(path, 'retry_policy'), issues) : undefined;
  return { name: str(vh['name']), domains, routes, ...(retry && { retryPolicy: retry }) };
}

export function routeConfigFromObject(rc: Obj, issues: Issues): Decoded<ProxyRouteConfig> {
  const name = required(rc, 'name', '', issues);
  const virtualHosts = list(rc['virtual_hosts']).map((vh, i) => virtualHost(vh, index('virtual_hosts', i), issues));
  return issues.result(() => ({ name, virtualHosts }));
}

/** Decodes and validates the `Any.value` bytes of a RouteConfiguration. */
export function decodeRouteConfiguration(bytes: Uint8Array): Decoded<ProxyRouteConfig> {
  const issues = new Issues();
  const rc = decodeMessage(ROUTE_MESSAGE, bytes, '', issues);
  return rc ? routeConfigFromObject(rc, issues) : issues.failure();
}
