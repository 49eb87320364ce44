// The snapshot cache: per-type versions that move only with content, precomputed diffs, consistency checks
// (refused snapshots keep the previous one), and groups resolved when their first proxy connects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextGroupSnapshot } from '../../../control-plane/cache/group-snapshot.js';
import { SnapshotCache } from '../../../control-plane/cache/snapshot-cache.js';
import { ErrorCode } from '../../../common/errors.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, SIDECAR, startAds } from '../../support/ads-harness.js';
import { assignment, cluster, clusterName, listener, mesh, resourceSet, routeConfig } from '../../support/xds-fixtures.js';

const SIDECARS = { role: 'sidecar', namespace: 'default' } as const;

void test('a type keeps its version while its content is unchanged, and the diff names what changed', () => {
  const first = nextGroupSnapshot(undefined, SIDECARS, 'sidecar/default', mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }), 1);
  const second = nextGroupSnapshot(first.snapshot, SIDECARS, 'sidecar/default', mesh({ a: ['10.0.0.1'], c: ['10.0.0.3'] }), 2);
  const eds1 = first.snapshot.types.get(CLUSTER_LOAD_ASSIGNMENT);
  const eds2 = second.snapshot.types.get(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(second.changedTypes, [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, ROUTE_CONFIGURATION]);
  assert.equal(second.snapshot.types.get(LISTENER), first.snapshot.types.get(LISTENER), 'LDS untouched: same object');
  assert.notEqual(eds2?.version, eds1?.version);
  assert.equal(eds2?.previousVersion, eds1?.version);
  assert.deepEqual(eds2?.changed, [clusterName('c')]);
  assert.deepEqual(eds2?.removed, [clusterName('b')]);
  assert.equal(second.snapshot.generation, 2);

  const same = nextGroupSnapshot(second.snapshot, SIDECARS, 'sidecar/default', mesh({ a: ['10.0.0.1'], c: ['10.0.0.3'] }), 3);
  assert.equal(same.snapshot, second.snapshot);
  assert.deepEqual(same.changedTypes, []);
});

void test('an inconsistent snapshot is refused: the previous one stays, the error is exposed, nothing is pushed', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c, first: v1 } = await ackedSotwSidecar(ads, CLUSTER);

  // The route names cluster b, which is not in CDS.
  ads.publish(resourceSet(cluster('a'), assignment('a', ['10.0.0.1']), routeConfig('80', ['a', 'b']), listener('0.0.0.0_80', 80, '80')));
  assert.deepEqual(await c.quiet(150), []);
  const [error] = ads.cache.errors();
  assert.equal(error?.group, 'sidecar/default');
  assert.equal(error?.code, ErrorCode.INCONSISTENT_SNAPSHOT);
  assert.ok(error?.problems.some((p) => p.includes(clusterName('b'))), error?.problems.join('\n'));
  assert.equal(ads.cache.snapshot(SIDECARS)?.types.get(CLUSTER)?.version, v1.versionInfo);

  // A consistent model again: accepted, error cleared, pushed.
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  assert.equal((await c.next(CLUSTER)).resources.length, 2);
  assert.deepEqual(ads.cache.errors(), []);
});

void test('a group whose first snapshot is inconsistent gets nothing until a consistent one arrives', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(resourceSet(cluster('a')));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  c.subscribe(CLUSTER);
  assert.deepEqual(await c.quiet(150), []);
  assert.match(ads.cache.errors()[0]?.problems[0] ?? '', /load assignment/);

  ads.publish(mesh({ a: ['10.0.0.1'] }));
  assert.equal((await c.next(CLUSTER)).resources.length, 1);
});

void test('only watched groups are resolved; a new group is resolved from the latest model when it appears', () => {
  const cache = new SnapshotCache();
  const resolved: string[] = [];
  cache.update((g) => {
    resolved.push(`${g.role}/${g.namespace}`);
    return mesh({ a: ['10.0.0.1'] });
  }, 1);
  assert.deepEqual(resolved, []);

  const changes: string[][] = [];
  const watch = cache.watch(SIDECARS, (_s, types) => changes.push([...types]));
  assert.deepEqual(resolved, ['sidecar/default']);
  assert.equal(watch.snapshot()?.generation, 1);

  cache.update(() => mesh({ a: ['10.0.0.2'] }), 2);
  assert.deepEqual(changes, [[CLUSTER_LOAD_ASSIGNMENT]]);
  watch.cancel();
  assert.deepEqual(cache.groups(), []);
});
