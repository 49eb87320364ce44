// Incremental ADS (xDS protocol, "Incremental xDS"): per-resource versions, subscribe / unsubscribe,
// removed_resources, initial_resource_versions on reconnect, ACK/NACK by nonce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT } from '../../../xds/type-urls.js';
import { eventually, SIDECAR, startAds, type AdsHarness } from '../../support/ads-harness.js';
import { assignment, cluster, clusterName, mesh } from '../../support/xds-fixtures.js';

const names = (resp: { resources: readonly { name: string }[] }): string[] => resp.resources.map((r) => r.name).sort();

function state(ads: AdsHarness, id: string, type: string) {
  return [...ads.server.proxies()].find((p) => p.node.id === id)?.types.get(type as typeof CLUSTER);
}

void test('delta wildcard: every resource with its hash as version, then only what changed', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER });
  const first = await c.next(CLUSTER);
  assert.deepEqual(names(first), [clusterName('a'), clusterName('b')]);
  const versions = new Map(first.resources.map((r) => [r.name, r.version]));
  assert.equal(versions.get(clusterName('a')), cluster('a').hash);
  assert.notEqual(first.systemVersionInfo, '');
  assert.deepEqual(first.removed, []);
  c.ack(first);
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'SYNCED');

  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.3'] }));
  const second = await c.next(CLUSTER);
  assert.deepEqual(names(second), [clusterName('c')], 'unchanged clusters are not resent');
});

void test('delta: a resource gone from the snapshot is sent in removed_resources', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER });
  c.ack(await c.next(CLUSTER));

  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const resp = await c.next(CLUSTER);
  assert.deepEqual(resp.resources, []);
  assert.deepEqual(resp.removed, [clusterName('b')]);
});

void test('delta: subscribe and unsubscribe named resources', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const c = ads.delta(SIDECAR('delta-1'));

  c.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: [clusterName('a')] });
  const a = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(a), [clusterName('a')]);
  c.ack(a);

  c.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: [clusterName('b')] });
  const b = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(b), [clusterName('b')], 'only the newly subscribed resource');
  c.ack(b);

  // Unsubscribing needs no answer, and later changes of a are not sent.
  c.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, unsubscribe: [clusterName('a')] });
  assert.deepEqual(await c.quiet(150), []);
  ads.publish(mesh({ a: ['10.0.0.9'], b: ['10.0.0.2'] }));
  assert.deepEqual(await c.quiet(150), []);
  ads.publish(mesh({ a: ['10.0.0.9'], b: ['10.0.0.8'] }));
  assert.deepEqual(names(await c.next(CLUSTER_LOAD_ASSIGNMENT)), [clusterName('b')]);
  assert.deepEqual(state(ads, 'delta-1', CLUSTER_LOAD_ASSIGNMENT)?.subscribed, [clusterName('b')]);
});

void test('delta: subscribing to a name that does not exist answers removed_resources, and sends it once it exists', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: [clusterName('ghost')] });
  const none = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(none.removed, [clusterName('ghost')]);
  c.ack(none);

  ads.publish(mesh({ a: ['10.0.0.1'], ghost: ['10.0.0.5'] }));
  assert.deepEqual(names(await c.next(CLUSTER_LOAD_ASSIGNMENT)), [clusterName('ghost')]);
});

void test('delta reconnect: initial_resource_versions avoid resending what the client holds', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.3'] }));
  const first = ads.delta(SIDECAR('delta-1'));
  first.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: ['a', 'b', 'c'].map(clusterName) });
  first.ack(await first.next(CLUSTER_LOAD_ASSIGNMENT));
  const held = new Map(first.holding(CLUSTER_LOAD_ASSIGNMENT));
  first.close();

  // While the client is away: a changes, c disappears, b stays.
  ads.publish(mesh({ a: ['10.0.0.9'], b: ['10.0.0.2'] }));
  const second = ads.delta(SIDECAR('delta-1'));
  second.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: ['a', 'b', 'c'].map(clusterName), initialVersions: held });
  const resp = await second.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(resp), [clusterName('a')]);
  assert.equal(resp.resources[0]?.version, assignment('a', ['10.0.0.9']).hash);
  assert.deepEqual(resp.removed, [clusterName('c')]);
});

void test('delta NACK: recorded by nonce, not resent until a new version', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER });
  const v1 = await c.next(CLUSTER);
  c.ack(v1);
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'SYNCED');

  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const v2 = await c.next(CLUSTER);
  c.nack(v2, 'cluster b: unsupported');
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'NACKED');
  assert.equal(state(ads, 'delta-1', CLUSTER)?.nackError, 'cluster b: unsupported');
  assert.equal(state(ads, 'delta-1', CLUSTER)?.nackedVersion, v2.systemVersionInfo);
  assert.deepEqual(await c.quiet(150), []);

  // The next version carries the rejected cluster again along with the new one.
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.3'] }));
  const v3 = await c.next(CLUSTER);
  assert.deepEqual(names(v3), [clusterName('b'), clusterName('c')]);
  c.ack(v3);
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'SYNCED');
});

void test('delta: with a wildcard and an explicit name, unsubscribing the name resends it (the wildcard still covers it)', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER, subscribe: ['*', clusterName('a')] });
  c.ack(await c.next(CLUSTER));
  c.send({ typeUrl: CLUSTER, unsubscribe: [clusterName('a')] });
  const resp = await c.next(CLUSTER);
  assert.deepEqual(names(resp), [clusterName('a')]);
});

void test('delta wildcard reconnect: initial_resource_versions skip held resources, removals are announced', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const first = ads.delta(SIDECAR('delta-1'));
  first.send({ typeUrl: CLUSTER });
  first.ack(await first.next(CLUSTER));
  const held = new Map(first.holding(CLUSTER));
  first.close();

  ads.publish(mesh({ a: ['10.0.0.1'], c: ['10.0.0.3'] }));
  const second = ads.delta(SIDECAR('delta-1'));
  second.send({ typeUrl: CLUSTER, initialVersions: held });
  const resp = await second.next(CLUSTER);
  assert.deepEqual(names(resp), [clusterName('c')]);
  assert.deepEqual(resp.removed, [clusterName('b')]);
});

void test('delta: a subscription naming a resource twice gets it once', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.delta(SIDECAR('delta-1'));
  c.send({ typeUrl: CLUSTER_LOAD_ASSIGNMENT, subscribe: [clusterName('a'), clusterName('a')] });
  assert.deepEqual(names(await c.next(CLUSTER_LOAD_ASSIGNMENT)), [clusterName('a')]);
});
