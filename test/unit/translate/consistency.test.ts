// checkConsistency: every reference inside a set resolves inside the set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConsistency, translate } from '../../../control-plane/translate/index.js';
import { NODE_ROLES } from '../../../control-plane/translate/types.js';
import { makeResource, packAny, type ResourceSet, type XdsResource } from '../../../xds/resource.js';
import {
  CLUSTER,
  CLUSTER_LOAD_ASSIGNMENT,
  HTTP_CONNECTION_MANAGER,
  LISTENER,
  ROUTE_CONFIGURATION,
  TCP_PROXY,
  type ServedTypeUrl,
} from '../../../xds/type-urls.js';
import { smallMesh } from './fixtures.js';

const GREETER = 'outbound|50051||greeter.default.svc.cluster.local';
const DB = 'outbound|5432||db.default.svc.cluster.local';

function sidecar(): ResourceSet {
  return translate(smallMesh(), { role: 'sidecar', namespace: 'default' });
}

/** A copy of `set` with some resources removed and some added. */
function edit(set: ResourceSet, remove: readonly [ServedTypeUrl, string][], add: readonly XdsResource[] = []): ResourceSet {
  const copy = new Map([...set].map(([t, m]) => [t, new Map(m)]));
  for (const [t, name] of remove) copy.get(t)!.delete(name);
  for (const r of add) copy.get(r.typeUrl)!.set(r.name, r);
  return copy;
}

void test('every role’s translation is consistent', () => {
  for (const role of NODE_ROLES) {
    for (const namespace of ['default', 'shop', 'empty']) {
      assert.deepEqual(checkConsistency(translate(smallMesh(), { role, namespace })), [], `${role}/${namespace}`);
    }
  }
});

void test('broken references are reported with type, name and what is missing', () => {
  // [what is removed, expected problems]
  const rows: readonly (readonly [[ServedTypeUrl, string][], string[]])[] = [
    [[[CLUSTER, GREETER]], [`RDS greeter.default.svc.cluster.local:50051: cluster "${GREETER}" is not in CDS`]],
    [[[CLUSTER_LOAD_ASSIGNMENT, GREETER]], [`CDS ${GREETER}: load assignment "${GREETER}" is not in EDS`]],
    [
      [[ROUTE_CONFIGURATION, 'greeter.default.svc.cluster.local:50051']],
      ['LDS 10.96.0.10_50051: route configuration "greeter.default.svc.cluster.local:50051" is not in RDS'],
    ],
    [
      [[CLUSTER, DB], [CLUSTER_LOAD_ASSIGNMENT, DB]],
      [`LDS 10.96.0.20_5432: cluster "${DB}" is not in CDS`],
    ],
    [[[CLUSTER, 'PassthroughCluster']], ['LDS 0.0.0.0_15001: cluster "PassthroughCluster" is not in CDS']],
  ];
  for (const [remove, expected] of rows) {
    assert.deepEqual(checkConsistency(edit(sidecar(), remove)), expected, JSON.stringify(remove));
  }
});

void test('a resource filed under another name is reported', () => {
  const set = sidecar();
  const greeter = set.get(CLUSTER)!.get(GREETER)!;
  const copy = edit(set, []);
  (copy.get(CLUSTER) as Map<string, XdsResource>).set('other', greeter);
  assert.deepEqual(checkConsistency(copy), [`CDS other: resource is named "${GREETER}"`]);
});

void test('resources not built by translation are read from their bytes', () => {
  const hcm = packAny(HTTP_CONNECTION_MANAGER, {
    stat_prefix: 'x',
    rds: { config_source: { ads: {} }, route_config_name: 'missing-route' },
  });
  const tcp = packAny(TCP_PROXY, { stat_prefix: 'y', cluster: 'missing-cluster' });
  const listener = makeResource(LISTENER, 'hand-made', {
    name: 'hand-made',
    filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm }] }, { filters: [{ name: 'tcp', typed_config: tcp }] }],
  });
  assert.deepEqual(checkConsistency(edit(sidecar(), [], [listener])), [
    'LDS hand-made: route configuration "missing-route" is not in RDS',
    'LDS hand-made: cluster "missing-cluster" is not in CDS',
  ]);
});

void test('a set without the referenced type is inconsistent too', () => {
  const set = sidecar();
  const onlyListeners: ResourceSet = new Map([[LISTENER, set.get(LISTENER)!]]);
  const problems = checkConsistency(onlyListeners);
  assert.ok(problems.includes('LDS 10.96.0.10_50051: route configuration "greeter.default.svc.cluster.local:50051" is not in RDS'));
  assert.ok(problems.includes(`LDS 10.96.0.20_5432: cluster "${DB}" is not in CDS`));
});
