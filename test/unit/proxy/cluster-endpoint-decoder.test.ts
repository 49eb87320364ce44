// CDS and EDS decoders: the control plane's clusters and assignments, and every error with its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscoveryType, LbPolicy, RoutingPriority } from '../../../control-plane/translate/enums.js';
import type { CircuitBreakers, OutlierDetection } from '../../../proxy/xds/types.js';
import {
  decodeCluster,
  DEFAULT_CIRCUIT_BREAKERS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_OUTLIER_DETECTION,
} from '../../../proxy/xds/decoders/cluster.js';
import { decodeClusterLoadAssignment } from '../../../proxy/xds/decoders/endpoint.js';
import { makeResource } from '../../../xds/resource.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT } from '../../../xds/type-urls.js';
import { errorsOf, served, valueOf } from './decoder-helpers.js';

const GREETER = 'outbound|50051||greeter.default.svc.cluster.local';

void test('CDS: EDS over ADS with HTTP/2, ORIGINAL_DST passthrough, STATIC blackhole, LOGICAL_DNS', () => {
  assert.deepEqual(valueOf(decodeCluster(served(CLUSTER, GREETER).encoded)), {
    name: GREETER,
    type: 'EDS',
    lbPolicy: 'ROUND_ROBIN',
    connectTimeoutMs: 10_000,
    http2: true,
    useDownstreamProtocol: false,
    edsServiceName: GREETER,
    circuitBreakers: DEFAULT_CIRCUIT_BREAKERS,
  });
  assert.equal(valueOf(decodeCluster(served(CLUSTER, 'outbound|5432||db.default.svc.cluster.local').encoded)).http2, false);
  const inbound = valueOf(decodeCluster(served(CLUSTER, 'InboundPassthroughClusterIpv4').encoded));
  assert.deepEqual([inbound.type, inbound.lbPolicy, inbound.sourceAddress], ['ORIGINAL_DST', 'CLUSTER_PROVIDED', '127.0.0.6']);
  // Passthrough carries any app: HTTP/2 stays HTTP/2 upstream (gRPC), HTTP/1 stays HTTP/1.
  assert.deepEqual([inbound.http2, inbound.useDownstreamProtocol], [false, true]);
  assert.equal(valueOf(decodeCluster(served(CLUSTER, 'PassthroughCluster').encoded)).useDownstreamProtocol, true);
  const blackhole = valueOf(decodeCluster(served(CLUSTER, 'BlackHoleCluster').encoded));
  assert.deepEqual([blackhole.type, blackhole.loadAssignment?.localities], ['STATIC', []]);
  const dns = valueOf(decodeCluster(served(CLUSTER, 'outbound|443||search.default.svc.cluster.local').encoded));
  assert.equal(dns.type, 'LOGICAL_DNS');
  assert.deepEqual(dns.loadAssignment?.localities[0]?.endpoints, [{ address: 'search.example.com', port: 443, weight: 1, health: 'UNKNOWN' }]);
});

void test("CDS: Envoy's defaults when fields are unset", () => {
  const c = valueOf(decodeCluster(makeResource(CLUSTER, 'c', { name: 'c', type: DiscoveryType.EDS, eds_cluster_config: { eds_config: { ads: {} }, service_name: 's' } }).encoded));
  assert.deepEqual([c.lbPolicy, c.connectTimeoutMs, c.edsServiceName, c.http2], ['ROUND_ROBIN', DEFAULT_CONNECT_TIMEOUT_MS, 's', false]);
  assert.deepEqual([c.outlierDetection, c.circuitBreakers], [undefined, DEFAULT_CIRCUIT_BREAKERS]);
});

/** A valid EDS cluster with `extra` fields. */
function edsWith(extra: Record<string, unknown>): Uint8Array {
  return makeResource(CLUSTER, 'c', { name: 'c', type: DiscoveryType.EDS, eds_cluster_config: { eds_config: { ads: {} } }, ...extra }).encoded;
}

const u32 = (value: number): { value: number } => ({ value });
const D = DEFAULT_OUTLIER_DETECTION;

