// ClusterLoadAssignments: localities, weights and health, decoded from the wire bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendEndpoint } from '../../../control-plane/model/types.js';
import { loadAssignment } from '../../../control-plane/translate/endpoint.js';
import { endpointHealth, type EndpointHealth } from '../../../control-plane/translate/health.js';
import { decode, endpoint } from './fixtures.js';

const CLUSTER = 'outbound|8080||api.default.svc.cluster.local';

interface LbEndpoint {
  endpoint: { address: { socket_address: { address: string; port_value: number } } };
  health_status?: string;
  load_balancing_weight?: { value: number };
}
interface Locality {
  locality: { region?: string; zone?: string; sub_zone?: string };
  load_balancing_weight: { value: number };
  lb_endpoints: LbEndpoint[];
}

function cla(endpoints: readonly BackendEndpoint[], publishNotReady = false): Locality[] {
  const body = decode(loadAssignment(CLUSTER, endpoints, publishNotReady));
  assert.equal(body.cluster_name, CLUSTER);
  return (body.endpoints as Locality[] | undefined) ?? [];
}

/** One row per endpoint: `zone/node ip:port health weight` (locality weight in the locality rows). */
function summary(localities: Locality[]): string[] {
  return localities.flatMap((l) => [
    `locality ${l.locality.zone ?? ''}/${l.locality.sub_zone ?? ''} weight ${l.load_balancing_weight.value}`,
    ...l.lb_endpoints.map((e) => {
      const a = e.endpoint.address.socket_address;
      return `  ${a.address}:${a.port_value} ${e.health_status} ${e.load_balancing_weight?.value}`;
    }),
  ]);
}

void test('endpoints grouped by locality (zone, node), sorted; locality weight = healthy weight', () => {
  const got = summary(
    cla([
      endpoint('10.244.2.3', 8080, { zone: 'z2', nodeName: 'node-b' }),
      endpoint('10.244.1.9', 8080, { zone: 'z1', nodeName: 'node-a', weight: 3 }),
      endpoint('10.244.1.2', 8080, { zone: 'z1', nodeName: 'node-a' }),
      endpoint('10.244.1.4', 8080, { zone: 'z1', nodeName: 'node-a', ready: false, serving: false }),
      endpoint('10.244.9.9', 8080), // no zone, no node
    ]),
  );
  assert.deepEqual(got, [
    'locality / weight 1',
    '  10.244.9.9:8080 HEALTHY 1',
    'locality z1/node-a weight 4',
    '  10.244.1.2:8080 HEALTHY 1',
    '  10.244.1.4:8080 UNHEALTHY 1',
    '  10.244.1.9:8080 HEALTHY 3',
    'locality z2/node-b weight 1',
    '  10.244.2.3:8080 HEALTHY 1',
  ]);
});

void test('a locality with no healthy endpoint still has weight 1 (grpc-js-xds drops weightless localities)', () => {
  const got = cla([endpoint('10.244.1.4', 8080, { ready: false, serving: false, nodeName: 'n' })]);
  assert.equal(got[0]!.load_balancing_weight.value, 1);
  assert.equal(got[0]!.locality.region, undefined);
});

void test('health: ready, not ready, terminating, and KEP-1669 serving+terminating fallback', () => {
  const R = { ready: true, serving: true, terminating: false };
  const NR = { ready: false, serving: false, terminating: false };
  const TS = { ready: false, serving: true, terminating: true };
  const TN = { ready: false, serving: false, terminating: true };
  // [endpoint, port has a ready endpoint, publishNotReadyAddresses, expected]
  const rows: readonly (readonly [typeof R, boolean, boolean, EndpointHealth])[] = [
    [R, true, false, 'HEALTHY'],
    [NR, true, false, 'UNHEALTHY'],
    [NR, false, false, 'UNHEALTHY'],
    [TS, true, false, 'DRAINING'],
    [TS, false, false, 'HEALTHY'], // no ready endpoint left: serving terminating ones take the traffic
    [TN, false, false, 'DRAINING'],
    [TN, true, false, 'DRAINING'],
    [NR, true, true, 'HEALTHY'], // publishNotReadyAddresses disregards readiness
    [TN, false, true, 'HEALTHY'],
  ];
  for (const [e, anyReady, publish, want] of rows) {
    assert.equal(endpointHealth(e, anyReady, publish), want, `${JSON.stringify(e)} anyReady=${anyReady} publish=${publish}`);
  }
});

void test('health as sent: a rollout with one ready, one terminating, one starting', () => {
  const got = summary(
    cla([
      endpoint('10.0.0.1', 80),
      endpoint('10.0.0.2', 80, { ready: false, serving: true, terminating: true }),
      endpoint('10.0.0.3', 80, { ready: false, serving: false }),
    ]),
  );
  assert.deepEqual(got.slice(1), ['  10.0.0.1:80 HEALTHY 1', '  10.0.0.2:80 DRAINING 1', '  10.0.0.3:80 UNHEALTHY 1']);
  const last = summary(cla([endpoint('10.0.0.2', 80, { ready: false, serving: true, terminating: true })]));
  assert.deepEqual(last.slice(1), ['  10.0.0.2:80 HEALTHY 1']);
});

void test('duplicate addresses are merged (healthier wins), non-IP and weight-0 endpoints left out', () => {
  const got = summary(
    cla([
      endpoint('10.0.0.1', 80, { ready: false, serving: false }),
      endpoint('10.0.0.1', 80), // the same address from a second slice, ready
      endpoint('10.0.0.1', 81), // same IP, other port: a different address
      endpoint('db.example.com', 80), // FQDN slice: grpc-js-xds would reject the whole assignment
      endpoint('10.0.0.9', 80, { weight: 0 }),
    ]),
  );
  assert.deepEqual(got, ['locality / weight 2', '  10.0.0.1:80 HEALTHY 1', '  10.0.0.1:81 HEALTHY 1']);
});

void test('no endpoints: an empty assignment (the cluster exists, with no hosts)', () => {
  assert.deepEqual(cla([]), []);
});
