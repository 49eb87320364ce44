// Listener shapes, decoded back from the encoded bytes with protobufjs: what a client actually receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import { HTTP_CONNECTION_MANAGER, HTTP_INSPECTOR, LISTENER, ORIGINAL_DST, ROUTER, TCP_PROXY } from '../../../xds/type-urls.js';
import { decode, smallMesh, unpack } from './fixtures.js';

const sidecar = translate(smallMesh(), { role: 'sidecar', namespace: 'default' });
const proxyless = translate(smallMesh(), { role: 'proxyless', namespace: 'default' });

function listener(set: typeof sidecar, name: string): Record<string, unknown> {
  const r = set.get(LISTENER)?.get(name);
  assert.ok(r, `listener ${name}`);
  return decode(r);
}

interface Chain {
  name?: string;
  filter_chain_match?: Record<string, unknown>;
  filters: { name: string; typed_config: unknown }[];
}

function chains(l: Record<string, unknown>): Chain[] {
  return l.filter_chains as Chain[];
}

void test('ClusterIP listeners: HCM with RDS for HTTP/gRPC ports, TCP proxy otherwise, never bound', () => {
  // [listener, filter type, RDS route or TCP cluster]
  const rows = [
    ['10.96.0.10_50051', HTTP_CONNECTION_MANAGER, 'greeter.default.svc.cluster.local:50051'],
    ['10.96.0.30_80', HTTP_CONNECTION_MANAGER, 'web.shop.svc.cluster.local:80'],
    ['10.96.0.20_5432', TCP_PROXY, 'outbound|5432||db.default.svc.cluster.local'],
  ] as const;
  for (const [name, filterType, target] of rows) {
    const l = listener(sidecar, name);
    const [ip, port] = name.split('_');
    assert.deepEqual(l.address, { socket_address: { address: ip, port_value: Number(port) } }, name);
    assert.deepEqual(l.bind_to_port, { value: false }, `${name} bind_to_port`);
    assert.equal(l.traffic_direction, 'OUTBOUND');
    const [chain, ...rest] = chains(l);
    assert.equal(rest.length, 0);
    assert.equal(chain!.filters.length, 1);
    const filter = unpack(chain!.filters[0]!.typed_config);
    assert.equal(filter['@type'], filterType, name);
    if (filterType === HTTP_CONNECTION_MANAGER) {
      assert.deepEqual(filter.rds, { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: target });
      const httpFilters = filter.http_filters as { name: string; typed_config: unknown }[];
      assert.deepEqual(httpFilters.map((f) => unpack(f.typed_config)['@type']), [ROUTER]);
      assert.ok(String(filter.stat_prefix).length > 0, 'Envoy requires a stat_prefix');
    } else {
      assert.equal(filter.cluster, target);
      assert.equal(filter.stat_prefix, target);
    }
  }
});

void test('virtual outbound 0.0.0.0_15001: use_original_dst, blackhole for itself, passthrough for the rest', () => {
  const l = listener(sidecar, '0.0.0.0_15001');
  assert.deepEqual(l.address, { socket_address: { address: '0.0.0.0', port_value: 15001 } });
  assert.deepEqual(l.use_original_dst, { value: true });
  assert.equal(l.bind_to_port, undefined, 'bound (the default)');
  const [blackhole, catchall] = chains(l);
  assert.deepEqual(blackhole!.filter_chain_match, { destination_port: { value: 15001 } });
  assert.equal(unpack(blackhole!.filters[0]!.typed_config).cluster, 'BlackHoleCluster');
  assert.equal(catchall!.filter_chain_match, undefined);
  assert.equal(unpack(catchall!.filters[0]!.typed_config).cluster, 'PassthroughCluster');
});

void test('outboundTrafficPolicy REGISTRY_ONLY: destinations the mesh does not know go to the blackhole', () => {
  const registryOnly = translate({ ...smallMesh(), outboundTrafficPolicy: 'REGISTRY_ONLY' }, { role: 'sidecar', namespace: 'default' });
  const catchall = chains(listener(registryOnly, '0.0.0.0_15001'))[1];
  assert.equal(unpack(catchall!.filters[0]!.typed_config).cluster, 'BlackHoleCluster');
});

void test('virtual inbound 0.0.0.0_15006: original_dst + http_inspector, HTTP and TCP passthrough to the pod', () => {
  const l = listener(sidecar, '0.0.0.0_15006');
  assert.equal(l.traffic_direction, 'INBOUND');
  const filters = l.listener_filters as { name: string; typed_config: unknown }[];
  assert.deepEqual(filters.map((f) => unpack(f.typed_config)['@type']), [ORIGINAL_DST, HTTP_INSPECTOR]);
  const [blackhole, http, catchall] = chains(l);
  const allIpv4 = [{ address_prefix: '0.0.0.0', prefix_len: { value: 0 } }];
  assert.deepEqual(blackhole!.filter_chain_match, { destination_port: { value: 15006 } });
  assert.deepEqual(http!.filter_chain_match, { prefix_ranges: allIpv4, application_protocols: ['http/1.0', 'http/1.1', 'h2c'] });
  const hcm = unpack(http!.filters[0]!.typed_config);
  assert.equal(hcm['@type'], HTTP_CONNECTION_MANAGER);
  const routeConfig = hcm.route_config as { virtual_hosts: { domains: string[]; routes: { route: { cluster: string } }[] }[] };
  assert.deepEqual(routeConfig.virtual_hosts[0]!.domains, ['*']);
  assert.equal(routeConfig.virtual_hosts[0]!.routes[0]!.route.cluster, 'InboundPassthroughClusterIpv4');
  assert.deepEqual(catchall!.filter_chain_match, { prefix_ranges: allIpv4 });
  assert.equal(unpack(catchall!.filters[0]!.typed_config).cluster, 'InboundPassthroughClusterIpv4');
});

void test('proxyless API listeners: only name and api_listener(HCM → RDS over ADS, router last)', () => {
  for (const name of ['greeter:50051', 'greeter.default.svc.cluster.local:50051', 'web.shop:80']) {
    const l = listener(proxyless, name);
    assert.deepEqual(Object.keys(l).sort(), ['api_listener', 'name']);
    const hcm = unpack((l.api_listener as { api_listener: unknown }).api_listener);
    assert.equal(hcm['@type'], HTTP_CONNECTION_MANAGER);
    const route = name.startsWith('web') ? 'web.shop.svc.cluster.local:80' : 'greeter.default.svc.cluster.local:50051';
    assert.equal((hcm.rds as { route_config_name: string }).route_config_name, route);
    const httpFilters = hcm.http_filters as { typed_config: unknown }[];
    assert.equal(unpack(httpFilters.at(-1)!.typed_config)['@type'], ROUTER);
  }
});

void test('the sidecar listener and the API listeners of a port share one encoded HCM', () => {
  const hcmOf = (l: Record<string, unknown>): string =>
    Buffer.from((chains(l)[0]?.filters[0]?.typed_config as { value: Uint8Array }).value).toString('hex');
  const api = listener(proxyless, 'greeter:50051');
  const apiHcm = Buffer.from((api.api_listener as { api_listener: { value: Uint8Array } }).api_listener.value).toString('hex');
  assert.equal(hcmOf(listener(sidecar, '10.96.0.10_50051')), apiHcm);
});
