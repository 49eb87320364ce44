// RDS decoder, the gateway's features: RouteMatch.query_parameters, Route.redirect, Route.direct_response and
// request_headers_to_add / request_headers_to_remove at every level — what each decodes to, and every field
// the sidecar cannot honour rejected with its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRouteConfiguration } from '../../../proxy/xds/decoders/route.js';
import type { Decoded, ProxyRoute, ProxyRouteConfig } from '../../../proxy/xds/types.js';
import { messageType } from '../../../xds/protos.js';
import { makeResource } from '../../../xds/resource.js';
import { ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';

type Json = Record<string, unknown>;

function decode(config: Json): Decoded<ProxyRouteConfig> {
  return decodeRouteConfiguration(makeResource(ROUTE_CONFIGURATION, 'r', { name: 'r', ...config }).encoded);
}

/** Encoded without verification, so that an enum can hold a number the proto does not define (a newer peer's). */
function decodeUnverified(config: Json): Decoded<ProxyRouteConfig> {
  const type = messageType('envoy.config.route.v3.RouteConfiguration');
  return decodeRouteConfiguration(type.encode(type.fromObject({ name: 'r', ...config })).finish());
}

/** A configuration with one virtual host holding `routes`, `vhost` merged into the virtual host. */
function oneHost(routes: readonly Json[], vhost: Json = {}, config: Json = {}): Json {
  return { virtual_hosts: [{ name: 'vh', domains: ['*'], routes, ...vhost }], ...config };
}

function valueOf<T>(d: Decoded<T>): T {
  if (!d.ok) assert.fail(`unexpected errors: ${d.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return d.value;
}

function errorsOf<T>(d: Decoded<T>): string[] {
  if (d.ok) assert.fail('expected errors, got a value');
  return d.errors.map((e) => `${e.path}: ${e.message}`);
}

function firstRoute(route: Json): ProxyRoute {
  const r = valueOf(decode(oneHost([{ match: { prefix: '/' }, ...route }]))).virtualHosts[0]?.routes[0];
  assert.ok(r);
  return r;
}

// [case, RouteMatch.query_parameters, the decoded list]
const queryRows: [string, Json[], unknown][] = [
  ['present_match', [{ name: 'debug', present_match: true }], [{ name: 'debug', match: { kind: 'present', present: true } }]],
  // Envoy's ConfigUtility::QueryParameterMatcher checks presence whenever there is no string_match.
  ['present_match false is still a presence check (Envoy)', [{ name: 'debug', present_match: false }], [{ name: 'debug', match: { kind: 'present', present: true } }]],
  ['a name alone is a presence check', [{ name: 'debug' }], [{ name: 'debug', match: { kind: 'present', present: true } }]],
  ['exact, name kept as written', [{ name: 'Ver', string_match: { exact: 'v2' } }], [{ name: 'Ver', match: { kind: 'exact', value: 'v2', ignoreCase: false } }]],
  ['prefix, ignore_case', [{ name: 'q', string_match: { prefix: 'Ab', ignore_case: true } }], [{ name: 'q', match: { kind: 'prefix', value: 'Ab', ignoreCase: true } }]],
  ['suffix and contains', [{ name: 'a', string_match: { suffix: 'z' } }, { name: 'b', string_match: { contains: 'm' } }], [
    { name: 'a', match: { kind: 'suffix', value: 'z', ignoreCase: false } },
    { name: 'b', match: { kind: 'contains', value: 'm', ignoreCase: false } },
  ]],
];
for (const [name, query_parameters, expected] of queryRows) {
  void test(`RDS query_parameters: ${name}`, () => {
    assert.deepEqual(firstRoute({ match: { prefix: '/', query_parameters }, route: { cluster: 'c' } }).queryParameters, expected);
  });
}

void test('RDS query_parameters: safe_regex is compiled as a full match, ignore_case folds', () => {
  const [q] = firstRoute({ match: { prefix: '/', query_parameters: [{ name: 'id', string_match: { safe_regex: { regex: '[a-z]+' }, ignore_case: true } }] }, route: { cluster: 'c' } }).queryParameters ?? [];
  assert.ok(q?.match.kind === 'safe_regex' && q.match.regex.test('ABC') && !q.match.regex.test('abc1'));
});

// [case, Route.redirect, the decoded action]
const redirectRows: [string, Json, unknown][] = [
  ['defaults: 301, nothing replaced', { host_redirect: 'example.com' }, { status: 301, stripQuery: false, host: 'example.com' }],
  ['https_redirect', { https_redirect: true }, { status: 301, stripQuery: false, scheme: 'https' }],
  ['scheme_redirect, lower-cased', { scheme_redirect: 'HTTPS' }, { status: 301, stripQuery: false, scheme: 'https' }],
  ['port, path, strip_query', { port_redirect: 8443, path_redirect: '/new', strip_query: true }, { status: 301, stripQuery: true, port: 8443, path: '/new' }],
  ['FOUND', { path_redirect: '/x', response_code: 1 /* FOUND */ }, { status: 302, stripQuery: false, path: '/x' }],
  ['SEE_OTHER', { path_redirect: '/x', response_code: 2 /* SEE_OTHER */ }, { status: 303, stripQuery: false, path: '/x' }],
  ['TEMPORARY_REDIRECT', { path_redirect: '/x', response_code: 3 /* TEMPORARY_REDIRECT */ }, { status: 307, stripQuery: false, path: '/x' }],
  ['PERMANENT_REDIRECT', { path_redirect: '/x', response_code: 4 /* PERMANENT_REDIRECT */ }, { status: 308, stripQuery: false, path: '/x' }],
];
for (const [name, redirect, expected] of redirectRows) {
  void test(`RDS redirect: ${name}`, () => {
    const r = firstRoute({ redirect });
    assert.deepEqual(r.action, { kind: 'redirect', redirect: expected });
    assert.equal(r.timeoutMs, 0);
    assert.deepEqual(r.hashPolicy, []);
  });
}

// [case, Route.direct_response, the decoded action]
const directRows: [string, Json, unknown][] = [
  ['a status alone: no body', { status: 404 }, { kind: 'direct', status: 404, body: '', bodyEncoding: 'utf8' }],
  ['inline_string', { status: 200, body: { inline_string: 'hello' } }, { kind: 'direct', status: 200, body: 'hello', bodyEncoding: 'utf8' }],
  ['inline_bytes, kept as base64', { status: 503, body: { inline_bytes: Buffer.from([0, 255]) } }, { kind: 'direct', status: 503, body: 'AP8=', bodyEncoding: 'base64' }],
];
for (const [name, direct_response, expected] of directRows) {
  void test(`RDS direct_response: ${name}`, () => {
    assert.deepEqual(firstRoute({ direct_response }).action, expected);
  });
}

const add = (key: string, value: string, more: Json = {}): Json => ({ header: { key, value }, ...more });

// [case, HeaderValueOption, the decoded HeaderToAdd]
const appendRows: [string, Json, unknown][] = [
  ['default: append, name lower-cased', add('X-A', 'v'), { name: 'x-a', value: 'v', action: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false }],
  ['legacy append true', add('x', 'v', { append: { value: true } }), { name: 'x', value: 'v', action: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false }],
  ['legacy append false overwrites', add('x', 'v', { append: { value: false } }), { name: 'x', value: 'v', action: 'OVERWRITE_IF_EXISTS_OR_ADD', keepEmptyValue: false }],
  ['ADD_IF_ABSENT', add('x', 'v', { append_action: 1 /* ADD_IF_ABSENT */ }), { name: 'x', value: 'v', action: 'ADD_IF_ABSENT', keepEmptyValue: false }],
  ['OVERWRITE_IF_EXISTS_OR_ADD', add('x', 'v', { append_action: 2 /* OVERWRITE_IF_EXISTS_OR_ADD */ }), { name: 'x', value: 'v', action: 'OVERWRITE_IF_EXISTS_OR_ADD', keepEmptyValue: false }],
  ['OVERWRITE_IF_EXISTS', add('x', 'v', { append_action: 3 /* OVERWRITE_IF_EXISTS */ }), { name: 'x', value: 'v', action: 'OVERWRITE_IF_EXISTS', keepEmptyValue: false }],
  ['keep_empty_value', add('x', '', { keep_empty_value: true }), { name: 'x', value: '', action: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: true }],
  ['%% is a literal %', add('x', '100%%'), { name: 'x', value: '100%', action: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false }],
];
for (const [name, option, expected] of appendRows) {
  void test(`RDS request_headers_to_add: ${name}`, () => {
    assert.deepEqual(firstRoute({ route: { cluster: 'c' }, request_headers_to_add: [option] }).requestHeaders, { remove: [], add: [expected] });
  });
}

void test('RDS request headers at every level: configuration, virtual host, route, weighted cluster', () => {
  const rc = valueOf(
    decode(
      oneHost(
        [
          {
            match: { prefix: '/' },
            request_headers_to_remove: ['X-Secret'],
            route: {
              weighted_clusters: {
                clusters: [
                  { name: 'a', weight: { value: 1 }, request_headers_to_add: [add('x-w', 'a')] },
                  { name: 'b', weight: { value: 1 } },
                ],
              },
            },
          },
        ],
        { request_headers_to_add: [add('x-vh', '1')] },
        { request_headers_to_remove: ['x-cfg'], most_specific_header_mutations_wins: true },
      ),
    ),
  );
  const w = (n: string): Json => ({ name: n, value: n === 'x-w' ? 'a' : '1', action: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false });
  assert.deepEqual(rc.requestHeaders, { remove: ['x-cfg'], add: [] });
  assert.equal(rc.mostSpecificHeaderMutationsWins, true);
  const vh = rc.virtualHosts[0];
  assert.deepEqual(vh?.requestHeaders, { remove: [], add: [w('x-vh')] });
  const r = vh?.routes[0];
  assert.deepEqual(r?.requestHeaders, { remove: ['x-secret'], add: [] });
  assert.ok(r?.action.kind === 'weighted');
  assert.deepEqual(r.action.clusters[0]?.requestHeaders, { remove: [], add: [w('x-w')] });
  assert.equal(r.action.clusters[1]?.requestHeaders, undefined);
});

void test('RDS: a route without header mutations or query matchers decodes as before (no new fields)', () => {
  const r = firstRoute({ route: { cluster: 'c' } });
  assert.deepEqual(Object.keys(r).sort(), ['action', 'hashPolicy', 'headers', 'name', 'path', 'timeoutMs']);
  assert.deepEqual(Object.keys(valueOf(decode(oneHost([])))).sort(), ['name', 'virtualHosts']);
});

const R = 'virtual_hosts[0].routes[0]';
// [case, configuration, every error]
const invalid: [string, Json, string[]][] = [
  ['redirect prefix_rewrite and regex_rewrite', oneHost([{ match: { prefix: '/' }, redirect: { prefix_rewrite: '/p' } }, { match: { prefix: '/' }, redirect: { regex_rewrite: { pattern: { regex: 'a' }, substitution: 'b' } } }]), [
    `${R}.redirect.prefix_rewrite: not supported by the sidecar (use path_redirect)`,
    'virtual_hosts[0].routes[1].redirect.regex_rewrite: not supported by the sidecar (use path_redirect)',
  ]],
  ['redirect: an unknown response code, an unknown append_action', oneHost([{ match: { prefix: '/' }, redirect: { response_code: 9 }, request_headers_to_add: [add('x', 'v', { append_action: 7 })] }]), [
    `${R}.redirect.response_code: "9" is not a redirect response code`,
    `${R}.request_headers_to_add[0].append_action: "7" is not supported`,
  ]],
  ['redirect: a bad scheme, a host with a path, a port out of range', oneHost([{ match: { prefix: '/' }, redirect: { scheme_redirect: 'ht tp', host_redirect: 'a/b', port_redirect: 70000 } }]), [
    `${R}.redirect.scheme_redirect: "ht tp": not a URI scheme`,
    `${R}.redirect.host_redirect: "a/b": not a host`,
    `${R}.redirect.port_redirect: 70000 is not a port (1..65535)`,
  ]],
  ['direct_response: no status, a status out of range', oneHost([{ match: { prefix: '/' }, direct_response: {} }, { match: { prefix: '/' }, direct_response: { status: 100 } }]), [
    `${R}.direct_response.status: required`,
    'virtual_hosts[0].routes[1].direct_response.status: 100 is not in 200..599',
  ]],
  ['direct_response: a body from a file, a body over the limit', oneHost([
    { match: { prefix: '/' }, direct_response: { status: 200, body: { filename: '/etc/passwd' } } },
    { match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'x'.repeat(11) } } },
  ], {}, { max_direct_response_body_size_bytes: { value: 10 } }), [
    `${R}.direct_response.body.filename: not supported by the sidecar (use inline_string or inline_bytes)`,
    'virtual_hosts[0].routes[1].direct_response.body: 11 bytes exceed max_direct_response_body_size_bytes (10)',
  ]],
  ['direct_response: the default body limit is 4096 bytes', oneHost([{ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'x'.repeat(4097) } } }]), [
    `${R}.direct_response.body: 4097 bytes exceed max_direct_response_body_size_bytes (4096)`,
  ]],
  ['filter_action and non_forwarding_action', oneHost([{ match: { prefix: '/' }, filter_action: {} }, { match: { prefix: '/' }, non_forwarding_action: {} }]), [
    `${R}.filter_action: not supported by the sidecar`,
    'virtual_hosts[0].routes[1].non_forwarding_action: not supported by the sidecar',
  ]],
  ['query parameter without a name, with an empty string_match', oneHost([{ match: { prefix: '/', query_parameters: [{ present_match: true }, { name: 'q', string_match: {} }] }, route: { cluster: 'c' } }]), [
    `${R}.match.query_parameters[0].name: required`,
    `${R}.match.query_parameters[1].string_match: one of exact, prefix, suffix, contains or safe_regex is required`,
  ]],
  ['removing pseudo-headers or host, a bad name', oneHost([{ match: { prefix: '/' }, route: { cluster: 'c' }, request_headers_to_remove: [':path', 'Host', 'a b'] }]), [
    `${R}.request_headers_to_remove[0]: ":path": pseudo-headers and host may not be removed`,
    `${R}.request_headers_to_remove[1]: "Host": pseudo-headers and host may not be removed`,
    `${R}.request_headers_to_remove[2]: "a b": not a header name`,
  ]],
  ['adding pseudo-headers or host, no key, a %COMMAND%, CR LF, both append fields', oneHost([], {
    request_headers_to_add: [
      add(':authority', 'x'),
      add('host', 'x'),
      { header: { value: 'v' } },
      add('x-peer', '%DOWNSTREAM_REMOTE_ADDRESS%'),
      add('x-crlf', 'a\r\nb'),
      add('x', 'v', { append: { value: true }, append_action: 3 /* OVERWRITE_IF_EXISTS */ }),
    ],
  }), [
    'virtual_hosts[0].request_headers_to_add[0].header.key: ":authority": pseudo-headers and host may not be modified',
    'virtual_hosts[0].request_headers_to_add[1].header.key: "host": pseudo-headers and host may not be modified',
    'virtual_hosts[0].request_headers_to_add[2].header.key: required',
    'virtual_hosts[0].request_headers_to_add[3].header.value: "%DOWNSTREAM_REMOTE_ADDRESS%": %COMMAND% substitutions are not supported by the sidecar',
    'virtual_hosts[0].request_headers_to_add[4].header.value: must not contain CR, LF or NUL',
    'virtual_hosts[0].request_headers_to_add[5]: append and append_action are both set',
  ]],
  ['response header mutations at every level', {
    ...oneHost([{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 1 }, response_headers_to_remove: ['x'] }] } }, response_headers_to_add: [add('x', 'v')] }], { response_headers_to_remove: ['x'] }),
    response_headers_to_add: [add('x', 'v')],
  }, [
    `${R}.response_headers_to_add: not supported by the sidecar`,
    `${R}.route.weighted_clusters.clusters[0].response_headers_to_remove: not supported by the sidecar`,
    'virtual_hosts[0].response_headers_to_remove: not supported by the sidecar',
    'response_headers_to_add: not supported by the sidecar',
  ]],
];
for (const [name, config, errors] of invalid) {
  void test(`RDS invalid: ${name}`, () => {
    assert.deepEqual(errorsOf((name.includes('unknown') ? decodeUnverified : decode)(config)).sort(), [...errors].sort());
  });
}
