// Resource names, spelled as Envoy and Istio spell them so that what people know of Istio's config dumps
// transfers (DESIGN.md, "Protocol decisions").

/** Istio's outbound cluster name: `outbound|<port>|<subset>|<fqdn>`, with no subset. */
export function clusterName(port: number, fqdn: string): string {
  return `outbound|${port}||${fqdn}`;
}

/** A listener on one address: `<ip>_<port>` (Istio's sidecar listeners, e.g. `10.96.0.10_80`). */
export function listenerName(ip: string, port: number): string {
  return `${ip}_${port}`;
}

/**
 * The route configuration of one Service port: `<fqdn>:<port>`.
 *
 * Decision: one route configuration per Service port, not Istio's one per port number (`80`) shared by every
 * HTTP service on that port. Our sidecar listeners are per ClusterIP:port, so the destination already names the
 * service; per-service resources stay small, are memoised with the service, and a change to one service
 * re-encodes and pushes (delta xDS) one small resource instead of a `80` table holding every service on port
 * 80. It is also the name Istio's proxyless generator gives (`<host>:<port>`), so the sidecar listener and every
 * proxyless API listener of a port share this one resource.
 */
export function routeName(fqdn: string, port: number): string {
  return `${fqdn}:${port}`;
}

/** The sidecar's virtual listeners and their clusters (Istio's names; ports of DESIGN.md). */
export const VIRTUAL_OUTBOUND_PORT = 15001;
export const VIRTUAL_INBOUND_PORT = 15006;
export const VIRTUAL_OUTBOUND_LISTENER = listenerName('0.0.0.0', VIRTUAL_OUTBOUND_PORT);
export const VIRTUAL_INBOUND_LISTENER = listenerName('0.0.0.0', VIRTUAL_INBOUND_PORT);
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughClusterIpv4';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';

/**
 * The names a client in the service's own namespace may dial, shortest first (Kubernetes DNS search path
 * `<ns>.svc.<zone> svc.<zone> <zone>`): `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.<zone>`. Clients in other
 * namespaces can use every one but the first.
 */
export function serviceHostnames(name: string, namespace: string, fqdn: string): readonly string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, fqdn];
}

/** Host names with the port appended, as HTTP/1.1 Host and HTTP/2 :authority carry them for non-default ports. */
export function withPort(hosts: readonly string[], port: number): string[] {
  return hosts.map((h) => `${h}:${port}`);
}
