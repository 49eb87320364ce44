// Which resources each role receives. Every role's set holds a map for each of its types, empty or not, so that
// the cache can tell "nothing of this type" (an empty complete set in SotW) from "not this role's type".
import type { MeshSnapshot } from '../model/types.js';
import type { ResourceSet, XdsResource } from '../../xds/resource.js';
import {
  CLUSTER,
  CLUSTER_LOAD_ASSIGNMENT,
  LISTENER,
  NAME_TABLE,
  ROUTE_CONFIGURATION,
  type ServedTypeUrl,
} from '../../xds/type-urls.js';
import { sidecarStaticClusters } from './cluster.js';
import { nodeListeners } from './listener-node.js';
import { sidecarVirtualListeners } from './listener-virtual.js';
import { nameTableOf } from './name-table-cache.js';
import { loadAssignments, serviceResources } from './service-resources.js';
import { DEFAULT_GATEWAY_PORTS, gatewayResources } from './gateway.js';
import type { ConfigGroup, GatewayPorts, NodeRole } from './types.js';

/** The types each role is served, in push order (xds/type-urls.ts PUSH_ORDER). */
export const ROLE_TYPES: Readonly<Record<NodeRole, readonly ServedTypeUrl[]>> = {
  sidecar: [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, NAME_TABLE],
  proxyless: [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION],
  // The gateway: Ingress and Gateway API listeners and their routes (gateway.ts), and every service's clusters.
  // The node role's listeners are L4 only (listener-node.ts): no RDS.
  gateway: [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION],
  node: [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER],
  dns: [NAME_TABLE],
};

/**
 * Only a proxyless client's resources depend on its namespace (the short `svc:port` names); every other role's
 * set is the same whatever the namespace. The cache can key groups by this so that all sidecars (and all
 * gateways, nodes, DNS servers) share one translation. A gateway's set depends on its ports (they name its
 * listeners and route configurations): gateways share a translation only with gateways on the same ports.
 */
export function canonicalGroup(group: ConfigGroup): ConfigGroup {
  if (group.role === 'gateway') return { role: 'gateway', namespace: '*', gatewayPorts: group.gatewayPorts ?? DEFAULT_GATEWAY_PORTS };
  return group.role === 'proxyless' || group.namespace === '*' ? group : { role: group.role, namespace: '*' };
}

/**
 * Collects resources per type. Maps are filled once at the end from arrays: growing six maps of ten thousand
 * entries while the resources themselves are being allocated costs more (every young resource stored in
 * an old map's table is another slot for the garbage collector to visit).
 */
export class SetBuilder {
  readonly #lists = new Map<ServedTypeUrl, XdsResource[]>();

  constructor(types: readonly ServedTypeUrl[]) {
    for (const t of types) this.#lists.set(t, []);
  }

  add(resources: readonly XdsResource[]): void {
    for (const r of resources) this.#lists.get(r.typeUrl)?.push(r);
  }

  has(typeUrl: ServedTypeUrl): boolean {
    return this.#lists.has(typeUrl);
  }

  build(): ResourceSet {
    const set = new Map<ServedTypeUrl, ReadonlyMap<string, XdsResource>>();
    for (const [type, list] of this.#lists) {
      const byName = new Map<string, XdsResource>();
      for (const r of list) byName.set(r.name, r);
      set.set(type, byName);
    }
    return set;
  }
}

/** CDS and EDS of every service: what every proxy role routes to. */
export function addServiceClusters(out: SetBuilder, snapshot: MeshSnapshot): void {
  for (const rs of snapshot.services) {
    out.add(serviceResources(rs).clusters());
    out.add(loadAssignments(rs));
  }
}

/**
 * The sidecar: virtual listeners and their clusters, every service's clusters and endpoints, a listener per
 * ClusterIP:port and the routes of the HTTP ones. Headless services get clusters and endpoints but no listener:
 * their clients connect to pod IPs, which the virtual outbound listener passes through (per-endpoint listeners
 * for headless HTTP/TCP ports, as Istio builds, are out of scope for now).
 */
export function addSidecar(out: SetBuilder, snapshot: MeshSnapshot): void {
  out.add(sidecarStaticClusters());
  out.add(sidecarVirtualListeners(snapshot.outboundTrafficPolicy));
  addServiceClusters(out, snapshot);
  for (const rs of snapshot.services) {
    const sr = serviceResources(rs);
    out.add(sr.sidecarListeners());
    out.add(sr.sidecarRoutes());
  }
}

/**
 * A proxyless gRPC client in `namespace`: API listeners for every name it may dial — `svc:port` only for the
 * services of its own namespace (its DNS search path), the longer names for all — and the routes, clusters and
 * endpoints behind them.
 */
export function addProxyless(out: SetBuilder, snapshot: MeshSnapshot, namespace: string): void {
  addServiceClusters(out, snapshot);
  for (const rs of snapshot.services) {
    const sr = serviceResources(rs);
    const listeners = sr.apiListeners();
    if (rs.service.meta.namespace === namespace) out.add(listeners.short);
    out.add(listeners.long);
    out.add(sr.routes());
  }
}

/** The node role (NodePort / LoadBalancer): every service's clusters and endpoints, and the node's listeners. */
export function addNode(out: SetBuilder, snapshot: MeshSnapshot): void {
  addServiceClusters(out, snapshot);
  out.add(nodeListeners(snapshot));
}

/**
 * The ingress gateway on `ports` (default 8080 / 8443): every service's clusters and endpoints, and the
 * listeners and routes of the Ingresses meshlet serves and of the Gateways of class `meshlet` (gateway.ts).
 */
export function addGateway(out: SetBuilder, snapshot: MeshSnapshot, ports: GatewayPorts = DEFAULT_GATEWAY_PORTS): void {
  addServiceClusters(out, snapshot);
  const { listeners, routes } = gatewayResources(snapshot, ports);
  out.add(listeners);
  out.add(routes);
}

export function addNameTable(out: SetBuilder, snapshot: MeshSnapshot): void {
  if (out.has(NAME_TABLE)) out.add([nameTableOf(snapshot)]);
}
