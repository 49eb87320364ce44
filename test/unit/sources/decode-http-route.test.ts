import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HTTPRoute, HTTPRouteMatch, HTTPRouteRule } from '../../../control-plane/model/types.js';
import { decodeOne, load, problems } from './helpers.js';

const route = (spec: string, version = 'v1'): string =>
  `apiVersion: gateway.networking.k8s.io/${version}\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\nspec:\n${spec}`;
/** A route with one rule whose body is `rule` (flow YAML inside the rule mapping). */
const rule = (body: string): string => route(`  rules:\n  - ${body}\n`);
const ALL: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] };

describe('HTTPRoute decoder', () => {
  it('parents, hostnames and a rule with every default applied', () => {
    const r = decodeOne<HTTPRoute>(
      route(
        '  parentRefs: [{name: gw}, {name: gw2, namespace: edge, sectionName: https, port: 443}]\n  hostnames: [Shop.Example.com, "*.example.com"]\n  rules:\n  - backendRefs: [{name: web, port: 80}]\n',
      ),
    );
    assert.deepEqual(r.parentRefs, [
      { namespace: 'shop', name: 'gw' },
      { namespace: 'edge', name: 'gw2', sectionName: 'https', port: 443 },
    ]);
    assert.deepEqual(r.hostnames, ['shop.example.com', '*.example.com']);
    assert.deepEqual(r.rules, [{ matches: [ALL], filters: [], backendRefs: [{ namespace: 'shop', name: 'web', port: 80, weight: 1 }] }]);
  });

  const good: [string, string, HTTPRouteRule][] = [
    ['matches: [] is one match of PathPrefix "/"', rule('{matches: []}'), { matches: [ALL], filters: [], backendRefs: [] }],
    ['a match without path defaults it', rule('{matches: [{method: get}]}'), { matches: [{ ...ALL, method: 'GET' }], filters: [], backendRefs: [] }],
    [
      'path types, header and query matches (header names lower-cased, first of equal names wins)',
      rule(
        '{matches: [{path: {type: Exact, value: /a}}, {path: {type: RegularExpression, value: "^/v[0-9]+/"}, headers: [{name: X-Env, value: canary}, {name: x-env, value: other}, {type: RegularExpression, name: X-Id, value: "^[0-9]+$"}], queryParams: [{name: Debug, value: "1"}]}]}',
      ),
      {
        matches: [
          { path: { type: 'Exact', value: '/a' }, headers: [], queryParams: [] },
          {
            path: { type: 'RegularExpression', value: '^/v[0-9]+/' },
            headers: [
              { type: 'Exact', name: 'x-env', value: 'canary' },
              { type: 'RegularExpression', name: 'x-id', value: '^[0-9]+$' },
            ],
            queryParams: [{ type: 'Exact', name: 'Debug', value: '1' }],
          },
        ],
        filters: [],
        backendRefs: [],
      },
    ],
    [
      'RequestHeaderModifier',
      rule('{filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: "1"}], add: [{name: x-b, value: "2"}], remove: [X-C]}}]}'),
      { matches: [ALL], filters: [{ type: 'RequestHeaderModifier', set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }], remove: ['x-c'] }], backendRefs: [] },
    ],
    ['RequestRedirect defaults to 302', rule('{filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]}'), { matches: [ALL], filters: [{ type: 'RequestRedirect', scheme: 'https', statusCode: 302 }], backendRefs: [] }],
    [
      'RequestRedirect with every field',
      rule('{filters: [{type: RequestRedirect, requestRedirect: {scheme: http, hostname: WWW.example.com, port: 8080, path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}}]}'),
      { matches: [ALL], filters: [{ type: 'RequestRedirect', scheme: 'http', hostname: 'www.example.com', port: 8080, path: '/new', statusCode: 301 }], backendRefs: [] },
    ],
    [
      'backendRefs: explicit group/kind, namespace, weight 0',
      rule('{backendRefs: [{group: "", kind: Service, name: web, namespace: other, port: 8080, weight: 0}, {name: api, port: 80, weight: 1000000}]}'),
      {
        matches: [ALL],
        filters: [],
        backendRefs: [
          { namespace: 'other', name: 'web', port: 8080, weight: 0 },
          { namespace: 'shop', name: 'api', port: 80, weight: 1000000 },
        ],
      },
    ],
  ];
  for (const [title, text, expected] of good) {
    it(title, () => assert.deepEqual(decodeOne<HTTPRoute>(text).rules, [expected]));
  }

  it('v1beta1 reads the same; more than 16 rules are kept', () => {
    const rules = Array.from({ length: 20 }, (_, i) => `  - matches: [{path: {value: /p${i}}}]\n`).join('');
    assert.equal(decodeOne<HTTPRoute>(route(`  rules:\n${rules}`, 'v1beta1')).rules.length, 20);
  });

  const R = 'spec.rules[0]';
  const bad: [string, string, string[]][] = [
    ['parent without name', route('  parentRefs: [{namespace: edge}]\n'), ['spec.parentRefs[0].name: required']],
    ['parent of another kind', route('  parentRefs: [{kind: Service, group: "", name: web}]\n'), [`spec.parentRefs[0].group: must be "gateway.networking.k8s.io", got ""`, 'spec.parentRefs[0].kind: must be Gateway, got "Service"']],
    ['parent port out of range', route('  parentRefs: [{name: gw, port: 0}]\n'), ['spec.parentRefs[0].port: must be an integer 1-65535, got 0']],
    ['bad hostname', route('  hostnames: ["a_b.example.com"]\n'), [`spec.hostnames[0]: must be a DNS-1123 subdomain, optionally with a leading '*.' wildcard, got "a_b.example.com"`]],
    ['relative path', rule('{matches: [{path: {value: api}}]}'), [`${R}.matches[0].path.value: must be an absolute path starting with '/', got "api"`]],
    ['unknown path type', rule('{matches: [{path: {type: Glob, value: /a}}]}'), [`${R}.matches[0].path.type: must be one of Exact, PathPrefix, RegularExpression, got "Glob"`]],
    ['bad path regex', rule('{matches: [{path: {type: RegularExpression, value: "(/a"}}]}'), [`${R}.matches[0].path.value: not a valid regular expression (Unterminated group), got "(/a"`]],
    ['bad header regex', rule('{matches: [{headers: [{type: RegularExpression, name: x, value: "["}]}]}'), [`${R}.matches[0].headers[0].value: not a valid regular expression (Unterminated character class), got "["`]],
    ['header without value', rule('{matches: [{headers: [{name: x}]}]}'), [`${R}.matches[0].headers[0].value: required`]],
    ['header name not a token', rule('{matches: [{headers: [{name: "a b", value: x}]}]}'), [`${R}.matches[0].headers[0].name: must be an HTTP header name (an RFC 9110 token), got "a b"`]],
    ['query param without name', rule('{matches: [{queryParams: [{value: x}]}]}'), [`${R}.matches[0].queryParams[0].name: required`]],
    ['unknown method', rule('{matches: [{method: FETCH}]}'), [`${R}.matches[0].method: must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, got "FETCH"`]],
    ['unsupported filter', rule('{filters: [{type: URLRewrite, urlRewrite: {hostname: a}}]}'), [`${R}.filters[0].type: URLRewrite filters are not supported by meshlet (supported: RequestHeaderModifier, RequestRedirect)`]],
    ['filter without its settings', rule('{filters: [{type: RequestHeaderModifier}]}'), [`${R}.filters[0].requestHeaderModifier: required`]],
    ['ReplacePrefixMatch', rule('{filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]}'), [`${R}.filters[0].requestRedirect.path.type: ReplacePrefixMatch is not supported by meshlet; use ReplaceFullPath`]],
    ['redirect status 307', rule('{filters: [{type: RequestRedirect, requestRedirect: {statusCode: 307}}]}'), [`${R}.filters[0].requestRedirect.statusCode: must be 301 or 302, got 307`]],
    ['redirect scheme ftp', rule('{filters: [{type: RequestRedirect, requestRedirect: {scheme: ftp}}]}'), [`${R}.filters[0].requestRedirect.scheme: must be one of http, https, got "ftp"`]],
    ['backend without port', rule('{backendRefs: [{name: web}]}'), [`${R}.backendRefs[0].port: required`]],
    ['backend without name', rule('{backendRefs: [{port: 80}]}'), [`${R}.backendRefs[0].name: required`]],
    ['backend weight too large', rule('{backendRefs: [{name: web, port: 80, weight: 1000001}]}'), [`${R}.backendRefs[0].weight: must be an integer 0-1000000, got 1000001`]],
    ['backend of another kind', rule('{backendRefs: [{kind: ServiceImport, group: multicluster.x-k8s.io, name: web, port: 80}]}'), [`${R}.backendRefs[0].group: must be "" (the core group), got "multicluster.x-k8s.io"`, `${R}.backendRefs[0].kind: must be Service, got "ServiceImport"`]],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }

  it('every problem of one route is reported, and errors name the route', () => {
    const { errors } = load(rule('{matches: [{path: {value: x}, method: NOPE}], backendRefs: [{name: Web, port: 0}]}'));
    assert.deepEqual(
      errors.map((e) => [e.object, e.field]),
      [
        ['HTTPRoute shop/r', `${R}.matches[0].path.value`],
        ['HTTPRoute shop/r', `${R}.matches[0].method`],
        ['HTTPRoute shop/r', `${R}.backendRefs[0].name`],
        ['HTTPRoute shop/r', `${R}.backendRefs[0].port`],
      ],
    );
  });
});
