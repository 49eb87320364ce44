// Small builders of domain objects for model tests: only the fields a test cares about need saying.
import type {
  Endpoint,
  EndpointSlice,
  ObjectMeta,
  Pod,
  Service,
  ServiceExport,
  ServicePort,
} from '../../../control-plane/model/types.js';

type MetaInput = Partial<Omit<ObjectMeta, 'origin'>> & { name: string; file?: string };

export function meta(m: MetaInput): ObjectMeta {
  return {
    namespace: m.namespace ?? 'default',
    name: m.name,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    creationTimestamp: m.creationTimestamp ?? '',
    origin: { file: m.file ?? 'test.yaml', document: 0 },
  };
}

export function port(p: Partial<ServicePort> = {}): ServicePort {
  return { name: p.name ?? 'http', protocol: p.protocol ?? 'TCP', port: p.port ?? 80, targetPort: p.targetPort ?? 8080, ...p };
}

export function service(m: MetaInput, s: Partial<Omit<Service, 'kind' | 'meta'>> = {}): Service {
  return {
    kind: 'Service',
    meta: meta(m),
    type: s.type ?? 'ClusterIP',
    ports: s.ports ?? [port()],
    loadBalancerIPs: s.loadBalancerIPs ?? [],
    publishNotReadyAddresses: s.publishNotReadyAddresses ?? false,
    ...(s.clusterIP !== undefined && { clusterIP: s.clusterIP }),
    ...(s.selector !== undefined && { selector: s.selector }),
    ...(s.externalName !== undefined && { externalName: s.externalName }),
    ...(s.policy !== undefined && { policy: s.policy }),
  };
}

export function endpoint(ip: string, e: Partial<Endpoint> = {}): Endpoint {
  return { addresses: [ip], ready: true, serving: true, terminating: false, ...e };
}

export function slice(
  m: MetaInput & { service: string },
  endpoints: Endpoint[],
  ports: EndpointSlice['ports'] = [{ name: 'http', protocol: 'TCP', port: 8080 }],
): EndpointSlice {
  const labels = { 'kubernetes.io/service-name': m.service, ...m.labels };
  return { kind: 'EndpointSlice', meta: meta({ ...m, labels }), serviceName: m.service, addressType: 'IPv4', ports, endpoints };
}

export function pod(m: MetaInput, p: Partial<Omit<Pod, 'kind' | 'meta'>> = {}): Pod {
  return {
    kind: 'Pod',
    meta: meta(m),
    containerPorts: p.containerPorts ?? [],
    podIPs: p.podIPs ?? [],
    phase: p.phase ?? 'Running',
    ready: p.ready ?? true,
    deleting: p.deleting ?? false,
    ...(p.nodeName !== undefined && { nodeName: p.nodeName }),
    ...(p.hostname !== undefined && { hostname: p.hostname }),
    ...(p.subdomain !== undefined && { subdomain: p.subdomain }),
    ...(p.weight !== undefined && { weight: p.weight }),
  };
}

export function serviceExport(m: MetaInput): ServiceExport {
  return { kind: 'ServiceExport', meta: meta(m) };
}

/** A creationTimestamp `seconds` after 2024-01-01T00:00:00Z, in the API server's format. */
export function timestamp(seconds: number): string {
  return new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** `n` ClusterIP Services `svc-<start>` ... in namespace `ns`, created one second apart in index order. */
export function manyServices(n: number, ns = 'default', start = 0): Service[] {
  return Array.from({ length: n }, (_, i) => service({ name: `svc-${start + i}`, namespace: ns, creationTimestamp: timestamp(start + i) }));
}
