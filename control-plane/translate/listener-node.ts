// LDS for the `node` role (kube-proxy's job for traffic from outside the cluster, DESIGN.md "Folders"): for every
// Service of type NodePort or LoadBalancer, a bound listener `0.0.0.0_<nodePort>` per port with a nodePort, and
// for a LoadBalancer Service a bound listener `<lbIP>_<port>` per ingress IP and port. Both forward at L4 (one
// TCP proxy chain) to the port's EDS cluster `outbound|<port>||<fqdn>`, as kube-proxy forwards without reading
// the bytes. Only TCP ports: the proxy carries streams, and UDP/SCTP ports have no cluster (service-resources.ts).
//
// A nodePort is cluster-wide, so two Services may not share one; the decoder rejects repeats inside one Service
// and the model does not allocate missing nodePorts yet (a port without one gets no listener). Across Services
// the first in snapshot order (namespace/name) keeps an address and later claims are dropped, so the set stays
// valid and deterministic; reporting those conflicts belongs to the model, beside ClusterIP conflicts.
import type { MeshSnapshot, ResolvedService, Service } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { LISTENER } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { tcpProxyFilter } from './filters.js';
import { clusterName, listenerName } from './names.js';
import { isStreamTransport, portProtocol } from './protocol.js';

/** Every IPv4 address of the node: nodePorts open on each of them (Kubernetes' default nodePortAddresses). */
export const NODE_PORT_ADDRESS = '0.0.0.0';

/** One L4 forward the node opens: `address:port` → cluster. */
export interface NodeForward {
  readonly address: string;
  readonly port: number;
  readonly cluster: string;
}

/** The forwards one Service asks for, in port order: nodePorts first, then LoadBalancer IP:port pairs. */
export function nodeForwards(rs: Pick<ResolvedService, 'service' | 'fqdn'>): NodeForward[] {
  const { service, fqdn } = rs;
  if (service.type !== 'NodePort' && service.type !== 'LoadBalancer') return [];
  const ports = service.ports.filter((p) => isStreamTransport(portProtocol(p)));
  const out: NodeForward[] = [];
  for (const p of ports) {
    if (p.nodePort !== undefined) out.push({ address: NODE_PORT_ADDRESS, port: p.nodePort, cluster: clusterName(p.port, fqdn) });
  }
  if (service.type === 'LoadBalancer') {
    for (const ip of service.loadBalancerIPs) {
      for (const p of ports) out.push({ address: ip, port: p.port, cluster: clusterName(p.port, fqdn) });
    }
  }
  return out;
}

export function nodeListener(f: NodeForward): XdsResource {
  const name = listenerName(f.address, f.port);
  return resource(LISTENER, name, {
    name,
    address: { socket_address: { address: f.address, port_value: f.port } },
    filter_chains: [{ filters: [tcpProxyFilter(f.cluster)] }],
  });
}

interface Cached {
  readonly fqdn: string;
  readonly listeners: readonly XdsResource[];
}

const byService = new WeakMap<Service, Cached>();

function listenersOf(rs: ResolvedService): readonly XdsResource[] {
  const cached = byService.get(rs.service);
  if (cached?.fqdn === rs.fqdn) return cached.listeners;
  const listeners = nodeForwards(rs).map(nodeListener);
  byService.set(rs.service, { fqdn: rs.fqdn, listeners });
  return listeners;
}

/** The node role's listeners for the whole snapshot; the first Service to claim an address keeps it. */
export function nodeListeners(snapshot: MeshSnapshot): XdsResource[] {
  const out: XdsResource[] = [];
  const taken = new Set<string>();
  for (const rs of snapshot.services) {
    for (const l of listenersOf(rs)) {
      if (taken.has(l.name)) continue;
      taken.add(l.name);
      out.push(l);
    }
  }
  return out;
}
