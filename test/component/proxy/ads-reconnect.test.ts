// The sidecar's xDS client when the control plane goes away: the last good config keeps serving, the client
// reopens the stream with backoff and resyncs; in delta, initial_resource_versions mean nothing it already
// holds is sent again (xDS protocol, "Incremental xDS": reconnect).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SnapshotCache } from '../../../control-plane/cache/snapshot-cache.js';
import { AdsServer } from '../../../control-plane/server/server.js';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import { translate } from '../../../control-plane/translate/index.js';
import type { AckEvent } from '../../../proxy/xds/ads-client.js';
import { PUSH_ORDER } from '../../../xds/type-urls.js';
import { eventually, startAds } from '../../support/ads-harness.js';
import { smallMesh } from '../../unit/translate/fixtures.js';
import { next, sidecarClient, syncState } from './xds-support.js';

const mesh = smallMesh();

async function restartedServer(address: string): Promise<AdsServer> {
  const cache = new SnapshotCache();
  cache.update((group) => translate(mesh, group), Date.now());
  const server = new AdsServer({ cache, closeGraceMs: 200 });
  await server.listen(address);
  return server;
}

for (const mode of ['delta', 'sotw'] as const) {
  void test(`${mode}: server restart → the old config serves meanwhile; reconnect and resync`, async (t) => {
    const ads = await startAds();
    t.after(() => ads.close());
    ads.publish((group) => translate(mesh, group));
    const client = sidecarClient(ads.address, mode);
    t.after(() => client.close());
    const [held] = await next(client, 'ready');
    await eventually(() => PUSH_ORDER.every((type) => syncStatusOf(syncState(ads.server, 'pod-a', type)) === 'SYNCED'));

    const gone = next(client, 'disconnected');
    await ads.server.close();
    const [why] = await gone;
    assert.ok(why.retryInMs >= 0 && why.retryInMs <= 200);
    assert.equal(client.config, held, 'while the control plane is away, the last good config stays');

    const acks: AckEvent[] = [];
    client.on('ack', (a) => acks.push(a));
    let configs = 0;
    client.on('config', () => configs++);
    const server = await restartedServer(ads.address);
    t.after(() => server.close());
    await next(client, 'connected', 5000);
    await eventually(() => PUSH_ORDER.every((type) => syncStatusOf(syncState(server, 'pod-a', type)) === 'SYNCED'), 5000);
    assert.deepEqual(new Set(acks.map((a) => a.typeUrl)), new Set(PUSH_ORDER), 'every type resynced');
    if (mode === 'delta') {
      assert.deepEqual(acks.map((a) => a.resources + a.removed), PUSH_ORDER.map(() => 0), 'nothing it holds is sent again');
      assert.equal(configs, 0);
      assert.equal(client.config, held);
    } else {
      assert.deepEqual(client.config.versions, held.versions, 'the same versions after resync');
    }
  });
}

void test('close() while waiting to reconnect: no further attempts, nothing left running', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish((group) => translate(mesh, group));
  const client = sidecarClient(ads.address, 'delta');
  await next(client, 'ready');
  const gone = next(client, 'disconnected');
  await ads.server.close();
  await gone;
  client.close();
  let reconnected = false;
  client.on('connected', () => (reconnected = true));
  const server = await restartedServer(ads.address);
  t.after(() => server.close());
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(reconnected, false);
  assert.equal(server.connected, 0);
});
