// SotW named subscriptions (xDS protocol, "How the client specifies what resources to return", "Unsubscribing
// From Resources", "Knowing When a Requested Resource Does Not Exist").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLUSTER_LOAD_ASSIGNMENT, LISTENER } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, SIDECAR, startAds } from '../../support/ads-harness.js';
import { clusterName, listener, mesh } from '../../support/xds-fixtures.js';

const names = (resp: { resources: readonly { name: string }[] }): string[] => resp.resources.map((r) => r.name).sort();

void test('EDS: named subscription, adding a name, and unsubscribing', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.3'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));

  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a')]);
  const first = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(first), [clusterName('a')]);
  c.ack(first);

  // Adding b: the newly requested resource is sent (b only: a did not change and EDS is not a complete set).
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a'), clusterName('b')]);
  const added = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(added), [clusterName('b')]);
  c.ack(added);

  // Dropping b: changes to b are no longer sent; changes to a are.
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('a')]);
  assert.deepEqual(await c.quiet(150), []);
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.9'], c: ['10.0.0.3'] }));
  assert.deepEqual(await c.quiet(150), []);
  ads.publish(mesh({ a: ['10.0.0.8'], b: ['10.0.0.9'], c: ['10.0.0.3'] }));
  assert.deepEqual(names(await c.next(CLUSTER_LOAD_ASSIGNMENT)), [clusterName('a')]);
});

void test('EDS: a name that does not exist yet gets nothing until it appears, then it is sent', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  c.subscribe(CLUSTER_LOAD_ASSIGNMENT, [clusterName('later')]);
  assert.deepEqual(await c.quiet(150), []);

  ads.publish(mesh({ a: ['10.0.0.1'], later: ['10.0.0.7'] }));
  const resp = await c.next(CLUSTER_LOAD_ASSIGNMENT);
  assert.deepEqual(names(resp), [clusterName('later')]);
});

void test('LDS: named listeners get the subscribed set, and a change of the set resends it', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }, [listener('0.0.0.0_81', 81, '80'), listener('0.0.0.0_82', 82, '80')]));
  const c = ads.sotw(SIDECAR('sidecar-1'));

  c.subscribe(LISTENER, ['0.0.0.0_81', 'missing']);
  const first = await c.next(LISTENER);
  assert.deepEqual(names(first), ['0.0.0.0_81']);
  c.ack(first);

  c.subscribe(LISTENER, ['0.0.0.0_81', '0.0.0.0_82']);
  const second = await c.next(LISTENER);
  assert.deepEqual(names(second), ['0.0.0.0_81', '0.0.0.0_82'], 'complete set of what is subscribed');
  c.ack(second);

  // A listener the client did not subscribe to changes: nothing for this client.
  ads.publish(mesh({ a: ['10.0.0.1'] }, [listener('0.0.0.0_81', 81, '80'), listener('0.0.0.0_82', 82, '80'), listener('0.0.0.0_83', 83, '80')]));
  assert.deepEqual(await c.quiet(150), []);
});

void test('the legacy wildcard: once a name was subscribed, an empty list unsubscribes instead of meaning "*"', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }, [listener('0.0.0.0_81', 81, '80')]));
  const { c } = await ackedSotwSidecar(ads, LISTENER, ['0.0.0.0_81']);

  c.subscribe(LISTENER, []);
  const emptied = await c.next(LISTENER);
  assert.deepEqual(names(emptied), [], 'an LDS response with no resources: the client drops its listeners');
  c.ack(emptied);

  c.subscribe(LISTENER, ['*']);
  const all = await c.next(LISTENER);
  assert.deepEqual(names(all), ['0.0.0.0_80', '0.0.0.0_81']);
});
