// State-of-the-world ADS: initial wildcard responses, ACK, push order and "only changed types are pushed".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, SHORT_NAME } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, eventually, SIDECAR, startAds } from '../../support/ads-harness.js';
import { clusterName, listener, mesh } from '../../support/xds-fixtures.js';

void test('a wildcard CDS and LDS request gets the complete sets, versioned, with a nonce', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  c.subscribe(CLUSTER);
  c.subscribe(LISTENER);

  const cds = await c.next(CLUSTER);
  assert.deepEqual(cds.resources.map((r) => r.name).sort(), [clusterName('a'), clusterName('b')]);
  assert.notEqual(cds.versionInfo, '');
  assert.notEqual(cds.nonce, '');
  assert.equal((cds.resources[0]?.body?.['eds_cluster_config'] as { eds_config?: unknown }).eds_config !== undefined, true);
  const lds = await c.next(LISTENER);
  assert.deepEqual(lds.resources.map((r) => r.name), ['0.0.0.0_80']);
  assert.notEqual(lds.nonce, cds.nonce, 'nonces are unique within a stream');
});

void test('an ACK of the latest response makes the type SYNCED in the proxy table; before it, STALE', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  c.subscribe(CLUSTER);
  const cds = await c.next(CLUSTER);

  const proxy = () => [...ads.server.proxies()].find((p) => p.node.id === 'sidecar-1');
  await eventually(() => proxy() !== undefined);
  const state = () => proxy()?.types.get(CLUSTER);
  assert.equal(syncStatusOf(state()), 'STALE');
  assert.equal(state()?.sentVersion, cds.versionInfo);
  assert.equal(state()?.sentNonce, cds.nonce);

  c.ack(cds);
  await eventually(() => syncStatusOf(state()) === 'SYNCED');
  assert.equal(state()?.ackedVersion, cds.versionInfo);
  assert.equal(state()?.wildcard, true);
  assert.equal(syncStatusOf(proxy()?.types.get(LISTENER)), 'NOT SENT');
  assert.equal(ads.metrics.get('pushes:CDS'), 1);
  assert.equal(ads.metrics.get('connected:sotw'), 1);
});

void test('a change to every type is pushed in the order CDS, EDS, LDS, RDS', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c } = await ackedSotwSidecar(ads, CLUSTER);
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a')]);
  c.ack(await c.next(CLUSTER_LOAD_ASSIGNMENT));
  c.subscribe(LISTENER);
  c.ack(await c.next(LISTENER));
  c.subscribe(ROUTE_CONFIGURATION, ['80']);
  c.ack(await c.next(ROUTE_CONFIGURATION));

  // New cluster b (CDS, and EDS for it), a changed endpoint of a (EDS), a new listener (LDS), routes to b (RDS).
  ads.publish(mesh({ a: ['10.0.0.9'], b: ['10.0.0.2'] }, [listener('0.0.0.0_81', 81, '80')]));
  const order: string[] = [];
  for (let i = 0; i < 4; i++) order.push(SHORT_NAME[(await c.next()).typeUrl as typeof CLUSTER]);
  assert.deepEqual(order, ['CDS', 'EDS', 'LDS', 'RDS']);
});

void test('only the types whose content changed are pushed: an endpoint change sends EDS alone', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  for (const type of [CLUSTER, LISTENER]) {
    c.subscribe(type);
    c.ack(await c.next(type));
  }
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a'), clusterName('b')]);
  const eds1 = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  c.ack(eds1);
  c.subscribe(ROUTE_CONFIGURATION, ['80']);
  c.ack(await c.next(ROUTE_CONFIGURATION));

  ads.publish(mesh({ a: ['10.0.0.1', '10.0.0.3'], b: ['10.0.0.2'] }));
  const eds2 = await c.next();
  assert.equal(eds2.typeUrl, CLUSTER_LOAD_ASSIGNMENT);
  assert.notEqual(eds2.versionInfo, eds1.versionInfo);
  // EDS is not a complete-set type: only the changed assignment travels.
  assert.deepEqual(eds2.resources.map((r) => r.name), [clusterName('a')]);
  c.ack(eds2);
  assert.deepEqual(await c.quiet(200), []);

  // Publishing an identical model pushes nothing at all.
  ads.publish(mesh({ a: ['10.0.0.1', '10.0.0.3'], b: ['10.0.0.2'] }));
  assert.deepEqual(await c.quiet(200), []);
});

void test('a new stream of a reconnecting proxy gets the full state again', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const first = ads.sotw(SIDECAR('sidecar-1'));
  first.subscribe(CLUSTER);
  const cds = await first.next(CLUSTER);
  first.ack(cds);
  first.close();
  await eventually(() => ads.server.connected === 0);

  const second = ads.sotw(SIDECAR('sidecar-1'));
  // As Envoy does after a reconnect: the version it last saw, no nonce (nonces do not survive streams).
  second.send({ typeUrl: CLUSTER, versionInfo: cds.versionInfo });
  const again = await second.next(CLUSTER);
  assert.equal(again.versionInfo, cds.versionInfo);
  assert.equal(again.resources.length, 2);
});
