// The router's gateway features: query parameter matching, redirect locations, direct responses, and request
// header mutations with their order across levels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyHeaderMutations, type UpstreamHeaders } from '../../../../proxy/router/header-mutation.js';
import { parseQuery } from '../../../../proxy/router/query.js';
import type { RouteRequest } from '../../../../proxy/router/request.js';
import { compileRouteTable } from '../../../../proxy/router/route-table.js';
import type { HeaderMutation, HeaderToAdd, HeaderValueMatch, ProxyRoute, QueryParameterMatch, RedirectAction } from '../../../../proxy/xds/types.js';
import { prefix, request, route, vhost } from './fixtures.js';

const str = (kind: 'exact' | 'prefix' | 'suffix' | 'contains', value: string, ignoreCase = false): HeaderValueMatch => ({ kind, value, ignoreCase });
const present: HeaderValueMatch = { kind: 'present', present: true };
const q = (name: string, match: HeaderValueMatch): QueryParameterMatch => ({ name, match });

function matchesQuery(params: readonly QueryParameterMatch[], path: string): boolean {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('only', prefix('/'), { queryParameters: params })])] });
  return table.match(request(path)) !== undefined;
}

void test('query parameters: each matcher, the raw (not decoded) value, first value wins, fragment ignored', () => {
  const rows: [QueryParameterMatch[], string, boolean][] = [
    [[q('debug', present)], '/p?debug', true],
    [[q('debug', present)], '/p?debug=', true],
    [[q('debug', present)], '/p?debugx=1', false],
    [[q('debug', present)], '/p', false],
    [[q('debug', present)], '/p#?debug', false], // in the fragment, not the query string
    [[q('debug', present)], '/p?x=1#debug', false],
    [[q('v', str('exact', '2'))], '/p?a=1&v=2', true],
    [[q('v', str('exact', '2'))], '/p?v=2#frag', true],
    [[q('v', str('exact', '2'))], '/p?v=22', false],
    [[q('v', str('exact', '2'))], '/p?v=1&v=2', false], // the first value is the one matched (Envoy's getFirstValue)
    [[q('v', str('exact', '2'))], '/p?v=2&v=1', true],
    [[q('v', str('exact', ''))], '/p?v', true], // no "=": the value is empty
    [[q('v', str('exact', 'a b'))], '/p?v=a%20b', false], // not percent-decoded, as Envoy
    [[q('v', str('exact', 'a%20b'))], '/p?v=a%20b', true],
    [[q('v%31', present)], '/p?v1=x', false], // names are not decoded either
    [[q('v', str('exact', 'x=y'))], '/p?v=x=y', true], // split at the first "="
    [[q('V', present)], '/p?v=1', false], // names are case-sensitive
    [[q('v', str('exact', 'ABC', true))], '/p?v=abc', true],
    [[q('v', str('exact', 'ABC'))], '/p?v=abc', false],
    [[q('v', str('prefix', 'ab'))], '/p?v=abc', true],
    [[q('v', str('suffix', 'bc'))], '/p?v=abc', true],
    [[q('v', str('contains', 'X', true))], '/p?v=axc', true],
    [[q('v', { kind: 'safe_regex', regex: /[0-9]+/ })], '/p?v=123', true],
    [[q('v', { kind: 'safe_regex', regex: /[0-9]+/ })], '/p?v=123a', false], // full match
    [[q('a', present), q('b', str('exact', '2'))], '/p?b=2&a', true], // every matcher must hold
    [[q('a', present), q('b', str('exact', '2'))], '/p?b=2', false],
  ];
  for (const [params, path, want] of rows) assert.equal(matchesQuery(params, path), want, `${JSON.stringify(params)} ${path}`);
});

void test('query parameters: parseQuery splits as Envoy does', () => {
  const rows: [string, [string, string][]][] = [
    ['/p', []],
    ['/p?', []],
    ['/p?a=1&b&c=&a=2', [['a', '1'], ['b', ''], ['c', '']]],
    ['/p?a=1&&b=2', [['a', '1'], ['', ''], ['b', '2']]],
    ['/p?a=%41+b#x=1', [['a', '%41+b']]],
  ];
  for (const [path, want] of rows) assert.deepEqual([...parseQuery(path)], want, path);
});

void test('query parameters: routes are tried in order, a query route falls through to the next', () => {
  const table = compileRouteTable({
    name: 'r',
    virtualHosts: [
      vhost('vh', ['*'], [route('canary', prefix('/'), { queryParameters: [q('canary', str('exact', 'true'))] }), route('stable', prefix('/'))]),
    ],
  });
  assert.equal(table.match(request('/x?canary=true'))?.route.name, 'canary');
  assert.equal(table.match(request('/x?canary=false'))?.route.name, 'stable');
  assert.equal(table.match(request('/x'))?.route.name, 'stable');
});

