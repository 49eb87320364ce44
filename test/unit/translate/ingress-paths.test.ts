// Ingress path matching, end to end: the table "Examples" of the Kubernetes Ingress documentation
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#examples), each row translated by
// ingress-paths.ts, ordered by its comparator, encoded as a real RouteConfiguration, decoded by the sidecar's
// RDS decoder and matched by its router — so a row fails if path_separated_prefix or the ordering breaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareIngressPaths, ingressRouteMatch, type IngressPathSpec, type IngressRouteMatch } from '../../../control-plane/translate/ingress-paths.js';
import type { PathType } from '../../../control-plane/model/types.js';
import { decodeRouteConfiguration } from '../../../proxy/xds/decoders/route.js';
import { compileRouteTable } from '../../../proxy/router/route-table.js';
import { makeResource } from '../../../xds/resource.js';
import { ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';

const spec = (pathType: PathType, path: string): IngressPathSpec => ({ pathType, path });
const exact = (path: string) => spec('Exact', path);
const prefix = (path: string) => spec('Prefix', path);
const implementation = (path: string) => spec('ImplementationSpecific', path);
const nameOf = (p: IngressPathSpec) => `${p.pathType} ${p.path}`;

/** The route that serves `requestPath` among `paths` (named `<pathType> <path>`), or undefined for none. */
function servedBy(paths: readonly IngressPathSpec[], requestPath: string): string | undefined {
  const routes = [...paths].sort(compareIngressPaths).flatMap((p) => {
    const match = ingressRouteMatch(p);
    return match === undefined ? [] : [{ name: nameOf(p), match, route: { cluster: nameOf(p) } }];
  });
  const bytes = makeResource(ROUTE_CONFIGURATION, 'ingress', { name: 'ingress', virtual_hosts: [{ name: 'vh', domains: ['*'], routes }] }).encoded;
  const decoded = decodeRouteConfiguration(bytes);
  if (!decoded.ok) assert.fail(decoded.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  const request = { authority: 'example.com', path: requestPath, method: 'GET', scheme: 'http', headers: {} };
  return compileRouteTable(decoded.value).match(request)?.route.name;
}

// [paths, as listed in the manifest; request path; the path whose route serves it, or undefined for no match].
// The documentation's rows, in its order; where a row has several paths they are listed shortest first, so the
// row passes only if the routes are reordered.
const examples: [readonly IngressPathSpec[], string, IngressPathSpec | undefined][] = [
  [[prefix('/')], '/', prefix('/')], // (all paths)
  [[prefix('/')], '/anything/at/all', prefix('/')],
  [[exact('/foo')], '/foo', exact('/foo')],
  [[exact('/foo')], '/bar', undefined],
  [[exact('/foo')], '/foo/', undefined],
  [[exact('/foo/')], '/foo', undefined],
  [[prefix('/foo')], '/foo', prefix('/foo')],
  [[prefix('/foo')], '/foo/', prefix('/foo')],
  [[prefix('/foo/')], '/foo', prefix('/foo/')],
  [[prefix('/foo/')], '/foo/', prefix('/foo/')],
  [[prefix('/aaa/bb')], '/aaa/bbb', undefined],
  [[prefix('/aaa/bbb')], '/aaa/bbb', prefix('/aaa/bbb')],
  [[prefix('/aaa/bbb/')], '/aaa/bbb', prefix('/aaa/bbb/')], // ignores trailing slash
  [[prefix('/aaa/bbb')], '/aaa/bbb/', prefix('/aaa/bbb')], // matches trailing slash
  [[prefix('/aaa/bbb')], '/aaa/bbb/ccc', prefix('/aaa/bbb')], // matches subpath
  [[prefix('/aaa/bbb')], '/aaa/bbbxyz', undefined], // does not match string prefix
  [[prefix('/'), prefix('/aaa')], '/aaa/ccc', prefix('/aaa')],
  [[prefix('/'), prefix('/aaa'), prefix('/aaa/bbb')], '/aaa/bbb', prefix('/aaa/bbb')],
  [[prefix('/'), prefix('/aaa'), prefix('/aaa/bbb')], '/ccc', prefix('/')],
  [[prefix('/aaa')], '/ccc', undefined],
  [[prefix('/'), exact('/foo')], '/foo', exact('/foo')], // Mixed: Exact wins
  [[prefix('/'), exact('/foo')], '/bar', prefix('/')],
];

// Beyond the documentation: precedence ties, the query string, case, and meshlet's ImplementationSpecific.
const more: [string, readonly IngressPathSpec[], string, IngressPathSpec | undefined][] = [
  ['Exact before Prefix of equal length', [prefix('/foo'), exact('/foo')], '/foo', exact('/foo')],
  ['the same length counts without the trailing slash', [prefix('/foo/'), exact('/foo')], '/foo', exact('/foo')],
  ['a longer Prefix over a shorter Exact', [exact('/foo'), prefix('/foo/bar')], '/foo/bar', prefix('/foo/bar')],
  ['the Prefix still serves its subpaths', [prefix('/foo'), exact('/foo')], '/foo/x', prefix('/foo')],
  ['the query string is ignored (Prefix)', [prefix('/aaa')], '/aaa?x=/b', prefix('/aaa')],
  ['the query string is ignored (Exact)', [exact('/foo')], '/foo?x=1', exact('/foo')],
  ['the query string is not part of the last element', [prefix('/aaa')], '/aaab?x', undefined],
  ['Prefix is case-sensitive', [prefix('/foo')], '/FOO', undefined],
  ['Exact is case-sensitive', [exact('/foo')], '/Foo', undefined],
  ['ImplementationSpecific /foo/* matches /foo/bar', [implementation('/foo/*')], '/foo/bar', implementation('/foo/*')],
  ['ImplementationSpecific /foo/* matches /foo/', [implementation('/foo/*')], '/foo/', implementation('/foo/*')],
  ['ImplementationSpecific /foo/* matches /foo (meshlet choice)', [implementation('/foo/*')], '/foo', implementation('/foo/*')],
  ['ImplementationSpecific /foo/* does not match /foobar', [implementation('/foo/*')], '/foobar', undefined],
  ['ImplementationSpecific /* matches all paths', [implementation('/*')], '/x/y', implementation('/*')],
  ['ImplementationSpecific without /* is Prefix', [implementation('/foo')], '/foo/bar', implementation('/foo')],
  ['ImplementationSpecific without /* is element-wise', [implementation('/foo')], '/foobar', undefined],
  ['ImplementationSpecific absent path (v1beta1) matches all', [implementation('')], '/x', implementation('')],
  ['ImplementationSpecific /foo/* over Prefix /', [prefix('/'), implementation('/foo/*')], '/foo/x', implementation('/foo/*')],
  ['ImplementationSpecific ranks as its prefix', [implementation('/foo/*'), exact('/foo')], '/foo', exact('/foo')],
  ['a path with ? can match nothing and is left out', [prefix('/a?b')], '/a?b', undefined],
];

for (const [paths, requestPath, want] of examples) {
  void test(`Ingress example: ${paths.map(nameOf).join(', ')} — ${requestPath} → ${want ? nameOf(want) : 'no match'}`, () => {
    assert.equal(servedBy(paths, requestPath), want && nameOf(want));
  });
}

for (const [name, paths, requestPath, want] of more) {
  void test(`Ingress paths: ${name}`, () => {
    assert.equal(servedBy(paths, requestPath), want && nameOf(want));
  });
}

void test('Ingress paths: the RouteMatch of each path', () => {
  const table: [IngressPathSpec, IngressRouteMatch | undefined][] = [
    [exact('/foo'), { path: '/foo' }],
    [exact('/foo/'), { path: '/foo/' }],
    [prefix('/'), { prefix: '/' }],
    [prefix('/foo'), { path_separated_prefix: '/foo' }],
    [prefix('/foo/'), { path_separated_prefix: '/foo' }],
    [implementation('/foo/*'), { path_separated_prefix: '/foo' }],
    [implementation('/*'), { prefix: '/' }],
    [implementation('/foo'), { path_separated_prefix: '/foo' }],
    [implementation(''), { prefix: '/' }],
    [exact('/a#b'), undefined],
  ];
  for (const [p, want] of table) assert.deepEqual(ingressRouteMatch(p), want, nameOf(p));
});

void test('Ingress paths: the order is by precedence and does not depend on the manifest order', () => {
  const paths = [prefix('/'), implementation('/b/*'), prefix('/aaa/'), exact('/aaa'), prefix('/aaa/bbb'), exact('/b')];
  const want = ['Prefix /aaa/bbb', 'Exact /aaa', 'Prefix /aaa/', 'Exact /b', 'ImplementationSpecific /b/*', 'Prefix /'];
  assert.deepEqual([...paths].sort(compareIngressPaths).map(nameOf), want);
  assert.deepEqual([...paths].reverse().sort(compareIngressPaths).map(nameOf), want);
});
