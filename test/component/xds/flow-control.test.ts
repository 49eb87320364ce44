// Pushes under the send budget: a stream with unflushed bytes keeps later pushes pending, sends them in push
// order once flushed, and computes them from the snapshot current then, so versions that went by coalesce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, SHORT_NAME } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, startAds } from '../../support/ads-harness.js';
import { clusterName, mesh } from '../../support/xds-fixtures.js';

const TIGHT = { sendBudgetBytes: 1, streamBudgetBytes: 1 };

void test('with a tight budget, versions published while a push is in flight coalesce into the latest', async (t) => {
  const ads = await startAds({}, TIGHT);
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c } = await ackedSotwSidecar(ads, CLUSTER_LOAD_ASSIGNMENT, [clusterName('a')]);

  ads.publish(mesh({ a: ['10.0.0.2'] })); // written at once
  ads.publish(mesh({ a: ['10.0.0.3'] })); // pending: the stream has unflushed bytes
  ads.publish(mesh({ a: ['10.0.0.4'] })); // replaces the pending one
  const v2 = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  const latest = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  const ip = (r: typeof v2): unknown => {
    const endpoints = r.resources[0]?.body?.['endpoints'] as { lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[] }[];
    return endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address.address;
  };
  assert.equal(ip(v2), '10.0.0.2');
  assert.equal(ip(latest), '10.0.0.4');
  assert.equal(latest.versionInfo, ads.cache.snapshot({ role: 'sidecar', namespace: 'default' })?.types.get(CLUSTER_LOAD_ASSIGNMENT)?.version);
  assert.deepEqual(await c.quiet(150), []);
});

void test('with a tight budget, a multi-type change still arrives in push order, every type once', async (t) => {
  const ads = await startAds({}, TIGHT);
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c } = await ackedSotwSidecar(ads, CLUSTER);
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a'), clusterName('b')]);
  c.ack(await c.next(CLUSTER_LOAD_ASSIGNMENT));

  ads.publish(mesh({ a: ['10.0.0.2'], b: ['10.0.0.3'] }));
  const order = [(await c.next()).typeUrl, (await c.next()).typeUrl].map((u) => SHORT_NAME[u as typeof CLUSTER]);
  assert.deepEqual(order, ['CDS', 'EDS']);
  assert.deepEqual(await c.quiet(150), []);
});
