// Route matching inside a virtual host: path matchers, header matchers, first match wins, retry policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRouteTable } from '../../../../proxy/router/route-table.js';
import type { RequestHeaders } from '../../../../proxy/router/request.js';
import type { HeaderMatch, PathMatch } from '../../../../proxy/xds/types.js';
import { header, prefix, request, retry, route, vhost } from './fixtures.js';

function matchesPath(path: PathMatch, requestPath: string): boolean {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('only', path)])] });
  return table.match(request(requestPath)) !== undefined;
}

function matchesHeader(h: HeaderMatch, headers: RequestHeaders, method = 'GET'): boolean {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('only', prefix('/'), { headers: [h] })])] });
  return table.match(request('/p', headers, 'svc', method)) !== undefined;
}

const exact = (value: string, caseSensitive = true): PathMatch => ({ kind: 'path', value, caseSensitive });
const regex = (re: RegExp): PathMatch => ({ kind: 'safe_regex', regex: re });
const separated = (value: string, caseSensitive = true): PathMatch => ({ kind: 'path_separated_prefix', value, caseSensitive });

void test('path: prefix, exact, case folding, query string and fragment ignored, regex full match', () => {
  const table: [PathMatch, string, boolean][] = [
    [prefix('/api'), '/api', true],
    [prefix('/api'), '/api/v1', true],
    [prefix('/api'), '/apix', true], // a prefix is characters, not segments
    [prefix('/api'), '/ap', false],
    [prefix('/api'), '/API', false],
    [prefix('/API', false), '/api/v1', true],
    [prefix('/api', false), '/Api', true],
    [prefix('/é', false), '/É', false], // Envoy folds ASCII only
    [prefix('/api'), '/ap?i', false], // the query string is not part of the path
    [prefix('/a?b'), '/a?b', false],
    [exact('/a'), '/a', true],
    [exact('/a'), '/a?x=1', true],
    [exact('/a'), '/a#frag', true],
    [exact('/a'), '/a/', false],
    [exact('/a'), '/ab', false],
    [exact('/a'), '/A', false],
    [exact('/A', false), '/a?Q', true],
    [regex(/\/v[0-9]+\/.*/), '/v1/users', true],
    [regex(/\/v[0-9]+/), '/v1/users', false], // unanchored in the type, still a full match
    [regex(/[0-9]+/), 'x1', false],
    [regex(/\/v[0-9]+\/.*/), '/v1/users?page=2', true],
    [regex(/.*\?.*/), '/a?b', false], // the regex never sees the query string
    [regex(/\/a|\/b/), '/b', true], // alternation is grouped before anchoring
    [regex(/\/a|\/b/), '/ab', false],
    [regex(/^\/x$/m), '/y\n/x', false], // `m` cannot turn the full match into a line match
  ];
  for (const [path, requestPath, want] of table) assert.equal(matchesPath(path, requestPath), want, `${JSON.stringify(path)} ${requestPath}`);
});

// RouteMatch.path_separated_prefix: "the :path header (without the query string) must either exactly match the
// path_separated_prefix or have it as a prefix, followed by /" — the proto's own examples first.
void test('path: path_separated_prefix matches the value or the value followed by /', () => {
  const table: [PathMatch, string, boolean][] = [
    [separated('/api/dev'), '/api/dev', true],
    [separated('/api/dev'), '/api/dev/', true],
    [separated('/api/dev'), '/api/dev/v1', true],
    [separated('/api/dev'), '/api/dev?param=true', true],
    [separated('/api/dev'), '/api/developer', false],
    [separated('/api/dev'), '/api/de', false],
    [separated('/api/dev'), '/api', false],
    [separated('/api/dev'), '/api/dev#frag', true],
    [separated('/api/dev'), '/api/devx?y=/', false], // the character after the value is in the path proper
    [separated('/api/dev'), '/api/dev//', true],
    [separated('/api/dev'), '/API/dev', false], // case-sensitive by default
    [separated('/API/dev', false), '/api/DEV/x', true],
    [separated('/api/dev', false), '/Api/Devx', false],
  ];
  for (const [path, requestPath, want] of table) assert.equal(matchesPath(path, requestPath), want, `${JSON.stringify(path)} ${requestPath}`);
});

void test('path: a regex with the g flag gives the same answer every time (no lastIndex state)', () => {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('only', regex(/\/a/g))])] });
  for (let i = 0; i < 3; i++) assert.ok(table.match(request('/a')), `try ${i}`);
});

