// The sidecar's xDS client against the real control plane server (SnapshotCache + AdsServer), fed by the
// translator: first sync and readiness, updates, NACK of invalid resources with the last good config kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translate } from '../../../control-plane/translate/index.js';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import type { MeshSnapshot } from '../../../control-plane/model/types.js';
import { makeResource, packAny } from '../../../xds/resource.js';
import { HTTP_CONNECTION_MANAGER, LISTENER, PUSH_ORDER, ROUTER, CLUSTER_LOAD_ASSIGNMENT } from '../../../xds/type-urls.js';
import { eventually, startAds } from '../../support/ads-harness.js';
import { mesh } from '../../support/xds-fixtures.js';
import { endpoint, smallMesh, snapshot, withEndpoints } from '../../unit/translate/fixtures.js';
import { configWhere, next, POD_IP, sidecarClient, syncState } from './xds-support.js';

const GREETER = 'outbound|50051||greeter.default.svc.cluster.local';
const resolver = (s: MeshSnapshot) => (group: Parameters<typeof translate>[1]) => translate(s, group);

for (const mode of ['delta', 'sotw'] as const) {
  void test(`${mode}: first sync → ready with the complete config, every type ACKed`, async (t) => {
    const ads = await startAds();
    t.after(() => ads.close());
    ads.publish(resolver(smallMesh()));
    const client = sidecarClient(ads.address, mode);
    t.after(() => client.close());
    const [config] = await next(client, 'ready');
    assert.ok(client.ready);
    assert.deepEqual([...config.listeners.keys()].sort(), ['0.0.0.0_15001', '0.0.0.0_15006', '10.96.0.10_50051', '10.96.0.20_5432', '10.96.0.30_80']);
    assert.equal(config.listeners.get('10.96.0.10_50051')?.routeConfigName, 'greeter.default.svc.cluster.local:50051');
    assert.equal(config.clusters.get(GREETER)?.http2, true);
    assert.deepEqual(config.assignments.get(GREETER)?.localities.map((l) => l.endpoints[0]?.address), ['10.244.1.2', '10.244.2.2']);
    assert.ok(config.routes.has('web.shop.svc.cluster.local:80'));
    assert.equal(config.nameTables.get('cluster.local')?.services.length, 5);
    await eventually(() => PUSH_ORDER.every((type) => syncStatusOf(syncState(ads.server, 'pod-a', type)) === 'SYNCED'));
    const proxy = [...ads.server.proxies()][0];
    assert.deepEqual([proxy?.role, proxy?.node.namespace, proxy?.node.ips, proxy?.stream], ['sidecar', 'default', [POD_IP], mode]);
  });

  void test(`${mode}: an endpoint change → a new config; unchanged types keep their maps`, async (t) => {
    const ads = await startAds();
    t.after(() => ads.close());
    const before = smallMesh();
    ads.publish(resolver(before));
    const client = sidecarClient(ads.address, mode);
    t.after(() => client.close());
    const [first] = await next(client, 'ready');
    const services = before.services.map((s) => (s.service.meta.name === 'greeter' ? withEndpoints(s, 0, [endpoint('10.244.3.3', 50051)]) : s));
    ads.publish(resolver(snapshot(services, 2)));
    const updated = await configWhere(client, (c) => c.assignments.get(GREETER)?.localities[0]?.endpoints[0]?.address === '10.244.3.3');
    assert.equal(updated.assignments.get(GREETER)?.localities.length, 1);
    assert.equal(updated.listeners, first.listeners, 'LDS did not change: the same map');
    assert.equal(updated.clusters, first.clusters);
    assert.notEqual(updated.versions.get(CLUSTER_LOAD_ASSIGNMENT), first.versions.get(CLUSTER_LOAD_ASSIGNMENT));
    assert.ok(Object.isFrozen(updated));
  });

  void test(`${mode}: an invalid listener → NACK with its error; the last good config stays`, async (t) => {
    const ads = await startAds({ checkConsistency: () => [] });
    t.after(() => ads.close());
    ads.publish(mesh({ a: ['10.0.0.1'] }));
    const client = sidecarClient(ads.address, mode);
    t.after(() => client.close());
    const [good] = await next(client, 'ready');
    assert.deepEqual([...good.listeners.keys()], ['0.0.0.0_80']);
    // ACKs reach the server asynchronously; a push racing an ACK makes that ACK's nonce stale.
    await eventually(() => PUSH_ORDER.every((type) => syncStatusOf(syncState(ads.server, 'pod-a', type)) === 'SYNCED'));

    const hcm = packAny(HTTP_CONNECTION_MANAGER, {
      stat_prefix: 'bad',
      rds: { config_source: { ads: {} } },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: packAny(ROUTER, {}) }],
    });
    const bad = makeResource(LISTENER, 'bad', {
      name: 'bad',
      address: { socket_address: { address: '10.96.9.9', port_value: 80 } },
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
    });
    ads.publish(mesh({ a: ['10.0.0.1'] }, [bad]));
    const [nack] = await next(client, 'nack');
    const expected = 'LDS bad: filter_chains[0].filters[0].typed_config.rds.route_config_name: required';
    assert.deepEqual([nack.typeUrl, nack.errors], [LISTENER, [expected]]);
    await eventually(() => syncStatusOf(syncState(ads.server, 'pod-a', LISTENER)) === 'NACKED');
    const state = syncState(ads.server, 'pod-a', LISTENER);
    assert.equal(state?.nackError, expected);
    assert.equal(state?.ackedVersion, good.versions.get(LISTENER), 'the server knows the proxy still runs the old version');
    assert.equal(client.config.listeners, good.listeners, 'the last good listeners keep serving');
    assert.equal(client.config.versions.get(LISTENER), good.versions.get(LISTENER));
  });
}
