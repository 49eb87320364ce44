// A Service's policy (from its annotations) → the Envoy fields of its clusters and routes, decoded from the wire;
// unannotated Services keep exactly the bytes they had; annotated resources pass Envoy's proto constraints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServicePolicy } from '../../../control-plane/model/types.js';
import { translate } from '../../../control-plane/translate/index.js';
import { CLUSTER, ROUTE_CONFIGURATION, type ServedTypeUrl } from '../../../xds/type-urls.js';
import { envoyRuleViolations } from './envoy-rules.js';
import { decode, endpoint, port, service, snapshot } from './fixtures.js';

const CLUSTER_NAME = 'outbound|8080||api.default.svc.cluster.local';
const ROUTE_NAME = 'api.default.svc.cluster.local:8080';

function meshWith(policy: ServicePolicy | undefined, portName = 'http'): ReturnType<typeof snapshot> {
  return snapshot([service('api', { clusterIP: '10.96.0.40', ports: [[port(8080, portName), [endpoint('10.0.0.1', 8080)]]], ...(policy && { policy }) })]);
}

function served(policy: ServicePolicy | undefined, type: ServedTypeUrl, name: string): Record<string, unknown> {
  const r = translate(meshWith(policy), { role: 'sidecar', namespace: 'default' }).get(type)?.get(name);
  assert.ok(r, name);
  assert.deepEqual(envoyRuleViolations(type, r.encoded), [], 'Envoy proto constraints');
  return decode(r);
}

const clusterOf = (policy: ServicePolicy): Record<string, unknown> => served(policy, CLUSTER, CLUSTER_NAME);
const actionOf = (policy: ServicePolicy): Record<string, unknown> => {
  const rc = served(policy, ROUTE_CONFIGURATION, ROUTE_NAME) as { virtual_hosts: { routes: { route: Record<string, unknown> }[] }[] };
  return rc.virtual_hosts[0]!.routes[0]!.route;
};

void test('unannotated (and empty) policies: the very bytes of today', () => {
  const set = (p: ServicePolicy | undefined) => translate(meshWith(p), { role: 'sidecar', namespace: 'default' });
  for (const type of [CLUSTER, ROUTE_CONFIGURATION] as const) {
    const name = type === CLUSTER ? CLUSTER_NAME : ROUTE_NAME;
    assert.equal(set({}).get(type)?.get(name)?.hash, set(undefined).get(type)?.get(name)?.hash, type);
  }
  const c = clusterOf({});
  assert.deepEqual([c.lb_policy, c.connect_timeout, c.outlier_detection, c.circuit_breakers], ['ROUND_ROBIN', { seconds: '10' }, undefined, undefined]);
  const a = actionOf({});
  assert.deepEqual([a.timeout, a.retry_policy, a.hash_policy], [{ seconds: '0' }, undefined, undefined]);
});

// [policy, Cluster field, its decoded value]
const clusterRows: [ServicePolicy, string, unknown][] = [
  [{ lbPolicy: 'LEAST_REQUEST' }, 'lb_policy', 'LEAST_REQUEST'],
  [{ lbPolicy: 'RANDOM' }, 'lb_policy', 'RANDOM'],
  [{ lbPolicy: 'RING_HASH' }, 'lb_policy', 'RING_HASH'],
  [{ lbPolicy: 'MAGLEV' }, 'lb_policy', 'MAGLEV'],
  [{ lbPolicy: 'ROUND_ROBIN' }, 'lb_policy', 'ROUND_ROBIN'],
  [{ connectTimeoutMs: 250 }, 'connect_timeout', { seconds: '0', nanos: 250_000_000 }],
  [{ connectTimeoutMs: 90_000 }, 'connect_timeout', { seconds: '90' }],
  [
    { outlierConsecutive5xx: 3 },
    'outlier_detection',
    { consecutive_5xx: { value: 3 }, enforcing_consecutive_5xx: { value: 100 }, enforcing_success_rate: { value: 0 } },
  ],
  [
    { outlierConsecutive5xx: 0, outlierConsecutiveGatewayErrors: 4 },
    'outlier_detection',
    {
      consecutive_5xx: { value: 0 },
      enforcing_consecutive_5xx: { value: 0 },
      consecutive_gateway_failure: { value: 4 },
      enforcing_consecutive_gateway_failure: { value: 100 },
      enforcing_success_rate: { value: 0 },
    },
  ],
  [
    { outlierIntervalMs: 5000, outlierBaseEjectionTimeMs: 60_000, outlierMaxEjectionPercent: 50 },
    'outlier_detection',
    { interval: { seconds: '5' }, base_ejection_time: { seconds: '60' }, max_ejection_percent: { value: 50 }, enforcing_success_rate: { value: 0 } },
  ],
  [
    { maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 0 },
    'circuit_breakers',
    { thresholds: [{ priority: 'DEFAULT', max_connections: { value: 100 }, max_pending_requests: { value: 10 }, max_requests: { value: 200 }, max_retries: { value: 0 } }] },
  ],
  [{ retryBudgetPercent: 12.5 }, 'circuit_breakers', { thresholds: [{ priority: 'DEFAULT', retry_budget: { budget_percent: { value: 12.5 } } }] }],
];
for (const [policy, field, value] of clusterRows) {
  void test(`Cluster.${field} from ${JSON.stringify(policy)}`, () => {
    assert.deepEqual(clusterOf(policy)[field], value);
  });
}