// [case, outlier_detection, the OutlierDetection decoded]
const outlierRows: [string, Record<string, unknown>, OutlierDetection][] = [
  ['empty: Envoy defaults (gateway detector off)', {}, D],
  ['thresholds and times', { consecutive_5xx: u32(3), interval: { seconds: 5 }, base_ejection_time: { nanos: 500_000_000 }, max_ejection_percent: u32(50) }, {
    ...D, consecutive5xx: 3, intervalMs: 5000, baseEjectionTimeMs: 500, maxEjectionPercent: 50,
  }],
  ['gateway detector on only when enforced', { consecutive_gateway_failure: u32(2), enforcing_consecutive_gateway_failure: u32(100) }, { ...D, consecutiveGatewayFailure: 2 }],
  ['gateway threshold without enforcing: off', { consecutive_gateway_failure: u32(2) }, D],
  ['gateway enforced with the default threshold', { enforcing_consecutive_gateway_failure: u32(50) }, { ...D, consecutiveGatewayFailure: 5 }],
  ['5xx detector switched off by enforcing 0', { consecutive_5xx: u32(3), enforcing_consecutive_5xx: u32(0) }, { ...D, consecutive5xx: 0 }],
  ['unset max_ejection_time follows a longer base_ejection_time', { base_ejection_time: { seconds: 600 } }, { ...D, baseEjectionTimeMs: 600_000, maxEjectionTimeMs: 600_000 }],
  ['max_ejection_time set', { max_ejection_time: { seconds: 60 } }, { ...D, maxEjectionTimeMs: 60_000 }],
  ['success-rate fields are ignored', { enforcing_success_rate: u32(0), success_rate_minimum_hosts: u32(3) }, D],
];
for (const [name, outlier, expected] of outlierRows) {
  void test(`CDS outlier_detection: ${name}`, () => {
    assert.deepEqual(valueOf(decodeCluster(edsWith({ outlier_detection: outlier }))).outlierDetection, expected);
  });
}

const CB = DEFAULT_CIRCUIT_BREAKERS;
const HIGH = 1;
// [case, circuit_breakers, the CircuitBreakers decoded]
const breakerRows: [string, Record<string, unknown>, CircuitBreakers][] = [
  ['no thresholds: Envoy defaults', {}, CB],
  ['only a HIGH threshold: defaults for DEFAULT', { thresholds: [{ priority: HIGH, max_requests: u32(1) }] }, CB],
  [
    'DEFAULT limits (priority unset or explicit); the first DEFAULT wins',
    { thresholds: [{ priority: HIGH, max_requests: u32(1) }, { max_connections: u32(10), max_requests: u32(20) }, { priority: RoutingPriority.DEFAULT, max_requests: u32(99) }] },
    { ...CB, maxConnections: 10, maxRequests: 20 },
  ],
  [
    'every limit',
    { thresholds: [{ priority: RoutingPriority.DEFAULT, max_connections: u32(1), max_pending_requests: u32(2), max_requests: u32(3), max_retries: u32(0) }] },
    { maxConnections: 1, maxPendingRequests: 2, maxRequests: 3, maxRetries: 0 },
  ],
  ['retry budget with defaults', { thresholds: [{ retry_budget: {} }] }, { ...CB, retryBudget: { budgetPercent: 20, minRetryConcurrency: 3 } }],
  [
    'retry budget set',
    { thresholds: [{ retry_budget: { budget_percent: { value: 12.5 }, min_retry_concurrency: u32(1) } }] },
    { ...CB, retryBudget: { budgetPercent: 12.5, minRetryConcurrency: 1 } },
  ],
];
for (const [name, breakers, expected] of breakerRows) {
  void test(`CDS circuit_breakers: ${name}`, () => {
    assert.deepEqual(valueOf(decodeCluster(edsWith({ circuit_breakers: breakers }))).circuitBreakers, expected);
  });
}

