// Gateway API translation: hostname intersection, HTTPRoute precedence, attachment, actions. Tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayApiRoutes } from '../../../control-plane/translate/gateway-api.js';
import { attachedHostnames, intersectHostname } from '../../../control-plane/translate/gateway-hostnames.js';
import { compareHttpRouteMatches, type RankedMatch } from '../../../control-plane/translate/http-route-precedence.js';
import { translate } from '../../../control-plane/translate/index.js';
import type { HTTPRouteMatch } from '../../../control-plane/model/types.js';
import { A, B, B_ADMIN, gateway, gatewayMesh, httpRoute, ingress, listener, match, path, rule, secret, tlsChains, vhosts } from './gateway-fixtures.js';

const GATEWAY = { role: 'gateway', namespace: '*' } as const;

void test('hostname intersection (HTTPRoute spec.hostnames)', () => {
  const table: [string | undefined, string, string | undefined][] = [
    [undefined, 'foo.example.com', 'foo.example.com'],
    ['foo.example.com', 'foo.example.com', 'foo.example.com'],
    ['foo.example.com', 'bar.example.com', undefined],
    ['*.example.com', 'foo.example.com', 'foo.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'], // Gateway API wildcards: any depth
    ['*.example.com', 'example.com', undefined],
    ['foo.example.com', '*.example.com', 'foo.example.com'],
    ['*.example.com', '*.foo.example.com', '*.foo.example.com'],
    ['*.foo.example.com', '*.example.com', '*.foo.example.com'],
    ['*.example.com', '*.example.org', undefined],
  ];
  for (const [l, r, want] of table) assert.equal(intersectHostname(l, r), want, `${l ?? '(none)'} ∩ ${r}`);
  assert.deepEqual(attachedHostnames(undefined, []), ['*']);
  assert.deepEqual(attachedHostnames('*.example.com', []), ['*.example.com']);
  assert.deepEqual(attachedHostnames('a.example.com', ['b.example.com']), []);
});

function ranked(m: HTTPRouteMatch, route = 'r', created = '', ruleIndex = 0, matchIndex = 0): RankedMatch {
  return { match: m, route: { namespace: 'default', name: route, creationTimestamp: created }, ruleIndex, matchIndex };
}

const H = { type: 'Exact', name: 'x', value: '1' } as const;

void test('HTTPRoute precedence: each row, the first sorts before the second', () => {
  const table: [string, RankedMatch, RankedMatch][] = [
    ['Exact before any prefix', ranked(match('/a', 'Exact')), ranked(match('/a/very/long/prefix'))],
    ['RegularExpression after Exact, before PathPrefix', ranked(match('/a.*', 'RegularExpression')), ranked(match('/a/b/c'))],
    ['longer prefix first', ranked(match('/api/v1')), ranked(match('/api'))],
    ['a trailing / does not count', ranked(match('/api')), ranked(match('/ap/'), 'q')],
    ['method match next', ranked(match('/a', 'PathPrefix', { method: 'GET' }), 'z'), ranked(match('/a', 'PathPrefix', { headers: [H, H] }))],
    ['more header matches', ranked(match('/a', 'PathPrefix', { headers: [H, H] }), 'z'), ranked(match('/a', 'PathPrefix', { headers: [H] }))],
    ['more query matches', ranked(match('/a', 'PathPrefix', { queryParams: [H] }), 'z'), ranked(match('/a'))],
    ['older route', ranked(match('/a'), 'z', '2024-01-01T00:00:00Z'), ranked(match('/a'), 'a', '2024-06-01T00:00:00Z')],
    ['then namespace/name', ranked(match('/a'), 'a'), ranked(match('/a'), 'b')],
    ['then rule order', ranked(match('/a'), 'r', '', 0, 5), ranked(match('/a'), 'r', '', 1, 0)],
    ['then match order', ranked(match('/a'), 'r', '', 1, 0), ranked(match('/a'), 'r', '', 1, 1)],
  ];
  for (const [why, first, second] of table) {
    assert.ok(compareHttpRouteMatches(first, second) < 0, why);
    assert.ok(compareHttpRouteMatches(second, first) > 0, `${why} (reversed)`);
  }
});

