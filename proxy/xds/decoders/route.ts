// RDS: envoy.config.route.v3.RouteConfiguration → ProxyRouteConfig. Virtual hosts with domains, routes matched
// by prefix / path / path_separated_prefix / safe_regex, header and query parameter matchers, forwarding to one
// cluster or weighted clusters (with a timeout, a retry policy and hash policies for the hashing balancers), or
// answered by the proxy itself (redirect, direct_response); request headers added and removed at the
// configuration, virtual host, route and weighted cluster levels. Other actions and fields that change what a
// route does are errors: the xDS protocol says to reject (NACK) what cannot be applied.
import type {
  Decoded,
  HashPolicy,
  HeaderAppendAction,
  HeaderMatch,
  HeaderMutation,
  HeaderToAdd,
  HeaderValueMatch,
  PathMatch,
  ProxyRoute,
  ProxyRouteConfig,
  ProxyVirtualHost,
  QueryParameterMatch,
  RedirectAction,
} from '../types.js';
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
const UNSUPPORTED_MATCH_FIELDS = ['runtime_fraction', 'grpc', 'tls_context', 'dynamic_metadata', 'filter_state', 'path_match_policy', 'connect_matcher'];

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

/**
 * QueryParameterMatcher (route_components.proto): `name`, then string_match, or present_match. Without a
 * string_match Envoy's ConfigUtility::QueryParameterMatcher only asks that the parameter be present, whatever
 * present_match says (false included), and so does the sidecar.
 */
function queryParameterMatch(v: unknown, path: string, issues: Issues): QueryParameterMatch | undefined {
  const q = obj(v);
  const name = required(q, 'name', path, issues);
  let match: HeaderValueMatch | undefined = { kind: 'present', present: true };
  if (isObj(q['string_match'])) match = stringMatch(q['string_match'], at(path, 'string_match'), issues);
  return match && name !== '' ? { name, match } : undefined;
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
      const cpath = index(wpath, i);
      for (const field of UNSUPPORTED_CLUSTER_WEIGHT_FIELDS) {
        if (isSet(w[field])) issues.add(at(cpath, field), 'not supported by the sidecar');
      }
      const requestHeaders = headerMutation(w, cpath, issues);
      return { name: required(w, 'name', cpath, issues), weight: num(wrapped(w['weight'])) ?? 0, ...(requestHeaders && { requestHeaders }) };
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

/** Whether a proto field is set (proto3 object form: absent, or an empty repeated field, is unset). */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0);
}

/** ClusterWeight fields beyond name, weight and the request header mutations. */
const UNSUPPORTED_CLUSTER_WEIGHT_FIELDS = ['cluster_header', 'response_headers_to_add', 'response_headers_to_remove', 'host_rewrite_literal'];

// ---- request headers (core.v3.HeaderValueOption; envoy docs "Custom request/response headers") -------------

/** RFC 9110 field-name token characters (what HTTP_HEADER_NAME allows, minus the pseudo-header colon). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value must not contain CR, LF or NUL (HTTP_HEADER_VALUE, strict: false). */
const BAD_HEADER_VALUE = /[\r\n\0]/;

const APPEND_ACTIONS: readonly HeaderAppendAction[] = ['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS'];

/**
 * One HeaderValueOption. Envoy reads a value as a format string where `%COMMAND%` is substituted and `%%` is a
 * literal `%`; the sidecar substitutes nothing, so a value with a command is rejected and `%%` is unescaped.
 */
function headerToAdd(v: unknown, path: string, issues: Issues): HeaderToAdd | undefined {
  const o = obj(v);
  const hpath = at(path, 'header');
  const h = obj(o['header']);
  const key = required(h, 'key', hpath, issues);
  const lower = key.toLowerCase();
  if (key !== '' && (key.charCodeAt(0) === 0x3a || lower === 'host')) {
    issues.add(at(hpath, 'key'), `"${key}": pseudo-headers and host may not be modified`);
  } else if (key !== '' && !HEADER_NAME.test(key)) {
    issues.add(at(hpath, 'key'), `"${key}": not a header name`);
  }
  const raw = h['raw_value'];
  const value = typeof h['value'] === 'string' ? h['value'] : Buffer.isBuffer(raw) ? raw.toString('latin1') : '';
  if (BAD_HEADER_VALUE.test(value)) issues.add(at(hpath, 'value'), 'must not contain CR, LF or NUL');
  else if (value.replaceAll('%%', '').includes('%')) issues.add(at(hpath, 'value'), `"${value}": %COMMAND% substitutions are not supported by the sidecar`);
  let act: HeaderAppendAction = 'APPEND_IF_EXISTS_OR_ADD';
  const legacy = wrapped(o['append']);
  const named = String(o['append_action'] ?? '');
  if (legacy !== undefined && named !== '' && named !== 'APPEND_IF_EXISTS_OR_ADD') {
    issues.add(path, 'append and append_action are both set');
  } else if (legacy !== undefined) {
    // The deprecated BoolValue: true appends, false overwrites (HeaderValueOption.append).
    act = legacy === true ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD';
  } else if (named !== '') {
    if ((APPEND_ACTIONS as readonly string[]).includes(named)) act = named as HeaderAppendAction;
    else issues.add(at(path, 'append_action'), `"${named}" is not supported`);
  }
  return { name: lower, value: value.replaceAll('%%', '%'), action: act, keepEmptyValue: o['keep_empty_value'] === true };
}

