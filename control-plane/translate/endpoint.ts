// EDS: envoy.config.endpoint.v3.ClusterLoadAssignment, one per EDS cluster, endpoints grouped by locality.
import { isIP } from 'node:net';
import type { BackendEndpoint } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { CLUSTER_LOAD_ASSIGNMENT } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { HealthStatus } from './enums.js';
import { endpointHealth, HEALTH_RANK, type EndpointHealth } from './health.js';

interface Served {
  readonly endpoint: BackendEndpoint;
  readonly health: EndpointHealth;
}

/**
 * One entry per ip:port. grpc-js-xds rejects the whole assignment when an address repeats or is not an IP
 * (src/xds-resource-type/endpoint-resource-type.ts, validateAddress), and both happen in Kubernetes: an
 * endpoint listed by two slices mid-rollout, or an FQDN slice. Weight 0 cannot be expressed (Envoy: LbEndpoint
 * load_balancing_weight ≥ 1) and means "no traffic", so such endpoints are left out.
 */
function servedEndpoints(endpoints: readonly BackendEndpoint[], publishNotReady: boolean): Served[] {
  const anyReady = endpoints.some((e) => e.ready);
  const byAddress = new Map<string, Served>();
  for (const endpoint of endpoints) {
    if (isIP(endpoint.ip) === 0 || !(endpoint.weight >= 1)) continue;
    const health = endpointHealth(endpoint, anyReady, publishNotReady);
    const key = `${endpoint.ip}|${endpoint.port}`;
    const seen = byAddress.get(key);
    if (!seen || HEALTH_RANK[health] < HEALTH_RANK[seen.health]) byAddress.set(key, { endpoint, health });
  }
  return [...byAddress.values()];
}

/** Locality of a Kubernetes endpoint: no region, zone = topology zone, sub_zone = node name (Istio's mapping). */
function localityKey(e: BackendEndpoint): string {
  return `${e.zone ?? ''}/${e.nodeName ?? ''}`;
}

function compareAddress(a: Served, b: Served): number {
  const ea = a.endpoint;
  const eb = b.endpoint;
  return ea.ip < eb.ip ? -1 : ea.ip > eb.ip ? 1 : ea.port - eb.port;
}

const WEIGHT_1 = Object.freeze({ value: 1 });

function lbEndpoint(s: Served): Record<string, unknown> {
  const e = s.endpoint;
  const weight = Math.floor(e.weight);
  return {
    endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } } },
    health_status: HealthStatus[s.health],
    load_balancing_weight: weight === 1 ? WEIGHT_1 : { value: weight },
  };
}

/**
 * A locality's weight is the sum of its healthy endpoints' weights, so that picking a locality by weight and
 * then an endpoint by weight gives every healthy endpoint its share of the whole. It is never 0: grpc-js-xds
 * drops localities without a weight (xds-dependency-manager.ts, getEdsResource) and Envoy requires ≥ 1.
 */
function localityLbEndpoints(members: Served[]): Record<string, unknown> {
  const first = members[0]!.endpoint;
  let weight = 0;
  for (const m of members) if (m.health === 'HEALTHY') weight += Math.floor(m.endpoint.weight);
  members.sort(compareAddress);
  // region stays unset; empty zone / sub_zone are left out (present-but-empty strings would still be encoded).
  const locality: Record<string, string> = {};
  if (first.zone) locality.zone = first.zone;
  if (first.nodeName) locality.sub_zone = first.nodeName;
  return {
    locality,
    load_balancing_weight: { value: Math.max(1, weight) },
    lb_endpoints: members.map(lbEndpoint),
  };
}

/**
 * The assignment for `clusterName`. All endpoints are listed, with their health, so that config dumps show why
 * one gets no traffic; localities and endpoints are sorted so equal input encodes to equal bytes.
 */
export function loadAssignment(
  clusterName: string,
  endpoints: readonly BackendEndpoint[],
  publishNotReadyAddresses: boolean,
): XdsResource {
  const groups = new Map<string, Served[]>();
  for (const s of servedEndpoints(endpoints, publishNotReadyAddresses)) {
    const key = localityKey(s.endpoint);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const keys = [...groups.keys()].sort();
  return resource(CLUSTER_LOAD_ASSIGNMENT, clusterName, {
    cluster_name: clusterName,
    endpoints: keys.map((k) => localityLbEndpoints(groups.get(k)!)),
  });
}