function answerOf(action: ProxyRoute['action'], req: RouteRequest): { status: number; body: string; location: string | undefined } | undefined {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'], [route('only', prefix('/'), { action })])] });
  const a = table.match(req)?.localAnswer;
  return a && { status: a.status, body: a.body.toString(), location: a.location(req) };
}

const redirect = (r: Partial<RedirectAction>): ProxyRoute['action'] => ({ kind: 'redirect', redirect: { status: 301, stripQuery: false, ...r } });
const req = (scheme: string, authority: string, path: string): RouteRequest => ({ ...request(path, {}, authority), scheme });

void test('redirect: the location as Envoy builds it', () => {
  // [redirect, request scheme, authority, path, location]
  const rows: [Partial<RedirectAction>, string, string, string, string][] = [
    [{}, 'http', 'a.com', '/p?q=1', 'http://a.com/p?q=1'],
    [{ scheme: 'https' }, 'http', 'a.com', '/p', 'https://a.com/p'],
    [{ scheme: 'https' }, 'http', 'a.com:80', '/p', 'https://a.com/p'], // http's explicit :80 dropped on a scheme change
    [{ scheme: 'https' }, 'http', 'a.com:8080', '/p', 'https://a.com:8080/p'], // any other port kept
    [{ scheme: 'http' }, 'https', 'a.com:443', '/p', 'http://a.com/p'],
    [{ scheme: 'http' }, 'http', 'a.com:80', '/p', 'http://a.com:80/p'], // no scheme change, nothing dropped
    [{ scheme: 'https' }, 'http', '[fd00::1]:80', '/p', 'https://[fd00::1]/p'],
    [{ port: 8443 }, 'http', 'a.com:80', '/p', 'http://a.com:8443/p'], // port_redirect replaces the port
    [{ port: 8443 }, 'http', 'a.com', '/p', 'http://a.com:8443/p'],
    [{ scheme: 'https', port: 443 }, 'http', 'a.com:80', '/p', 'https://a.com:443/p'], // Envoy writes port_redirect out
    [{ host: 'b.com' }, 'http', 'a.com:8080', '/p', 'http://b.com/p'], // host_redirect replaces host and port
    [{ host: 'b.com:9' }, 'http', 'a.com', '/p', 'http://b.com:9/p'],
    [{ host: 'b.com', port: 81 }, 'http', 'a.com', '/p', 'http://b.com:81/p'],
    [{ path: '/new' }, 'http', 'a.com', '/old?x=1', 'http://a.com/new?x=1'], // the request's query string is kept
    [{ path: '/new', stripQuery: true }, 'http', 'a.com', '/old?x=1', 'http://a.com/new'],
    [{ path: '/new?y=2', stripQuery: true }, 'http', 'a.com', '/old?x=1', 'http://a.com/new?y=2'], // path_redirect's query wins, never stripped
    [{ path: 'rel' }, 'http', 'a.com', '/old', 'http://a.com/rel'], // a leading / is added
    [{ stripQuery: true }, 'http', 'a.com', '/p?x=1', 'http://a.com/p'],
    [{ scheme: 'https', host: 'secure.a.com', path: '/login', stripQuery: true }, 'http', 'a.com:80', '/x?y', 'https://secure.a.com/login'],
  ];
  for (const [r, scheme, authority, path, want] of rows) {
    assert.deepEqual(answerOf(redirect(r), req(scheme, authority, path)), { status: 301, body: '', location: want }, `${JSON.stringify(r)} ${scheme}://${authority}${path}`);
  }
});

void test('redirect: the status is the configured response code', () => {
  for (const status of [301, 302, 303, 307, 308]) assert.equal(answerOf(redirect({ status, host: 'b' }), request('/'))?.status, status);
});

void test('direct_response: status and body; a location only for 201 and 3xx (the request URI)', () => {
  const direct = (status: number, body: string, bodyEncoding: 'utf8' | 'base64' = 'utf8'): ProxyRoute['action'] => ({ kind: 'direct', status, body, bodyEncoding });
  const r = req('http', 'a.com', '/x?y=1');
  assert.deepEqual(answerOf(direct(404, 'not here'), r), { status: 404, body: 'not here', location: undefined });
  assert.deepEqual(answerOf(direct(200, ''), r), { status: 200, body: '', location: undefined });
  assert.deepEqual(answerOf(direct(503, Buffer.from('bytes').toString('base64'), 'base64'), r), { status: 503, body: 'bytes', location: undefined });
  assert.deepEqual(answerOf(direct(201, ''), r), { status: 201, body: '', location: 'http://a.com/x?y=1' });
  assert.deepEqual(answerOf(direct(302, ''), r), { status: 302, body: '', location: 'http://a.com/x?y=1' });
});

void test('a forwarding route has no local answer', () => {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'])] });
  assert.equal(table.match(request('/'))?.localAnswer, undefined);
});

const h = (name: string, value: string, action: HeaderToAdd['action'] = 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue = false): HeaderToAdd => ({ name, value, action, keepEmptyValue });
const mut = (add: HeaderToAdd[], remove: string[] = []): HeaderMutation => ({ remove, add });

