// RDS decoder: the control plane's route configuration, the matchers and actions the sidecar supports, and
// every error with its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRouteConfiguration, DEFAULT_ROUTE_TIMEOUT_MS } from '../../../proxy/xds/decoders/route.js';
import { makeResource } from '../../../xds/resource.js';
import { ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { errorsOf, served, valueOf } from './decoder-helpers.js';

const NAME = 'greeter.default.svc.cluster.local:50051';

function routes(list: readonly Record<string, unknown>[], domains: readonly string[] = ['a']): Uint8Array {
  return makeResource(ROUTE_CONFIGURATION, 'r', { name: 'r', virtual_hosts: [{ name: 'vh', domains, routes: list }] }).encoded;
}

void test('RDS: the control plane route configuration: domains, prefix /, one cluster, timeout disabled', () => {
  const rc = valueOf(decodeRouteConfiguration(served(ROUTE_CONFIGURATION, NAME).encoded));
  assert.equal(rc.name, NAME);
  const vh = rc.virtualHosts[0];
  assert.ok(vh);
  assert.ok(vh.domains.includes('greeter.default.svc.cluster.local:50051') && vh.domains.at(-1) === '*');
  assert.deepEqual(vh.routes[0], {
    name: 'default',
    path: { kind: 'prefix', value: '/', caseSensitive: true },
    headers: [],
    action: { kind: 'cluster', cluster: 'outbound|50051||greeter.default.svc.cluster.local' },
    timeoutMs: 0,
    hashPolicy: [],
  });
});

/** The hash policies of a one-route configuration whose action has `hash_policy`. */
function hashPolicyOf(hash_policy: readonly Record<string, unknown>[]): unknown {
  return valueOf(decodeRouteConfiguration(routes([{ match: { prefix: '/' }, route: { cluster: 'c', hash_policy } }]))).virtualHosts[0]?.routes[0]?.hashPolicy;
}

// [case, RouteAction.hash_policy, the HashPolicy list decoded]
const hashRows: [string, Record<string, unknown>[], unknown][] = [
  ['none', [], []],
  ['a header, lower-cased', [{ header: { header_name: 'X-User' }, terminal: true }], [{ kind: 'header', name: 'x-user' }]],
  ['a cookie, as written', [{ cookie: { name: 'Session' } }], [{ kind: 'cookie', name: 'Session' }]],
  ['the source IP', [{ connection_properties: { source_ip: true } }], [{ kind: 'source_ip' }]],
  ['source_ip false yields nothing (as in Envoy)', [{ connection_properties: { source_ip: false } }], []],
  [
    'in order',
    [{ cookie: { name: 'sid' } }, { header: { header_name: 'x-a' } }, { connection_properties: { source_ip: true } }],
    [{ kind: 'cookie', name: 'sid' }, { kind: 'header', name: 'x-a' }, { kind: 'source_ip' }],
  ],
];
for (const [name, policies, expected] of hashRows) {
  void test(`RDS hash_policy: ${name}`, () => {
    assert.deepEqual(hashPolicyOf(policies), expected);
  });
}

void test('RDS: path, regex, header matchers, weighted clusters, timeout and retry policy', () => {
  const rc = valueOf(
    decodeRouteConfiguration(
      routes([
        { match: { path: '/exact', case_sensitive: { value: false } }, route: { cluster: 'c' } },
        {
          match: {
            safe_regex: { regex: '/v[0-9]+/.*' },
            headers: [
              { name: 'X-Canary', string_match: { exact: 'yes', ignore_case: true } },
              { name: 'x-debug', present_match: true, invert_match: true },
              { name: 'x-old', prefix_match: 'p' },
            ],
          },
          route: {
            weighted_clusters: { clusters: [{ name: 'a', weight: { value: 90 } }, { name: 'b', weight: { value: 10 } }] },
            timeout: { seconds: 2, nanos: 500_000_000 },
            retry_policy: {
              retry_on: 'connect-failure,retriable-status-codes',
              num_retries: { value: 3 },
              per_try_timeout: { nanos: 250_000_000 },
              retriable_status_codes: [503],
              retry_back_off: { base_interval: { nanos: 25_000_000 }, max_interval: { seconds: 1 } },
            },
          },
        },
      ]),
    ),
  );
  const [exact, rich] = rc.virtualHosts[0]?.routes ?? [];
  assert.deepEqual(exact?.path, { kind: 'path', value: '/exact', caseSensitive: false });
  assert.equal(exact?.timeoutMs, DEFAULT_ROUTE_TIMEOUT_MS, "Envoy's default when unset");
  assert.ok(rich?.path.kind === 'safe_regex' && rich.path.regex.test('/v2/x') && !rich.path.regex.test('/x/v2/'));
  assert.deepEqual(rich.headers.map((h) => [h.name, h.match.kind, h.invert]), [['x-canary', 'exact', false], ['x-debug', 'present', true], ['x-old', 'prefix', false]]);
  assert.deepEqual(rich.action, { kind: 'weighted', clusters: [{ name: 'a', weight: 90 }, { name: 'b', weight: 10 }], totalWeight: 100 });
  assert.equal(rich.timeoutMs, 2500);
  assert.deepEqual(rich.retryPolicy, {
    retryOn: ['connect-failure', 'retriable-status-codes'],
    numRetries: 3,
    perTryTimeoutMs: 250,
    retriableStatusCodes: [503],
    backOffBaseMs: 25,
    backOffMaxMs: 1000,
  });
});

const cases: readonly { name: string; bytes: () => Uint8Array; errors: string[] }[] = [
  { name: 'no name', bytes: () => makeResource(ROUTE_CONFIGURATION, '', { virtual_hosts: [] }).encoded, errors: ['name: required'] },
  {
    name: 'a wildcard inside a domain',
    bytes: () => routes([], ['a.*.b']),
    errors: ['virtual_hosts[0].domains[0]: "a.*.b": a wildcard may only be the first or last character'],
  },
  {
    name: 'a route without an action, a route without cluster, a bad regex',
    bytes: () =>
      routes([
        { match: { prefix: '/' } },
        { match: { prefix: '/' }, route: {} },
        { match: { safe_regex: { regex: '(' } }, route: { cluster: 'c' } },
      ]),
    errors: [
      'virtual_hosts[0].routes[0]: one of route, redirect or direct_response is required',
      'virtual_hosts[0].routes[1].route.cluster: required (or weighted_clusters)',
      'virtual_hosts[0].routes[2].match.safe_regex.regex: invalid: Invalid regular expression: /^(?:()$/: Unterminated group',
    ],
  },
  {
    name: 'header matcher errors, zero weights, bad retry policy',
    bytes: () =>
      routes([
        {
          match: { prefix: '/', headers: [{ name: 'x' }, { string_match: { exact: 'v' } }] },
          route: {
            weighted_clusters: { clusters: [{ name: 'a' }, { weight: { value: 0 } }] },
            retry_policy: { retry_on: '5xx,bogus', retriable_status_codes: [42] },
          },
        },
      ]),
    errors: [
      'virtual_hosts[0].routes[0].match.headers[0]: a match is required (string_match or present_match)',
      'virtual_hosts[0].routes[0].match.headers[1].name: required',
      'virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name: required',
      'virtual_hosts[0].routes[0].route.weighted_clusters.clusters: the sum of weights must be positive',
      'virtual_hosts[0].routes[0].route.retry_policy.retry_on: "bogus" is not a supported condition',
      'virtual_hosts[0].routes[0].route.retry_policy.retriable_status_codes[0]: 42 is not an HTTP status',
    ],
  },
  {
    name: 'hash policies the sidecar cannot apply',
    bytes: () =>
      routes([
        {
          match: { prefix: '/' },
          route: {
            cluster: 'c',
            hash_policy: [
              { query_parameter: { name: 'q' } },
              { filter_state: { key: 'io.grpc.channel_id' } },
              { header: {} },
              { header: { header_name: 'x', regex_rewrite: { pattern: { regex: 'a' }, substitution: 'b' } } },
              { cookie: { name: 'sid', ttl: { seconds: 60 } } },
              { cookie: {} },
              {},
            ],
          },
        },
      ]),
    errors: [
      'virtual_hosts[0].routes[0].route.hash_policy[0].query_parameter: not supported (header, cookie or connection_properties.source_ip)',
      'virtual_hosts[0].routes[0].route.hash_policy[1].filter_state: not supported (header, cookie or connection_properties.source_ip)',
      'virtual_hosts[0].routes[0].route.hash_policy[2].header.header_name: required',
      'virtual_hosts[0].routes[0].route.hash_policy[3].header.regex_rewrite: not supported',
      'virtual_hosts[0].routes[0].route.hash_policy[4].cookie.ttl: generating the cookie is not supported (hash on a cookie the client sends)',
      'virtual_hosts[0].routes[0].route.hash_policy[5].cookie.name: required',
      'virtual_hosts[0].routes[0].route.hash_policy[6]: one of header, cookie or connection_properties is required',
    ],
  },
];

for (const c of cases) {
  void test(`RDS invalid: ${c.name}`, () => {
    assert.deepEqual(errorsOf(decodeRouteConfiguration(c.bytes())), c.errors);
  });
}

void test('RDS: path_separated_prefix, with case_sensitive as for prefix', () => {
  const rc = valueOf(
    decodeRouteConfiguration(
      routes([
        { match: { path_separated_prefix: '/api/dev' }, route: { cluster: 'c' } },
        { match: { path_separated_prefix: '/A', case_sensitive: { value: false } }, route: { cluster: 'c' } },
      ]),
    ),
  );
  assert.deepEqual(
    rc.virtualHosts[0]?.routes.map((r) => r.path),
    [
      { kind: 'path_separated_prefix', value: '/api/dev', caseSensitive: true },
      { kind: 'path_separated_prefix', value: '/A', caseSensitive: false },
    ],
  );
});

// [value, why it is invalid] — the proto's rule: no `?` or `#`, not ending in `/`.
const badSeparatedPrefixes: [string, string][] = [
  ['/api/', 'ends in /'],
  ['/', 'ends in / (use prefix "/")'],
  ['/a?b', 'has a query string'],
  ['/a#b', 'has a fragment'],
];
for (const [value, why] of badSeparatedPrefixes) {
  void test(`RDS invalid: path_separated_prefix "${value}" ${why}`, () => {
    assert.deepEqual(errorsOf(decodeRouteConfiguration(routes([{ match: { path_separated_prefix: value }, route: { cluster: 'c' } }]))), [
      `virtual_hosts[0].routes[0].match.path_separated_prefix: "${value}": must not contain "?" or "#" nor end in "/"`,
    ]);
  });
}

void test('RDS invalid: match fields the sidecar cannot evaluate are rejected, not ignored', () => {
  for (const [field, value] of [
    ['runtime_fraction', { default_value: { numerator: 50 } }],
    ['grpc', {}],
  ] as const) {
    const bytes = makeResource(ROUTE_CONFIGURATION, 'r', {
      name: 'r',
      virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/', [field]: value }, route: { cluster: 'c' } }] }],
    }).encoded;
    const decoded = decodeRouteConfiguration(bytes);
    assert.equal(decoded.ok, false, field);
    if (!decoded.ok) assert.deepEqual(decoded.errors.map((e) => e.path), [`virtual_hosts[0].routes[0].match.${field}`]);
  }
});
