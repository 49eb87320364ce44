// Every proxyless resource passes @grpc/grpc-js-xds's own validators — the decoders its XdsClient runs on each
// resource it receives (src/xds-resource-type/*.ts) — and the client's lookup path from the dialled target to
// the endpoints works: listener `<host>:<port>` → route config → virtual host for that authority → cluster → CLA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from '@grpc/grpc-js-xds';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type.js';
import { ClusterResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type.js';
import type { XdsDecodeContext, XdsResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import { findVirtualHostForDomain } from '@grpc/grpc-js-xds/build/src/xds-dependency-manager.js';
import type { ServicePolicy } from '../../../control-plane/model/types.js';
import { translate } from '../../../control-plane/translate/index.js';
import type { XdsResource } from '../../../xds/resource.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, type ServedTypeUrl } from '../../../xds/type-urls.js';
import { endpoint, port, service, smallMesh, snapshot, unpack } from './fixtures.js';

register(); // registers the router filter, without which grpc-js-xds rejects every HCM

const DECODERS: ReadonlyMap<ServedTypeUrl, XdsResourceType> = new Map<ServedTypeUrl, XdsResourceType>([
  [LISTENER, ListenerResourceType.get()],
  [ROUTE_CONFIGURATION, RouteConfigurationResourceType.get()],
  [CLUSTER, ClusterResourceType.get()],
  [CLUSTER_LOAD_ASSIGNMENT, EndpointResourceType.get()],
]);

// A stock bootstrap: one server, no certificate providers (the validators read only these).
const CONTEXT = {
  server: { server_uri: '127.0.0.1:15010', channel_creds: [{ type: 'insecure' }], server_features: [] },
  bootstrap: { certificateProviders: {} },
} as unknown as XdsDecodeContext;

function grpcDecode(r: XdsResource): Record<string, unknown> {
  const decoder = DECODERS.get(r.typeUrl);
  assert.ok(decoder, r.typeUrl);
  const result = decoder.decode(CONTEXT, { type_url: r.typeUrl, value: r.encoded });
  assert.equal(result.error, undefined, `${r.name}: ${result.error}`);
  assert.equal(result.name, r.name);
  return result.value as Record<string, unknown>;
}

const mesh = smallMesh();
const set = translate(mesh, { role: 'proxyless', namespace: 'default' });

void test('grpc-js-xds accepts every proxyless resource', () => {
  let count = 0;
  for (const resources of set.values()) {
    for (const r of resources.values()) {
      grpcDecode(r);
      count++;
    }
  }
  assert.ok(count > 30, `${count} resources checked`);
});

void test('grpc-js-xds accepts the sidecar-only clusters it could be sent (shared resources)', () => {
  const sidecar = translate(mesh, { role: 'sidecar', namespace: 'default' });
  for (const r of sidecar.get(ROUTE_CONFIGURATION)!.values()) grpcDecode(r);
  for (const r of sidecar.get(CLUSTER_LOAD_ASSIGNMENT)!.values()) grpcDecode(r);
});

interface Vhost {
  domains: string[];
  routes: { route: { cluster: string } }[];
}

/** Follows what the client does for `xds:///<target>`. */
function resolve(target: string): { cluster: Record<string, unknown>; endpoints: string[] } {
  const listener = grpcDecode(set.get(LISTENER)!.get(target)!) as { api_listener: { api_listener: unknown } };
  const hcm = unpack(listener.api_listener.api_listener);
  const routeName = (hcm.rds as { route_config_name: string }).route_config_name;
  const config = grpcDecode(set.get(ROUTE_CONFIGURATION)!.get(routeName)!);
  const vhost = findVirtualHostForDomain(config.virtual_hosts as Vhost[], target)!;
  assert.ok(vhost.domains.includes(target), `${target} matched exactly, not by *`);
  const clusterName = vhost.routes[0]!.route.cluster;
  const cluster = grpcDecode(set.get(CLUSTER)!.get(clusterName)!);
  const cla = grpcDecode(set.get(CLUSTER_LOAD_ASSIGNMENT)!.get(clusterName)!);
  const localities = cla.endpoints as { load_balancing_weight: { value: number }; lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } }; health_status: string }[] }[];
  const endpoints = localities.flatMap((l) => {
    assert.ok(l.load_balancing_weight.value > 0, 'locality weight set (grpc-js-xds skips weightless localities)');
    return l.lb_endpoints.filter((e) => e.health_status === 'HEALTHY').map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`);
  });
  return { cluster, endpoints };
}

void test('xds:///greeter.default.svc.cluster.local:50051 resolves to both greeter backends', () => {
  for (const target of ['greeter.default.svc.cluster.local:50051', 'greeter.default:50051', 'greeter:50051']) {
    const { cluster, endpoints } = resolve(target);
    assert.equal(cluster.type, 'EDS');
    assert.equal(cluster.name, 'outbound|50051||greeter.default.svc.cluster.local');
    assert.deepEqual(endpoints.sort(), ['10.244.1.2:50051', '10.244.2.2:50051'], target);
  }
});

void test('ExternalName: a LOGICAL_DNS cluster grpc-js-xds accepts (one locality, one endpoint)', () => {
  const external = snapshot([service('search', { type: 'ExternalName', externalName: 'search.example.com', ports: [[port(443, 'grpc'), []]] })]);
  const r = translate(external, { role: 'proxyless', namespace: 'default' }).get(CLUSTER)!.get('outbound|443||search.default.svc.cluster.local')!;
  const update = grpcDecode(r) as unknown as { type: string; dnsHostname: string };
  assert.equal(update.type, 'LOGICAL_DNS');
  assert.equal(update.dnsHostname, 'search.example.com:443');
});

void test('an assignment with a not-ready endpoint still validates; the client keeps only HEALTHY ones', () => {
  const one = snapshot([
    service('api', { clusterIP: '10.96.0.40', ports: [[port(8080, 'grpc'), [endpoint('10.0.0.1', 8080), endpoint('10.0.0.2', 8080, { ready: false, serving: false })]]] }),
  ]);
  const cla = translate(one, { role: 'proxyless', namespace: 'default' }).get(CLUSTER_LOAD_ASSIGNMENT)!;
  for (const r of cla.values()) grpcDecode(r);
});

/** The proxyless cluster and route of a gRPC Service with `policy`. */
function proxylessWith(policy: ServicePolicy): { cluster: XdsResource; route: XdsResource } {
  const one = snapshot([service('api', { clusterIP: '10.96.0.40', policy, ports: [[port(9000, 'grpc'), [endpoint('10.0.0.1', 9000)]]] })]);
  const set = translate(one, { role: 'proxyless', namespace: 'default' });
  return {
    cluster: set.get(CLUSTER)!.get('outbound|9000||api.default.svc.cluster.local')!,
    route: set.get(ROUTE_CONFIGURATION)!.get('api.default.svc.cluster.local:9000')!,
  };
}

void test('annotated Services: grpc-js-xds accepts ROUND_ROBIN and RING_HASH clusters with every other setting', () => {
  const rest: ServicePolicy = {
    connectTimeoutMs: 250,
    timeoutMs: 2000,
    perTryTimeoutMs: 500,
    retries: 3,
    retryOn: ['unavailable', 'cancelled', '5xx'],
    outlierConsecutive5xx: 3,
    outlierConsecutiveGatewayErrors: 2,
    outlierIntervalMs: 5000,
    outlierBaseEjectionTimeMs: 60_000,
    outlierMaxEjectionPercent: 50,
    maxConnections: 10,
    maxPendingRequests: 10,
    maxRequests: 20,
    maxRetries: 2,
    retryBudgetPercent: 25,
  };
  const hashOn = [{ kind: 'header', name: 'x-user' }, { kind: 'cookie', name: 'sid' }, { kind: 'source-ip' }] as const;
  for (const policy of [{ ...rest, lbPolicy: 'ROUND_ROBIN' }, { ...rest, lbPolicy: 'RING_HASH', hashOn }] as const) {
    const { cluster, route } = proxylessWith(policy);
    const update = grpcDecode(cluster) as unknown as { lbPolicyConfig: unknown[]; maxConcurrentRequests?: number };
    assert.equal(update.maxConcurrentRequests, 20, 'circuit breaker max_requests is read');
    if (policy.lbPolicy === 'RING_HASH') assert.deepEqual(update.lbPolicyConfig, [{ ring_hash: { min_ring_size: 1024, max_ring_size: 8_388_608 } }]);
    grpcDecode(route);
  }
});

void test('annotated Services: LEAST_REQUEST, RANDOM and MAGLEV clusters are NACKed by grpc-js-xds (documented)', () => {
  for (const lbPolicy of ['LEAST_REQUEST', 'RANDOM', 'MAGLEV'] as const) {
    const { cluster } = proxylessWith({ lbPolicy });
    const result = ClusterResourceType.get().decode(CONTEXT, { type_url: cluster.typeUrl, value: cluster.encoded });
    assert.match(String(result.error), /unsupported lb_policy/, lbPolicy);
  }
});

void test('annotated Services: retries 0 emits no retry policy (grpc-js-xds rejects num_retries 0)', () => {
  const { route } = proxylessWith({ retries: 0, retryOn: ['unavailable'] });
  const config = grpcDecode(route) as { virtual_hosts: { routes: { route: { retry_policy: unknown } }[] }[] };
  assert.equal(config.virtual_hosts[0]!.routes[0]!.route.retry_policy, null);
});