void test('header mutations: each append action, remove before add, empty values, overwrites after appends', () => {
  // [case, headers before, mutations, headers after]
  const rows: [string, UpstreamHeaders, HeaderMutation[], UpstreamHeaders][] = [
    ['append adds when absent', {}, [mut([h('x', '1')])], { x: '1' }],
    ['append adds a line when present', { x: '0' }, [mut([h('x', '1')])], { x: ['0', '1'] }],
    ['append to several lines', { x: ['0', '1'] }, [mut([h('x', '2')])], { x: ['0', '1', '2'] }],
    ['add-if-absent, absent', {}, [mut([h('x', '1', 'ADD_IF_ABSENT')])], { x: '1' }],
    ['add-if-absent, present', { x: '0' }, [mut([h('x', '1', 'ADD_IF_ABSENT')])], { x: '0' }],
    ['overwrite-or-add, present', { x: ['0', '1'] }, [mut([h('x', '2', 'OVERWRITE_IF_EXISTS_OR_ADD')])], { x: '2' }],
    ['overwrite-or-add, absent', {}, [mut([h('x', '2', 'OVERWRITE_IF_EXISTS_OR_ADD')])], { x: '2' }],
    ['overwrite-if-exists, absent', {}, [mut([h('x', '2', 'OVERWRITE_IF_EXISTS')])], {}],
    ['overwrite-if-exists, present', { x: '0' }, [mut([h('x', '2', 'OVERWRITE_IF_EXISTS')])], { x: '2' }],
    ['an empty value is skipped', { x: '0' }, [mut([h('x', ''), h('y', '', 'OVERWRITE_IF_EXISTS_OR_ADD')])], { x: '0' }],
    ['keep_empty_value adds it', {}, [mut([h('y', '', 'APPEND_IF_EXISTS_OR_ADD', true)])], { y: '' }],
    ['remove, then add', { x: '0', z: '9' }, [mut([h('x', '1')], ['x', 'z'])], { x: '1' }],
    ['overwrites land after the appends of their level', {}, [mut([h('x', 'o', 'OVERWRITE_IF_EXISTS_OR_ADD'), h('x', 'a')])], { x: 'o' }],
    ['a later level sees the earlier one', {}, [mut([h('x', '1')]), mut([h('x', '2', 'ADD_IF_ABSENT')])], { x: '1' }],
  ];
  for (const [name, before, mutations, after] of rows) {
    const headers = structuredClone(before);
    applyHeaderMutations(headers, mutations);
    assert.deepEqual(headers, after, name);
  }
});

/** The upstream headers after the matched route's mutations, for the picked cluster. */
function mutated(mostSpecificWins: boolean, cluster: string, before: UpstreamHeaders = {}): UpstreamHeaders {
  const overwrite = (v: string): HeaderMutation => mut([h('x-level', v, 'OVERWRITE_IF_EXISTS_OR_ADD'), h('x-trail', v)]);
  const table = compileRouteTable({
    name: 'r',
    requestHeaders: overwrite('config'),
    mostSpecificHeaderMutationsWins: mostSpecificWins,
    virtualHosts: [
      {
        ...vhost('vh', ['*'], [
          route('only', prefix('/'), {
            requestHeaders: overwrite('route'),
            action: {
              kind: 'weighted',
              clusters: [
                { name: 'a', weight: 1, requestHeaders: overwrite('cluster-a') },
                { name: 'b', weight: 1 },
              ],
              totalWeight: 2,
            },
          }),
        ]),
        requestHeaders: overwrite('vhost'),
      },
    ],
  });
  const match = table.match(request('/'));
  assert.ok(match);
  const headers = structuredClone(before);
  applyHeaderMutations(headers, match.requestHeaderMutations(cluster));
  return headers;
}

void test('header mutations: most specific level first by default (the configuration writes last)', () => {
  assert.deepEqual(mutated(false, 'a'), { 'x-level': 'config', 'x-trail': ['cluster-a', 'route', 'vhost', 'config'] });
  assert.deepEqual(mutated(false, 'b'), { 'x-level': 'config', 'x-trail': ['route', 'vhost', 'config'] });
});

void test('header mutations: most_specific_header_mutations_wins reverses the order', () => {
  assert.deepEqual(mutated(true, 'a'), { 'x-level': 'cluster-a', 'x-trail': ['config', 'vhost', 'route', 'cluster-a'] });
  assert.deepEqual(mutated(true, 'b'), { 'x-level': 'route', 'x-trail': ['config', 'vhost', 'route'] });
});

void test('header mutations: none configured is an empty list shared by every route', () => {
  const table = compileRouteTable({ name: 'r', virtualHosts: [vhost('vh', ['*'])] });
  const m = table.match(request('/'));
  assert.equal(m?.requestHeaderMutations('vh').length, 0);
});