void test('HTTPRoutes: attachment, hostnames, precedence across routes, weighted clusters, filters', () => {
  const m = gatewayMesh({
    gateways: [gateway('gw', [listener('web', 'HTTP'), listener('tls', 'HTTPS', { hostname: '*.example.com', certificateRefs: [{ namespace: 'default', name: 'wild' }] })])],
    secrets: [secret('wild')],
    httpRoutes: [
      httpRoute('split', {
        hostnames: ['shop.example.com'],
        rules: [rule([match('/')], [['a', 80, 1], ['b', 80, 3], ['b', 8080, 0]])],
      }),
      httpRoute('api', {
        created: '2024-01-01T00:00:00Z',
        hostnames: ['shop.example.com'],
        rules: [
          rule([match('/api', 'PathPrefix', { method: 'POST', queryParams: [{ type: 'Exact', name: 'v', value: '2' }] })], [['b', 8080]], {
            filters: [{ type: 'RequestHeaderModifier', set: [{ name: 'x-set', value: '1' }], add: [], remove: ['x-drop'] }],
          }),
          rule([match('/old', 'Exact')], [], { filters: [{ type: 'RequestRedirect', scheme: 'https', path: '/new', statusCode: 301 }] }),
          rule([match('/nothing')], [['missing', 80]]),
        ],
      }),
      httpRoute('elsewhere', { hostnames: ['other.org'], rules: [rule([match('/')], [['a', 80]])] }),
    ],
  });
  const set = translate(m, GATEWAY);
  assert.deepEqual(vhosts(set, 'http.8080'), {
    'other.org': ['/* → ' + A],
    'shop.example.com': [
      '=/old → redirect path_redirect=/new scheme_redirect=https MOVED_PERMANENTLY',
      '/nothing/* → 500',
      '/api/* [:method=POST] ?v=2 → ' + B_ADMIN,
      `/* → ${A}*1 + ${B}*3`,
    ],
    '*': ['/* → 404'],
  });
  // The HTTPS listener's hostname *.example.com: other.org does not intersect.
  assert.deepEqual(Object.keys(vhosts(set, 'https.8443')), ['shop.example.com', '*']);
  assert.deepEqual(tlsChains(set, '0.0.0.0_8443'), ['*.example.com → wild', '(any) → wild']);
  const status = gatewayApiRoutes(m);
  assert.deepEqual(status.routes.get('default/elsewhere')?.parents.map((p) => [p.attached, p.reason, p.listeners.join(',')]), [[true, 'Accepted', 'web']]);
  assert.deepEqual(status.routes.get('default/api')?.problems, ['spec.rules[2].backendRefs[0]: BackendNotFound: Service default/missing not found']);
  assert.deepEqual(status.gateways.get('default/gw')?.map((l) => [l.name, l.attachedRoutes]), [['web', 3], ['tls', 2]]);
});

void test('HTTPRoutes: parents that do not accept them, with the reason', () => {
  const m = gatewayMesh({
    gateways: [
      gateway('gw', [listener('web', 'HTTP', { hostname: 'a.test' })]),
      gateway('other-class', [listener('web', 'HTTP')], 'default', 'istio'),
    ],
    httpRoutes: [
      httpRoute('r', {
        namespace: 'shop',
        parents: [{ name: 'gw', namespace: 'default' }, { name: 'other-class', namespace: 'default' }, { name: 'gw', namespace: 'default', sectionName: 'nope' }],
        rules: [rule([match('/')], [['c', 80]])],
      }),
      httpRoute('h', { hostnames: ['b.test'], rules: [rule([match('/')], [['a', 80]])] }),
    ],
  });
  const routes = gatewayApiRoutes(m).routes;
  assert.deepEqual(routes.get('shop/r')?.parents.map((p) => p.reason), ['NotAllowedByListeners', 'NoMatchingParent', 'NoMatchingParent']);
  assert.deepEqual(routes.get('default/h')?.parents.map((p) => p.reason), ['NoMatchingListenerHostname']);
  assert.deepEqual(vhosts(translate(m, GATEWAY), 'http.8080'), { '*': ['/* → 404'] });
});

void test('Ingress and HTTPRoute on one host share the virtual host, HTTPRoute routes first', () => {
  const m = gatewayMesh({
    ingresses: [ingress('i', { rules: [{ host: 'x.test', paths: [path('/', 'a', 80)] }] })],
    gateways: [gateway('gw', [listener('web', 'HTTP')])],
    httpRoutes: [httpRoute('h', { hostnames: ['x.test'], rules: [rule([match('/', 'PathPrefix')], [['b', 80]])] })],
  });
  assert.deepEqual(vhosts(translate(m, GATEWAY), 'http.8080')['x.test'], ['/* → ' + B, '/* → ' + A]);
});
