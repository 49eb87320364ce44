// A response is validated whole before anything is applied, and the store swaps per-type maps whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkResponse } from '../../../proxy/xds/check-response.js';
import { ConfigStore } from '../../../proxy/xds/config-store.js';
import type { WireResource } from '../../../proxy/xds/wire.js';
import type { XdsResource } from '../../../xds/resource.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER } from '../../../xds/type-urls.js';
import { assignment, cluster, clusterName } from '../../support/xds-fixtures.js';

const wire = (r: XdsResource, name = r.name): WireResource => ({ name, version: r.hash, typeUrl: r.typeUrl, value: r.encoded });

void test('checkResponse: a type not subscribed, a wrong Any type, a misnamed and a repeated resource', () => {
  assert.deepEqual(checkResponse({ version: '1', typeUrl: 'type.googleapis.com/x.Y', nonce: 'n', resources: [], removed: [] }), {
    ok: false,
    errors: ['type_url: "type.googleapis.com/x.Y" was not subscribed'],
  });
  const a = cluster('a');
  const res = checkResponse({
    version: '1',
    typeUrl: CLUSTER,
    nonce: 'n',
    resources: [wire(a), wire(assignment('a', [])), wire(cluster('b'), 'other'), { ...wire(a), name: '' }],
    removed: [],
  });
  assert.deepEqual(res, {
    ok: false,
    errors: [
      `CDS ${clusterName('a')}: type_url: "${CLUSTER_LOAD_ASSIGNMENT}" in a CDS response`,
      `CDS other: name: the resource is named "${clusterName('b')}"`,
      `CDS ${clusterName('a')}: listed twice in one response`,
    ],
  });
});

void test('ConfigStore: delta upserts and removals, SotW complete sets, unreferenced EDS pruned', () => {
  const store = new ConfigStore();
  const ok = (rs: XdsResource[]) => {
    const c = checkResponse({ version: 'v', typeUrl: rs[0]?.typeUrl ?? CLUSTER, nonce: 'n', resources: rs.map((r) => wire(r)), removed: [] });
    assert.ok(c.ok);
    return c.resources;
  };
  assert.equal(store.apply({ typeUrl: CLUSTER, version: '1', upserts: ok([cluster('a'), cluster('b')]), removed: [], replaceAll: false }), true);
  store.apply({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, version: '1', upserts: ok([assignment('a', ['10.0.0.1']), assignment('b', [])]), removed: [], replaceAll: false });
  const before = store.current;
  assert.equal(store.apply({ typeUrl: CLUSTER, version: '1', upserts: [], removed: ['nope'], replaceAll: false }), false, 'nothing changed');
  store.apply({ typeUrl: CLUSTER, version: '2', upserts: ok([cluster('a')]), removed: [], replaceAll: true });
  assert.deepEqual([...store.current.clusters.keys()], [clusterName('a')]);
  assert.equal(store.current.assignments, before.assignments, 'EDS untouched until pruned');
  store.pruneUnreferenced();
  assert.deepEqual([...store.current.assignments.keys()], [clusterName('a')]);
  assert.deepEqual(store.versionsOf(CLUSTER), new Map([[clusterName('a'), cluster('a').hash]]));
  assert.equal(store.complete, false);
  assert.equal(store.current.listeners.size, 0);
  assert.equal(store.current.versions.get(LISTENER), undefined);
});