/** request_headers_to_remove and request_headers_to_add of a message; undefined when it has neither. */
function headerMutation(m: Obj, path: string, issues: Issues): HeaderMutation | undefined {
  const rpath = at(path, 'request_headers_to_remove');
  const remove = strings(m['request_headers_to_remove']).map((name, i) => {
    const lower = name.toLowerCase();
    // Envoy's HeaderParser: "':-prefixed' or 'host' headers may not be removed".
    if (lower.charCodeAt(0) === 0x3a || lower === 'host') issues.add(index(rpath, i), `"${name}": pseudo-headers and host may not be removed`);
    else if (!HEADER_NAME.test(name)) issues.add(index(rpath, i), `"${name}": not a header name`);
    return lower;
  });
  const add = list(m['request_headers_to_add']).flatMap((h, i) => headerToAdd(h, index(at(path, 'request_headers_to_add'), i), issues) ?? []);
  return remove.length === 0 && add.length === 0 ? undefined : { remove, add };
}

// ---- actions answered by the proxy --------------------------------------------------------------------------

const REDIRECT_CODES: Readonly<Record<string, number>> = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

function redirectAction(r: Obj, path: string, issues: Issues): RedirectAction | undefined {
  const errors = issues.errors.length;
  for (const field of ['prefix_rewrite', 'regex_rewrite'] as const) {
    if (isSet(r[field])) issues.add(at(path, field), 'not supported by the sidecar (use path_redirect)');
  }
  // An enum number protobufjs has no name for stays a number: not a known code.
  const code = String(r['response_code'] ?? '');
  const status = code === '' ? 301 : REDIRECT_CODES[code];
  if (status === undefined) issues.add(at(path, 'response_code'), `"${code}" is not a redirect response code`);
  let scheme: string | undefined;
  if (typeof r['scheme_redirect'] === 'string' && r['scheme_redirect'] !== '') {
    scheme = r['scheme_redirect'].toLowerCase();
    if (!SCHEME.test(scheme)) issues.add(at(path, 'scheme_redirect'), `"${r['scheme_redirect']}": not a URI scheme`);
  } else if (r['https_redirect'] === true) {
    scheme = 'https';
  }
  const host = str(r['host_redirect']);
  if (/[\s/?#@]/.test(host)) issues.add(at(path, 'host_redirect'), `"${host}": not a host`);
  const port = num(r['port_redirect']) ?? 0;
  if (port > 65535) issues.add(at(path, 'port_redirect'), `${port} is not a port (1..65535)`);
  const redirectPath = str(r['path_redirect']);
  if (BAD_HEADER_VALUE.test(redirectPath)) issues.add(at(path, 'path_redirect'), 'must not contain CR, LF or NUL');
  if (issues.errors.length > errors || status === undefined) return undefined;
  return {
    status,
    stripQuery: r['strip_query'] === true,
    ...(scheme !== undefined && { scheme }),
    ...(host !== '' && { host }),
    ...(port > 0 && { port }),
    ...(redirectPath !== '' && { path: redirectPath }),
  };
}

/** RouteConfiguration.max_direct_response_body_size_bytes' default. */
export const DEFAULT_MAX_DIRECT_RESPONSE_BODY = 4096;

function directResponse(d: Obj, path: string, maxBody: number, issues: Issues): ProxyRoute['action'] | undefined {
  const status = num(d['status']) ?? 0;
  if (!Number.isInteger(status) || status < 200 || status > 599) issues.add(at(path, 'status'), status === 0 ? 'required' : `${status} is not in 200..599`);
  const b = obj(d['body']);
  const bpath = at(path, 'body');
  let body = '';
  let bodyEncoding: 'utf8' | 'base64' = 'utf8';
  let size = 0;
  if (typeof b['inline_string'] === 'string') {
    body = b['inline_string'];
    size = Buffer.byteLength(body);
  } else if (Buffer.isBuffer(b['inline_bytes'])) {
    body = b['inline_bytes'].toString('base64');
    bodyEncoding = 'base64';
    size = b['inline_bytes'].length;
  } else if (isSet(b['filename']) || isSet(b['environment_variable'])) {
    issues.add(at(bpath, isSet(b['filename']) ? 'filename' : 'environment_variable'), 'not supported by the sidecar (use inline_string or inline_bytes)');
  }
  if (size > maxBody) issues.add(bpath, `${size} bytes exceed max_direct_response_body_size_bytes (${maxBody})`);
  return { kind: 'direct', status, body, bodyEncoding };
}

/** Route fields that change what a route does and that the sidecar does not apply. */
const UNSUPPORTED_ROUTE_FIELDS = ['response_headers_to_add', 'response_headers_to_remove'];

function route(v: unknown, path: string, maxBody: number, issues: Issues): ProxyRoute | undefined {
  const r = obj(v);
  const match = pathMatch(obj(r['match']), at(path, 'match'), issues);
  const headers = list(obj(r['match'])['headers']).map((h, i) => headerMatch(h, index(at(path, 'match.headers'), i), issues));
  const query = list(obj(r['match'])['query_parameters']).map((q, i) => queryParameterMatch(q, index(at(path, 'match.query_parameters'), i), issues));
  for (const field of UNSUPPORTED_ROUTE_FIELDS) {
    if (isSet(r[field])) issues.add(at(path, field), 'not supported by the sidecar');
  }
  const requestHeaders = headerMutation(r, path, issues);
  let act: ProxyRoute['action'] | undefined;
  let timeoutMs = 0;
  let retry: ProxyRoute['retryPolicy'];
  let hashes: HashPolicy[] = [];
  if (isObj(r['route'])) {
    const ra = r['route'];
    const apath = at(path, 'route');
    act = action(ra, apath, issues);
    timeoutMs = durationMs(ra['timeout'], at(apath, 'timeout'), issues) ?? DEFAULT_ROUTE_TIMEOUT_MS;
    retry = isObj(ra['retry_policy']) ? retryPolicy(ra['retry_policy'], at(apath, 'retry_policy'), issues) : undefined;
    const hashPath = at(apath, 'hash_policy');
    hashes = list(ra['hash_policy']).flatMap((h, i) => hashPolicy(h, index(hashPath, i), issues) ?? []);
  } else if (isObj(r['redirect'])) {
    const redirect = redirectAction(r['redirect'], at(path, 'redirect'), issues);
    act = redirect && { kind: 'redirect', redirect };
  } else if (isObj(r['direct_response'])) {
    act = directResponse(r['direct_response'], at(path, 'direct_response'), maxBody, issues);
  } else {
    const other = ['filter_action', 'non_forwarding_action'].find((f) => r[f] !== undefined);
    issues.add(other === undefined ? path : at(path, other), other === undefined ? 'one of route, redirect or direct_response is required' : 'not supported by the sidecar');
  }
  if (!match || !act || headers.some((h) => h === undefined) || query.some((q) => q === undefined)) return undefined;
  return {
    name: str(r['name']),
    path: match,
    headers: headers as HeaderMatch[],
    ...(query.length > 0 && { queryParameters: query as QueryParameterMatch[] }),
    action: act,
    timeoutMs,
    hashPolicy: hashes,
    ...(retry && { retryPolicy: retry }),
    ...(requestHeaders && { requestHeaders }),
  };
}

function virtualHost(v: unknown, path: string, maxBody: number, issues: Issues): ProxyVirtualHost {
  const vh = obj(v);
  const domains = strings(vh['domains']);
  if (domains.length === 0) issues.add(at(path, 'domains'), 'required');
  domains.forEach((d, i) => {
    const star = d.indexOf('*');
    if (star >= 0 && (d === '**' || (star !== 0 && star !== d.length - 1) || d.indexOf('*', star + 1) >= 0)) {
      issues.add(index(at(path, 'domains'), i), `"${d}": a wildcard may only be the first or last character`);
    }
  });
  const routes = list(vh['routes']).map((r, i) => route(r, index(at(path, 'routes'), i), maxBody, issues)).filter((r) => r !== undefined);
  const retry = isObj(vh['retry_policy']) ? retryPolicy(vh['retry_policy'], at(path, 'retry_policy'), issues) : undefined;
  for (const field of UNSUPPORTED_ROUTE_FIELDS) {
    if (isSet(vh[field])) issues.add(at(path, field), 'not supported by the sidecar');
  }
  const requestHeaders = headerMutation(vh, path, issues);
  return { name: str(vh['name']), domains, routes, ...(retry && { retryPolicy: retry }), ...(requestHeaders && { requestHeaders }) };
}

export function routeConfigFromObject(rc: Obj, issues: Issues): Decoded<ProxyRouteConfig> {
  const name = required(rc, 'name', '', issues);
  const maxBody = num(wrapped(rc['max_direct_response_body_size_bytes'])) ?? DEFAULT_MAX_DIRECT_RESPONSE_BODY;
  const virtualHosts = list(rc['virtual_hosts']).map((vh, i) => virtualHost(vh, index('virtual_hosts', i), maxBody, issues));
  for (const field of UNSUPPORTED_ROUTE_FIELDS) {
    if (isSet(rc[field])) issues.add(field, 'not supported by the sidecar');
  }
  const requestHeaders = headerMutation(rc, '', issues);
  const mostSpecific = rc['most_specific_header_mutations_wins'] === true;
  return issues.result(() => ({ name, virtualHosts, ...(requestHeaders && { requestHeaders }), ...(mostSpecific && { mostSpecificHeaderMutationsWins: true }) }));
}

/** Decodes and validates the `Any.value` bytes of a RouteConfiguration. */
export function decodeRouteConfiguration(bytes: Uint8Array): Decoded<ProxyRouteConfig> {
  const issues = new Issues();
  const rc = decodeMessage(ROUTE_MESSAGE, bytes, '', issues);
  return rc ? routeConfigFromObject(rc, issues) : issues.failure();
}
