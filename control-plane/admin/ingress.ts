// /debug/ingress: what the gateway serves and why — every Ingress (served by meshlet's class or not, its hosts,
// the gateway's address and ports, problems), every Gateway (class, listeners, attached routes) and every
// HTTPRoute (per parentRef: attached or not, with the Gateway API reason). The Ingress status a controller
// would write to status.loadBalancer, shown instead of written (meshlet reads manifests, it does not write them).
import { servedIngresses } from '../model/ingress-class.js';
import type { MeshSnapshot } from '../model/types.js';
import { gatewayApiRoutes, MESHLET_GATEWAY_CLASS } from '../translate/gateway-api.js';
import { gatewayIngressRoutes } from '../translate/gateway.js';

/**
 * The Service in front of the gateway (examples/ and the kind deployment create it; as ingress-nginx's
 * `--publish-service`): its LoadBalancer IPs, else its ClusterIP, are the address Ingresses are reachable at.
 */
export const GATEWAY_SERVICE = { namespace: 'meshlet-system', name: 'meshlet-gateway' } as const;

export interface IngressStatus {
  readonly namespace: string;
  readonly name: string;
  readonly class: string;
  readonly served: boolean;
  readonly reason?: string;
  readonly hosts: readonly string[];
  readonly address: readonly string[];
  readonly ports: readonly number[];
  readonly problems: readonly string[];
}

export interface IngressReport {
  readonly ingresses: readonly IngressStatus[];
  readonly gateways: readonly unknown[];
  readonly httpRoutes: readonly unknown[];
}

export function gatewayAddress(snapshot: MeshSnapshot, service: { namespace: string; name: string } = GATEWAY_SERVICE): string[] {
  const rs = snapshot.services.find((s) => s.service.meta.namespace === service.namespace && s.service.meta.name === service.name);
  if (!rs) return [];
  if (rs.service.loadBalancerIPs.length > 0) return [...rs.service.loadBalancerIPs];
  return rs.clusterIP !== undefined ? [rs.clusterIP] : [];
}

export function buildIngressReport(snapshot: MeshSnapshot | undefined): IngressReport {
  if (!snapshot) return { ingresses: [], gateways: [], httpRoutes: [] };
  const address = gatewayAddress(snapshot);
  const served = new Set(servedIngresses(snapshot));
  const ingressPart = gatewayIngressRoutes(snapshot);
  const api = gatewayApiRoutes(snapshot);
  const ingresses = snapshot.ingresses.map((ing): IngressStatus => {
    const isServed = served.has(ing);
    const cls = ing.ingressClassName ?? ing.meta.annotations['kubernetes.io/ingress.class'] ?? '';
    return {
      namespace: ing.meta.namespace,
      name: ing.meta.name,
      class: cls === '' ? '<none>' : cls,
      served: isServed,
      ...(!isServed && { reason: `class "${cls}" is not meshlet's` }),
      hosts: ing.rules.map((r) => (r.host === '' ? '*' : r.host)),
      address: isServed ? address : [],
      ports: ing.tls.length > 0 ? [80, 443] : [80],
      problems: ingressPart.problems.get(`${ing.meta.namespace}/${ing.meta.name}`) ?? [],
    };
  });
  const gateways = snapshot.gateways.map((gw) => ({
    namespace: gw.meta.namespace,
    name: gw.meta.name,
    class: gw.gatewayClassName,
    served: gw.gatewayClassName === MESHLET_GATEWAY_CLASS,
    address: gw.gatewayClassName === MESHLET_GATEWAY_CLASS ? address : [],
    listeners: api.gateways.get(`${gw.meta.namespace}/${gw.meta.name}`) ?? [],
  }));
  const httpRoutes = snapshot.httpRoutes.map((r) => {
    const st = api.routes.get(`${r.meta.namespace}/${r.meta.name}`);
    return {
      namespace: r.meta.namespace,
      name: r.meta.name,
      hostnames: r.hostnames,
      parents: (st?.parents ?? []).map((p) => ({
        gateway: `${p.parent.namespace}/${p.parent.name}`,
        ...(p.parent.sectionName !== undefined && { sectionName: p.parent.sectionName }),
        attached: p.attached,
        reason: p.reason,
        ...(p.message !== undefined && { message: p.message }),
        listeners: p.listeners,
        hostnames: p.hostnames,
      })),
      problems: st?.problems ?? [],
    };
  });
  return { ingresses, gateways, httpRoutes };
}

/** kubectl-like tables for `meshlet get ingress|gateway|httproute`. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatIngresses(report: IngressReport): string {
  return formatTable(
    ['NAMESPACE', 'NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS'],
    report.ingresses.map((i) => [i.namespace, i.name, i.class, i.hosts.join(',') || '*', i.served ? i.address.join(',') : `(not served: ${i.reason ?? ''})`, i.ports.join(', ')]),
  );
}