// [policy, RouteAction field, its decoded value]
const routeRows: [ServicePolicy, string, unknown][] = [
  [{ timeoutMs: 1500 }, 'timeout', { seconds: '1', nanos: 500_000_000 }],
  [{ timeoutMs: 0 }, 'timeout', { seconds: '0' }],
  [
    { retries: 3 },
    'retry_policy',
    { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: { value: 3 }, retriable_status_codes: [503] },
  ],
  [{ retries: 0, retryOn: ['5xx'] }, 'retry_policy', undefined],
  [{ retryOn: ['5xx', 'reset'] }, 'retry_policy', { retry_on: '5xx,reset', num_retries: { value: 2 } }],
  [{ retryOn: ['5xx'], retryStatusCodes: [409] }, 'retry_policy', { retry_on: '5xx,retriable-status-codes', num_retries: { value: 2 }, retriable_status_codes: [409] }],
  [
    { perTryTimeoutMs: 500 },
    'retry_policy',
    {
      retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
      num_retries: { value: 2 },
      per_try_timeout: { seconds: '0', nanos: 500_000_000 },
      retriable_status_codes: [503],
    },
  ],
  [
    { lbPolicy: 'RING_HASH', hashOn: [{ kind: 'header', name: 'x-user' }, { kind: 'cookie', name: 'sid' }, { kind: 'source-ip' }] },
    'hash_policy',
    [
      { header: { header_name: 'x-user' }, terminal: true },
      { cookie: { name: 'sid' }, terminal: true },
      { connection_properties: { source_ip: true }, terminal: true },
    ],
  ],
];
for (const [policy, field, value] of routeRows) {
  void test(`RouteAction.${field} from ${JSON.stringify(policy)}`, () => {
    const action = actionOf(policy);
    assert.deepEqual(action[field], value);
    assert.deepEqual(action.max_stream_duration, { grpc_timeout_header_max: { seconds: '0' } }, 'the gRPC deadline stays uncapped');
  });
}

void test('cluster settings apply to every port and to ExternalName clusters; route settings only to routes', () => {
  const policy: ServicePolicy = { lbPolicy: 'LEAST_REQUEST', maxRequests: 5, timeoutMs: 2000 };
  const mesh = snapshot([
    service('api', { clusterIP: '10.96.0.40', policy, ports: [[port(8080, 'http'), []], [port(5432, 'tcp-db'), []]] }),
    service('ext', { type: 'ExternalName', externalName: 'ext.example.com', policy, ports: [[port(443, 'grpc'), []]] }),
  ]);
  const set = translate(mesh, { role: 'sidecar', namespace: 'default' });
  for (const name of ['outbound|8080||api.default.svc.cluster.local', 'outbound|5432||api.default.svc.cluster.local', 'outbound|443||ext.default.svc.cluster.local']) {
    const c = decode(set.get(CLUSTER)!.get(name)!);
    assert.deepEqual([c.lb_policy, c.circuit_breakers], ['LEAST_REQUEST', { thresholds: [{ priority: 'DEFAULT', max_requests: { value: 5 } }] }], name);
  }
  assert.deepEqual([...set.get(ROUTE_CONFIGURATION)!.keys()].filter((n) => n.startsWith('api.')), ['api.default.svc.cluster.local:8080'], 'no route for the TCP port');
});

void test('memo: the same Service object keeps its resources; a new policy rebuilds clusters and routes only', () => {
  const before = meshWith({ retries: 3 });
  const same = snapshot(before.services, 2);
  const a = translate(before, { role: 'sidecar', namespace: 'default' });
  const b = translate(same, { role: 'sidecar', namespace: 'default' });
  assert.equal(b.get(CLUSTER)?.get(CLUSTER_NAME), a.get(CLUSTER)?.get(CLUSTER_NAME));
  assert.equal(b.get(ROUTE_CONFIGURATION)?.get(ROUTE_NAME), a.get(ROUTE_CONFIGURATION)?.get(ROUTE_NAME));
  const changed = translate(meshWith({ retries: 4 }), { role: 'sidecar', namespace: 'default' });
  assert.notEqual(changed.get(ROUTE_CONFIGURATION)?.get(ROUTE_NAME)?.hash, a.get(ROUTE_CONFIGURATION)?.get(ROUTE_NAME)?.hash);
  assert.equal(changed.get(CLUSTER)?.get(CLUSTER_NAME)?.hash, a.get(CLUSTER)?.get(CLUSTER_NAME)?.hash, 'a route setting leaves the cluster bytes alone');
});