void test('CDS invalid outlier detection and circuit breakers: every error with its path', () => {
  const bytes = edsWith({
    outlier_detection: {
      interval: { seconds: 0 },
      base_ejection_time: { seconds: 60 },
      max_ejection_time: { seconds: 30 },
      max_ejection_percent: u32(101),
      enforcing_consecutive_5xx: u32(200),
    },
    circuit_breakers: { thresholds: [{ priority: HIGH }, { retry_budget: { budget_percent: { value: 150 } } }] },
  });
  assert.deepEqual(errorsOf(decodeCluster(bytes)), [
    'outlier_detection.enforcing_consecutive_5xx: 200 is not a percentage (0..100)',
    'outlier_detection.max_ejection_time: must not be less than base_ejection_time',
    'outlier_detection.interval: must be positive',
    'outlier_detection.max_ejection_percent: 101 is not a percentage (0..100)',
    'circuit_breakers.thresholds[1].retry_budget.budget_percent: 150 is not a percentage (0..100)',
  ]);
});

const clusterCases: readonly { name: string; body: Record<string, unknown>; errors: string[] }[] = [
  { name: 'defaults: unnamed STATIC', body: { connect_timeout: { seconds: -1 } }, errors: ['name: required', 'connect_timeout: not a valid non-negative duration'] },
  {
    name: 'EDS from a non-ADS source, unsupported policy',
    body: { name: 'c', type: DiscoveryType.EDS, lb_policy: 7, eds_cluster_config: { eds_config: { path: '/x' } } },
    errors: [
      'lb_policy: LOAD_BALANCING_POLICY_CONFIG is not supported (one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, CLUSTER_PROVIDED)',
      'eds_cluster_config.eds_config: must be ads or self',
    ],
  },
  {
    name: 'ORIGINAL_DST with ROUND_ROBIN',
    body: { name: 'c', type: DiscoveryType.ORIGINAL_DST, lb_policy: LbPolicy.ROUND_ROBIN },
    errors: ['lb_policy: an ORIGINAL_DST cluster must use CLUSTER_PROVIDED'],
  },
  {
    name: 'LOGICAL_DNS without its endpoint',
    body: { name: 'c', type: DiscoveryType.LOGICAL_DNS },
    errors: ['load_assignment: a LOGICAL_DNS cluster needs exactly one endpoint'],
  },
];

for (const c of clusterCases) {
  void test(`CDS invalid: ${c.name}`, () => {
    assert.deepEqual(errorsOf(decodeCluster(makeResource(CLUSTER, 'c', c.body).encoded)), c.errors);
  });
}

void test('EDS: localities with zone, sub-zone, weight and health from the control plane', () => {
  const a = valueOf(decodeClusterLoadAssignment(served(CLUSTER_LOAD_ASSIGNMENT, GREETER).encoded));
  assert.equal(a.clusterName, GREETER);
  assert.deepEqual(a.localities, [
    { region: '', zone: 'z1', subZone: 'node-1', weight: 1, priority: 0, endpoints: [{ address: '10.244.1.2', port: 50051, weight: 1, health: 'HEALTHY' }] },
    { region: '', zone: 'z2', subZone: 'node-2', weight: 1, priority: 0, endpoints: [{ address: '10.244.2.2', port: 50051, weight: 1, health: 'HEALTHY' }] },
  ]);
});

const socket = (address: string, port_value?: number): Record<string, unknown> => ({
  endpoint: { address: { socket_address: { address, ...(port_value !== undefined && { port_value }) } } },
});

void test('EDS invalid: every error with its path', () => {
  const bytes = makeResource(CLUSTER_LOAD_ASSIGNMENT, '', {
    endpoints: [
      { lb_endpoints: [socket('10.0.0.1', 80), socket('example.com', 80), socket('10.0.0.1', 80)] },
      { priority: 2, load_balancing_weight: { value: 0 }, lb_endpoints: [{ ...socket('10.0.0.2'), load_balancing_weight: { value: 0 } }] },
    ],
  }).encoded;
  assert.deepEqual(errorsOf(decodeClusterLoadAssignment(bytes)), [
    'cluster_name: required',
    'endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address: "example.com" is not an IP address',
    'endpoints[0].lb_endpoints[2].endpoint.address.socket_address: 10.0.0.1:80 is listed twice',
    'endpoints[1].lb_endpoints[0].endpoint.address.socket_address.port_value: required',
    'endpoints[1].lb_endpoints[0].load_balancing_weight: 0 is not a weight (≥ 1)',
    'endpoints[1].load_balancing_weight: 0 is not a weight (≥ 1)',
    'endpoints: priorities 0,2 have gaps (must be 0..N)',
  ]);
});
