// Who is connecting: node validation, roles (metadata or inferred), unknown types, and the proxy table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { ConfigGroup } from '../../../control-plane/translate/types.js';
import { groupKey } from '../../../control-plane/translate/types.js';
import type { ConfigDump } from '../../../control-plane/server/proxy-table.js';
import { CLUSTER, LISTENER } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, eventually, SIDECAR, startAds } from '../../support/ads-harness.js';
import { clusterName, listener, mesh } from '../../support/xds-fixtures.js';

const GREETER = 'greeter.default.svc.cluster.local:50051';

void test('a node without ROLE whose first request names a listener is proxyless (stock grpc-js-xds bootstrap)', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  const groups: string[] = [];
  ads.publish((group: ConfigGroup) => {
    groups.push(groupKey(group));
    return mesh({ greeter: ['10.0.0.1'] }, group.role === 'proxyless' ? [listener(GREETER, 50051, '80')] : []);
  });
  const c = ads.sotw({ id: 'grpc-client', locality: {}, userAgentName: 'gRPC Node', userAgentVersion: '1.14.1' });
  c.subscribe(LISTENER, [GREETER]);
  const lds = await c.next(LISTENER);
  assert.deepEqual(lds.resources.map((r) => r.name), [GREETER]);
  assert.deepEqual(groups, ['proxyless/default']);
  const proxy = [...ads.server.proxies()][0];
  assert.equal(proxy?.role, 'proxyless');
  assert.equal(proxy?.node.userAgent, 'gRPC Node/1.14.1');
});

void test('without ROLE, a wildcard first request is a sidecar; ROLE and NAMESPACE metadata choose the group', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const envoy = ads.sotw({ id: 'envoy-1' });
  envoy.subscribe(CLUSTER);
  await envoy.next(CLUSTER);
  const gw = ads.sotw({ id: 'gw-1', metadata: { ROLE: 'gateway', NAMESPACE: 'edge', INSTANCE_IPS: '10.1.0.5, 10.1.0.6' } });
  gw.subscribe(LISTENER);
  await gw.next(LISTENER);

  const byId = new Map([...ads.server.proxies()].map((p) => [p.node.id, p]));
  assert.equal(byId.get('envoy-1')?.role, 'sidecar');
  assert.equal(byId.get('envoy-1')?.node.namespace, 'default');
  assert.equal(byId.get('gw-1')?.role, 'gateway');
  assert.deepEqual(byId.get('gw-1')?.node.ips, ['10.1.0.5', '10.1.0.6']);
  assert.deepEqual(ads.cache.groups().sort(), ['gateway/edge/8080/8443', 'sidecar/default']);
});

void test('a first request without node id, or without node, is refused with INVALID_ARGUMENT', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const noId = ads.sotw({ cluster: 'x' });
  noId.subscribe(CLUSTER);
  const s1 = await noId.status;
  assert.equal(s1.code, status.INVALID_ARGUMENT);
  assert.match(s1.details, /node\.id/);

  const noNode = ads.delta(null);
  noNode.send({ typeUrl: CLUSTER });
  const s2 = await noNode.status;
  assert.equal(s2.code, status.INVALID_ARGUMENT);
  assert.equal(ads.server.connected, 0);
});

void test('an unknown ROLE is refused naming the field', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  const c = ads.sotw({ id: 'x', metadata: { ROLE: 'mainframe' } });
  c.subscribe(CLUSTER);
  const s = await c.status;
  assert.equal(s.code, status.INVALID_ARGUMENT);
  assert.match(s.details, /node\.metadata\.ROLE/);
});

void test('a request for an unknown type URL is answered with nothing and the stream keeps working', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  c.subscribe('type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', ['default']);
  assert.deepEqual(await c.quiet(150), []);
  c.subscribe(CLUSTER);
  assert.equal((await c.next(CLUSTER)).resources.length, 1);
});

void test('the proxy table: config dump of a connected proxy, and removal when its stream ends', async (t) => {
  const ads = await startAds();
  t.after(() => ads.close());
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c } = await ackedSotwSidecar(ads, CLUSTER);
  await eventually(() => [...ads.server.proxies()][0]?.types.get(CLUSTER)?.ackedVersion !== undefined);

  const dump = ads.server.configDump('sidecar-1') as ConfigDump;
  assert.equal(dump.node.id, 'sidecar-1');
  assert.equal(dump.configs[0]?.type_url, CLUSTER);
  assert.equal(dump.configs[0]?.acked_version, dump.configs[0]?.version_info);
  assert.deepEqual(dump.configs[0]?.resources.map((r) => r.name), [clusterName('a')]);
  assert.equal(ads.server.configDump('nobody'), undefined);

  const finished = await c.end();
  assert.equal(finished.code, status.OK);
  await eventually(() => ads.server.connected === 0);
  assert.deepEqual(ads.cache.groups(), [], 'a group without proxies is dropped from the cache');
  assert.equal(ads.metrics.get('connected:sotw'), 0);
});

void test('close() ends every stream with OK and shuts the server down', async () => {
  const ads = await startAds();
  ads.publish(mesh({ a: ['10.0.0.1'] }));
  const c = ads.sotw(SIDECAR('sidecar-1'));
  const d = ads.delta(SIDECAR('delta-1'));
  c.subscribe(CLUSTER);
  d.send({ typeUrl: CLUSTER });
  await c.next(CLUSTER);
  await d.next(CLUSTER);
  const started = Date.now();
  await ads.server.close();
  assert.ok(Date.now() - started < 1000, 'close is prompt');
  assert.equal((await c.status).code, status.OK);
  assert.equal((await d.status).code, status.OK);
  assert.equal(ads.server.connected, 0);
  await ads.close();
});
