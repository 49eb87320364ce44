// LDS decoder: the control plane's real sidecar listeners decode to ProxyListeners; invalid ones give every
// error with its field path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeListener } from '../../../proxy/xds/decoders/listener.js';
import { makeResource, packAny } from '../../../xds/resource.js';
import { HTTP_CONNECTION_MANAGER, LISTENER, ROUTER, TCP_PROXY } from '../../../xds/type-urls.js';
import { errorsOf, served, valueOf } from './decoder-helpers.js';

const ROUTER_FILTER = { name: 'envoy.filters.http.router', typed_config: packAny(ROUTER, {}) };

function listenerWith(filters: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): Uint8Array {
  return makeResource(LISTENER, 'l', {
    name: 'l',
    address: { socket_address: { address: '10.96.0.1', port_value: 80 } },
    filter_chains: [{ filters }],
    ...extra,
  }).encoded;
}

void test('LDS: an HTTP service listener names its route configuration and does not bind', () => {
  const l = valueOf(decodeListener(served(LISTENER, '10.96.0.10_50051').encoded));
  assert.equal(l.kind, 'http');
  assert.equal(l.address, '10.96.0.10');
  assert.equal(l.port, 50051);
  assert.equal(l.bindToPort, false);
  assert.equal(l.direction, 'OUTBOUND');
  assert.equal(l.routeConfigName, 'greeter.default.svc.cluster.local:50051');
  assert.equal(l.cluster, undefined);
  assert.ok(Object.isFrozen(l) && Object.isFrozen(l.filterChains[0]), 'decoded values are frozen');
});

void test('LDS: a TCP service listener proxies to its cluster', () => {
  const l = valueOf(decodeListener(served(LISTENER, '10.96.0.20_5432').encoded));
  assert.deepEqual([l.kind, l.cluster, l.routeConfigName], ['tcp', 'outbound|5432||db.default.svc.cluster.local', undefined]);
});

void test('LDS: the virtual listeners keep their filter chains and matches', () => {
  const out = valueOf(decodeListener(served(LISTENER, '0.0.0.0_15001').encoded));
  assert.equal(out.kind, 'virtual-outbound');
  assert.deepEqual(
    out.filterChains.map((c) => [c.name, c.destinationPort, c.target.kind === 'tcp' ? c.target.cluster : '']),
    [
      ['virtualOutbound-blackhole', 15001, 'BlackHoleCluster'],
      ['virtualOutbound-catchall-tcp', undefined, 'PassthroughCluster'],
    ],
  );
  const inb = valueOf(decodeListener(served(LISTENER, '0.0.0.0_15006').encoded));
  assert.equal(inb.kind, 'virtual-inbound');
  assert.equal(inb.direction, 'INBOUND');
  assert.deepEqual(inb.filterChains[1]?.prefixRanges, ['0.0.0.0/0']);
});

const cases: readonly { name: string; bytes: () => Uint8Array; errors: string[] }[] = [
  {
    name: 'HCM without a route config name',
    bytes: () =>
      listenerWith([{ name: 'hcm', typed_config: packAny(HTTP_CONNECTION_MANAGER, { stat_prefix: 's', rds: { config_source: { ads: {} } }, http_filters: [ROUTER_FILTER] }) }]),
    errors: ['filter_chains[0].filters[0].typed_config.rds.route_config_name: required'],
  },
  {
    name: 'HCM with an inline route config whose virtual host has a bad route, and no router',
    bytes: () =>
      listenerWith([
        {
          name: 'hcm',
          typed_config: packAny(HTTP_CONNECTION_MANAGER, {
            stat_prefix: 's',
            route_config: { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' } }] }] },
          }),
        },
      ]),
    errors: [
      'filter_chains[0].filters[0].typed_config.http_filters: the router must be the last HTTP filter',
      'filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0]: one of route, redirect or direct_response is required',
    ],
  },
  {
    name: 'RDS from a path config source, router missing',
    bytes: () =>
      listenerWith([
        { name: 'hcm', typed_config: packAny(HTTP_CONNECTION_MANAGER, { stat_prefix: 's', rds: { route_config_name: 'r', config_source: { path: '/x' } } }) },
      ]),
    errors: [
      'filter_chains[0].filters[0].typed_config.http_filters: the router must be the last HTTP filter',
      'filter_chains[0].filters[0].typed_config.rds.config_source: must be ads or self',
    ],
  },
  {
    name: 'TCP proxy without a cluster, and no port',
    bytes: () =>
      makeResource(LISTENER, 'l', {
        name: 'l',
        address: { socket_address: { address: '10.96.0.1' } },
        filter_chains: [{ filters: [{ name: 't', typed_config: packAny(TCP_PROXY, { stat_prefix: 's' }) }] }],
      }).encoded,
    errors: ['address.socket_address.port_value: required', 'filter_chains[0].filters[0].typed_config.cluster: required'],
  },
  {
    name: 'an unknown network filter and an empty chain',
    bytes: () =>
      makeResource(LISTENER, 'l', {
        name: 'l',
        address: { socket_address: { address: '10.96.0.1', port_value: 1 } },
        filter_chains: [{ filters: [{ name: 'x', typed_config: packAny(ROUTER, {}) }] }, { filters: [] }],
      }).encoded,
    errors: [
      `filter_chains[0].filters[0].typed_config.type_url: "${ROUTER}" is not supported (expected ${HTTP_CONNECTION_MANAGER} or ${TCP_PROXY})`,
      'filter_chains[1].filters: expected one network filter, got 0',
      'filter_chains: a service listener has one filter chain',
    ],
  },
  {
    name: 'no name, no address, no chains',
    bytes: () => makeResource(LISTENER, '', {}).encoded,
    errors: ['name: required', 'address.socket_address: required', 'address.socket_address.address: required', 'address.socket_address.port_value: required', 'filter_chains: required'],
  },
  {
    name: 'bytes that are not a Listener',
    bytes: () => Buffer.from([0xff, 0xff, 0xff]),
    errors: ['(resource): cannot decode envoy.config.listener.v3.Listener: index out of range: 3 + 1 > 3'],
  },
];

for (const c of cases) {
  void test(`LDS invalid: ${c.name}`, () => {
    assert.deepEqual(errorsOf(decodeListener(c.bytes())), c.errors);
  });
}
