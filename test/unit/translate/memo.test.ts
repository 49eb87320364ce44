// Memoisation: a new snapshot reuses the resource objects of everything that did not change, so the cache
// (and delta xDS) sees only what did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeshSnapshot, ResolvedService } from '../../../control-plane/model/types.js';
import { translate } from '../../../control-plane/translate/index.js';
import type { NodeRole } from '../../../control-plane/translate/types.js';
import type { ResourceSet } from '../../../xds/resource.js';
import { LISTENER, SHORT_NAME } from '../../../xds/type-urls.js';
import { endpoint, smallMesh, snapshot, withEndpoints } from './fixtures.js';

/** `TYPE name` of every resource of `after` that is not the very same object as in `before`. */
function changed(before: ResourceSet, after: ResourceSet): string[] {
  const out: string[] = [];
  for (const [type, resources] of after) {
    for (const [name, r] of resources) if (before.get(type)?.get(name) !== r) out.push(`${SHORT_NAME[type]} ${name}`);
  }
  return out;
}

function replace(mesh: MeshSnapshot, name: string, f: (rs: ResolvedService) => ResolvedService): MeshSnapshot {
  return snapshot(mesh.services.map((rs) => (rs.service.meta.name === name ? f(rs) : rs)), mesh.generation + 1);
}

const ROLES: readonly NodeRole[] = ['sidecar', 'proxyless', 'gateway', 'dns'];

void test('unchanged snapshot content, new snapshot object: every resource is the same object', () => {
  const before = smallMesh();
  const after = snapshot(before.services, 2);
  for (const role of ROLES) {
    assert.deepEqual(changed(translate(before, { role, namespace: 'default' }), translate(after, { role, namespace: 'default' })), [], role);
  }
});

void test('one endpoint of a ClusterIP service changes: only its assignment is new (NameTable untouched)', () => {
  const before = smallMesh();
  const after = replace(before, 'greeter', (rs) => withEndpoints(rs, 0, [endpoint('10.244.1.2', 50051), endpoint('10.244.3.3', 50051)]));
  const expected: Readonly<Record<string, string[]>> = {
    sidecar: ['EDS outbound|50051||greeter.default.svc.cluster.local'],
    proxyless: ['EDS outbound|50051||greeter.default.svc.cluster.local'],
    gateway: ['EDS outbound|50051||greeter.default.svc.cluster.local'],
    dns: [],
  };
  for (const role of ROLES) {
    const a = translate(before, { role, namespace: 'default' });
    const b = translate(after, { role, namespace: 'default' });
    assert.deepEqual(changed(a, b), expected[role], role);
  }
});

void test('a headless endpoint changes: its assignment and the NameTable are new', () => {
  const before = smallMesh();
  const after = replace(before, 'peers', (rs) => withEndpoints(rs, 0, [endpoint('10.244.1.8', 7000, { hostname: 'peer-1' })]));
  const a = translate(before, { role: 'sidecar', namespace: 'default' });
  const b = translate(after, { role: 'sidecar', namespace: 'default' });
  assert.deepEqual(changed(a, b), ['EDS outbound|7000||peers.default.svc.cluster.local', 'NDS cluster.local']);
});

void test('a Service changes (new object, same endpoints): its Service-derived resources are rebuilt', () => {
  const before = smallMesh();
  const relabel = (rs: ResolvedService): ResolvedService => ({ ...rs, service: { ...rs.service, meta: { ...rs.service.meta, labels: { v: '2' } } } });
  const after = replace(before, 'web', relabel);
  const a = translate(before, { role: 'sidecar', namespace: 'default' });
  const b = translate(after, { role: 'sidecar', namespace: 'default' });
  assert.deepEqual(changed(a, b), [
    'CDS outbound|80||web.shop.svc.cluster.local',
    'LDS 10.96.0.30_80',
    'RDS web.shop.svc.cluster.local:80',
    'NDS cluster.local',
  ]);
  // the assignment is keyed by the (unchanged) ResolvedPort; the rebuilt ones have equal content: the same bytes
  for (const [type, resources] of b) for (const [name, r] of resources) assert.equal(a.get(type)?.get(name)?.hash, r.hash, name);
});

void test('same Service object with a new ClusterIP: the memo notices and rebuilds', () => {
  const before = smallMesh();
  const after = replace(before, 'db', (rs) => ({ ...rs, clusterIP: '10.96.0.99' }));
  assert.ok(translate(before, { role: 'sidecar', namespace: 'default' }).get(LISTENER)!.has('10.96.0.20_5432'));
  const b = translate(after, { role: 'sidecar', namespace: 'default' });
  assert.ok(b.get(LISTENER)!.has('10.96.0.99_5432'));
  assert.ok(!b.get(LISTENER)!.has('10.96.0.20_5432'));
});
