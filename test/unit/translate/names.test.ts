// Resource names as Envoy/Istio spell them, and the host names a client may use for a service port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterName,
  listenerName,
  routeName,
  serviceHostnames,
  VIRTUAL_INBOUND_LISTENER,
  VIRTUAL_OUTBOUND_LISTENER,
} from '../../../control-plane/translate/names.js';
import { routeDomains } from '../../../control-plane/translate/route.js';

void test('cluster, listener and route names', () => {
  const rows: readonly (readonly [string, string])[] = [
    [clusterName(50051, 'greeter.default.svc.cluster.local'), 'outbound|50051||greeter.default.svc.cluster.local'],
    [clusterName(80, 'web.shop.svc.example.org'), 'outbound|80||web.shop.svc.example.org'],
    [listenerName('10.96.0.10', 80), '10.96.0.10_80'],
    [listenerName('fd00::a', 80), 'fd00::a_80'],
    [routeName('greeter.default.svc.cluster.local', 50051), 'greeter.default.svc.cluster.local:50051'],
    [VIRTUAL_OUTBOUND_LISTENER, '0.0.0.0_15001'],
    [VIRTUAL_INBOUND_LISTENER, '0.0.0.0_15006'],
  ];
  for (const [got, want] of rows) assert.equal(got, want);
});

void test('service host names follow the DNS search path, shortest first', () => {
  assert.deepEqual(serviceHostnames('greeter', 'default', 'greeter.default.svc.cluster.local'), [
    'greeter',
    'greeter.default',
    'greeter.default.svc',
    'greeter.default.svc.cluster.local',
  ]);
});

void test('route domains: every name and the ClusterIP, bare and with :port', () => {
  const base = { name: 'web', namespace: 'shop', fqdn: 'web.shop.svc.cluster.local', port: 8080, routeName: 'r', cluster: 'c' };
  assert.deepEqual(routeDomains({ ...base, clusterIP: '10.96.0.30' }), [
    'web',
    'web.shop',
    'web.shop.svc',
    'web.shop.svc.cluster.local',
    'web:8080',
    'web.shop:8080',
    'web.shop.svc:8080',
    'web.shop.svc.cluster.local:8080',
    '10.96.0.30',
    '10.96.0.30:8080',
  ]);
  // IPv6 literals are bracketed in Host headers; headless services have no address to add.
  assert.deepEqual(routeDomains({ ...base, clusterIP: 'fd00::30' }).slice(-2), ['[fd00::30]', '[fd00::30]:8080']);
  assert.equal(routeDomains(base).length, 8);
});
