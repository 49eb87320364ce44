// NACK and stale nonces (xDS protocol, "ACK/NACK and resource type instance version", "Resource updates").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, eventually, startAds, type AdsHarness } from '../../support/ads-harness.js';
import { assignment, cluster, clusterName, mesh, resourceSet } from '../../support/xds-fixtures.js';

function cdsState(ads: AdsHarness, id: string) {
  return [...ads.server.proxies()].find((p) => p.node.id === id)?.types.get(CLUSTER);
}

void test('a NACK is recorded with its error, the proxy keeps the old version, and the version is not resent', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c, first: v1 } = await ackedSotwSidecar(ads, CLUSTER);
  await eventually(() => syncStatusOf(cdsState(ads, 'sidecar-1')) === 'SYNCED');

  ads.publish(resourceSet(cluster('a', 99), assignment('a', ['10.0.0.1'])));
  const v2 = await c.next(CLUSTER);
  c.nack(v2, 'cluster outbound|80||a: connect_timeout too large');

  const state = () => cdsState(ads, 'sidecar-1');
  await eventually(() => syncStatusOf(state()) === 'NACKED');
  assert.equal(state()?.nackedVersion, v2.versionInfo);
  assert.equal(state()?.ackedVersion, v1.versionInfo, 'the control plane knows the proxy still runs v1');
  assert.equal(state()?.nackError, 'cluster outbound|80||a: connect_timeout too large');
  assert.equal(state()?.nackCount, 1);
  assert.equal(c.ackedVersion(CLUSTER), v1.versionInfo);
  assert.equal(ads.metrics.get('nacks:CDS'), 1);
  assert.deepEqual(await c.quiet(250), [], 'the rejected version is not sent again');

  // A new version goes out; its ACK clears the NACK.
  ads.publish(resourceSet(cluster('a', 2), assignment('a', ['10.0.0.1'])));
  const v3 = await c.next(CLUSTER);
  assert.notEqual(v3.versionInfo, v2.versionInfo);
  c.ack(v3);
  await eventually(() => syncStatusOf(state()) === 'SYNCED');
  assert.equal(state()?.nackError, undefined);
  assert.equal(state()?.nackCount, 1, 'the count of NACKs stays');
});

void test('an EDS resource rejected by a NACK goes out again with the next version, even if unchanged', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const { c } = await ackedSotwSidecar(ads, CLUSTER_LOAD_ASSIGNMENT, [clusterName('a'), clusterName('b')]);

  ads.publish(mesh({ a: ['10.0.0.99'], b: ['10.0.0.2'] }));
  const rejected = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  c.nack(rejected, 'bad endpoint');
  assert.deepEqual(await c.quiet(150), []);

  ads.publish(mesh({ a: ['10.0.0.99'], b: ['10.0.0.3'] }));
  const next = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(next.resources.map((r) => r.name).sort(), [clusterName('a'), clusterName('b')]);
});

void test('a request carrying a stale nonce is ignored: no NACK recorded, no response', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c, first: v1 } = await ackedSotwSidecar(ads, CLUSTER);

  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  const v2 = await c.next(CLUSTER);
  // The client answers v1's nonce after v2 was sent: that request is stale.
  c.send({ typeUrl: CLUSTER, versionInfo: '', responseNonce: v1.nonce, errorDetail: { message: 'late NACK of v1' } });
  c.send({ typeUrl: CLUSTER, responseNonce: v1.nonce, resourceNames: ['only-this'] });
  assert.deepEqual(await c.quiet(200), []);
  const state = cdsState(ads, 'sidecar-1');
  assert.equal(state?.nackCount, 0);
  assert.equal(state?.wildcard, true, 'the stale request did not change the subscription');
  assert.equal(syncStatusOf(state), 'STALE');

  c.ack(v2);
  await eventually(() => syncStatusOf(cdsState(ads, 'sidecar-1')) === 'SYNCED');
});