void test('headers: each kind, ignore_case, present, invert, several values, pseudo-headers', () => {
  const str = (kind: 'exact' | 'prefix' | 'suffix' | 'contains', value: string, ignoreCase = false) => ({ kind, value, ignoreCase });
  const present = (p: boolean) => ({ kind: 'present' as const, present: p });
  const re = { kind: 'safe_regex' as const, regex: /[0-9]{3}/ };
  const table: [HeaderMatch, RequestHeaders, boolean][] = [
    [header('x', str('exact', 'yes')), { x: 'yes' }, true],
    [header('x', str('exact', 'yes')), { x: 'Yes' }, false],
    [header('x', str('exact', 'yes', true)), { x: 'YeS' }, true],
    [header('x', str('exact', 'yes')), { x: 'yess' }, false],
    [header('x', str('exact', 'yes')), {}, false],
    [header('x', str('exact', '')), { x: '' }, true],
    [header('x', str('prefix', 'ab')), { x: 'abc' }, true],
    [header('x', str('prefix', 'ab')), { x: 'xab' }, false],
    [header('x', str('prefix', 'ab', true)), { x: 'ABc' }, true],
    [header('x', str('suffix', 'bc')), { x: 'abc' }, true],
    [header('x', str('suffix', 'bc')), { x: 'bca' }, false],
    [header('x', str('suffix', 'bc', true)), { x: 'ABC' }, true],
    [header('x', str('suffix', 'bc', true)), { x: 'C' }, false],
    [header('x', str('contains', 'b')), { x: 'abc' }, true],
    [header('x', str('contains', 'b')), { x: 'ac' }, false],
    [header('x', str('contains', 'bc', true)), { x: 'aBCd' }, true],
    [header('x', re), { x: '123' }, true],
    [header('x', re), { x: '1234' }, false], // full match
    [header('x', re), { x: 'a123' }, false],
    [header('x', present(true)), { x: '' }, true],
    [header('x', present(true)), {}, false],
    [header('x', present(false)), {}, true],
    [header('x', present(false)), { x: 'v' }, false],
    // invert: flips a value match; an absent header still fails a value matcher (Envoy)
    [header('x', str('exact', 'yes'), true), { x: 'no' }, true],
    [header('x', str('exact', 'yes'), true), { x: 'yes' }, false],
    [header('x', str('exact', 'yes'), true), {}, false],
    [header('x', re, true), { x: '1234' }, true],
    [header('x', present(true), true), {}, true],
    [header('x', present(true), true), { x: 'v' }, false],
    [header('x', present(false), true), { x: 'v' }, true],
    [header('x', present(false), true), {}, false],
    // several values are joined with ","
    [header('x', str('exact', 'a,b')), { x: ['a', 'b'] }, true],
    [header('x', str('exact', 'a')), { x: ['a', 'b'] }, false],
    [header('x', str('exact', 'a')), { x: ['a'] }, true],
    [header('x', present(true)), { x: [] }, false],
    // pseudo-headers come from the request's fields
    [header(':method', str('exact', 'GET')), {}, true],
    [header(':method', str('exact', 'POST')), {}, false],
    [header(':method', str('exact', 'PUT')), { ':method': 'PUT' }, false], // the field shadows the header
    [header(':authority', str('exact', 'svc')), {}, true],
    [header(':path', str('exact', '/p')), {}, true],
    [header(':scheme', str('exact', 'http')), {}, true],
    [header(':protocol', str('exact', 'websocket')), { ':protocol': 'websocket' }, true], // others: from headers
  ];
  for (const [h, headers, want] of table) {
    assert.equal(matchesHeader(h, headers), want, `${JSON.stringify(h, (_, v: unknown) => (v instanceof RegExp ? String(v) : v))} ${JSON.stringify(headers)}`);
  }
  assert.equal(matchesHeader(header(':method', str('exact', 'POST')), {}, 'POST'), true);
});

void test('routes: every header matcher must hold; the first matching route wins; no route is no match', () => {
  const canary = header('x-canary', { kind: 'exact', value: '1', ignoreCase: false });
  const beta = header('x-beta', { kind: 'present', present: true });
  const routes = [
    route('exact-a', exact('/a')),
    route('canary-beta', prefix('/a'), { headers: [canary, beta] }),
    route('canary', prefix('/a'), { headers: [canary] }),
    route('all-a', prefix('/a')),
    route('shadowed', prefix('/a/b')),
    route('v1', prefix('/v1')),
  ];
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['svc'], routes)] });
  const cases: [path: string, headers: RequestHeaders, want: string | undefined][] = [
    ['/a', { 'x-canary': '1' }, 'exact-a'],
    ['/a/b', { 'x-canary': '1', 'x-beta': '' }, 'canary-beta'],
    ['/a/b', { 'x-canary': '1' }, 'canary'],
    ['/a/b', { 'x-beta': '' }, 'all-a'],
    ['/a/b', {}, 'all-a'],
    ['/v1/x', {}, 'v1'],
    ['/other', {}, undefined], // the virtual host matches, no route does: 404 NR
  ];
  for (const [path, headers, want] of cases) assert.equal(table.match(request(path, headers))?.route.name, want, `${path} ${JSON.stringify(headers)}`);
  assert.equal(table.match(request('/a', {}, 'elsewhere')), undefined);
});

void test('match result: precomputed (the same object every time), its cluster, the retry policy route over vhost', () => {
  const onRoute = retry(5);
  const onHost = retry(2);
  const table = compileRouteTable({
    name: 'r',
    virtualHosts: [
      vhost('with', ['with'], [route('own', prefix('/own'), { retryPolicy: onRoute }), route('inherits', prefix('/'))], onHost),
      vhost('without', ['without'], [route('none', prefix('/'))]),
    ],
  });
  const own = table.match(request('/own', {}, 'with'));
  assert.equal(own?.retryPolicy, onRoute);
  assert.equal(own.cluster(0.5), 'own');
  assert.equal(table.match(request('/own', {}, 'with')), own);
  assert.equal(table.match(request('/x', {}, 'with'))?.retryPolicy, onHost);
  assert.equal(table.match(request('/x', {}, 'without'))?.retryPolicy, undefined);
  assert.equal(table.name, 'r');
});
