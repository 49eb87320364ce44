// Hand-built MeshSnapshots for translation tests: the model's shapes with sensible defaults, so each test states
// only what it is about.
import type {
  BackendEndpoint,
  MeshSnapshot,
  OutboundTrafficPolicy,
  ResolvedPort,
  ResolvedService,
  Service,
  ServicePolicy,
  ServicePort,
  ServiceType,
} from '../../../control-plane/model/types.js';
import { messageType, TO_OBJECT } from '../../../xds/protos.js';
import type { ResourceSet, XdsResource } from '../../../xds/resource.js';
import { messageNameOf, type ServedTypeUrl } from '../../../xds/type-urls.js';

export const DOMAIN = 'cluster.local';

export function port(p: number, name = '', extra: Partial<ServicePort> = {}): ServicePort {
  return { name, protocol: 'TCP', port: p, targetPort: p, ...extra };
}

export function endpoint(ip: string, p: number, extra: Partial<BackendEndpoint> = {}): BackendEndpoint {
  return { ip, port: p, ready: true, serving: true, terminating: false, weight: 1, ...extra };
}

export interface ServiceSpec {
  readonly namespace?: string;
  readonly type?: ServiceType;
  /** An address, or 'None' for headless; absent for ExternalName. */
  readonly clusterIP?: string;
  readonly externalName?: string;
  readonly publishNotReadyAddresses?: boolean;
  /** status.loadBalancer.ingress[].ip / spec.loadBalancerIP (LoadBalancer Services). */
  readonly loadBalancerIPs?: readonly string[];
  /** What the Service's `meshlet.io/*` annotations set. */
  readonly policy?: ServicePolicy;
  /** Ports with their endpoints. */
  readonly ports: readonly (readonly [ServicePort, readonly BackendEndpoint[]])[];
}

export function service(name: string, spec: ServiceSpec): ResolvedService {
  const namespace = spec.namespace ?? 'default';
  const type = spec.type ?? 'ClusterIP';
  const svc: Service = {
    kind: 'Service',
    meta: { namespace, name, labels: {}, annotations: {}, creationTimestamp: '', origin: { file: 'test.yaml', document: 0 } },
    type,
    clusterIP: spec.clusterIP,
    ports: spec.ports.map(([p]) => p),
    selector: { app: name },
    externalName: spec.externalName,
    loadBalancerIPs: spec.loadBalancerIPs ?? [],
    publishNotReadyAddresses: spec.publishNotReadyAddresses ?? false,
    ...(spec.policy !== undefined && { policy: spec.policy }),
  };
  const headless = spec.clusterIP === 'None';
  const ports: ResolvedPort[] = spec.ports.map(([p, endpoints]) => ({ port: p, endpoints }));
  const withIp = type !== 'ExternalName' && !headless && spec.clusterIP !== undefined;
  return {
    service: svc,
    fqdn: `${name}.${namespace}.svc.${DOMAIN}`,
    clusterIP: withIp ? spec.clusterIP : undefined,
    headless,
    ports,
    exported: false,
  };
}

export function snapshot(services: readonly ResolvedService[], generation = 1, outboundTrafficPolicy: OutboundTrafficPolicy = 'ALLOW_ANY'): MeshSnapshot {
  const namespaces = [...new Set(services.map((s) => s.service.meta.namespace))].sort();
  return { generation, clusterDomain: DOMAIN, clusterId: 'test-cluster', outboundTrafficPolicy, services, ingresses: [], ingressClasses: [], secrets: [], gateways: [], httpRoutes: [], pods: [], namespaces };
}

/** A new ResolvedService with one port's endpoints replaced, keeping the Service object (as the model does). */
export function withEndpoints(rs: ResolvedService, portIndex: number, endpoints: readonly BackendEndpoint[]): ResolvedService {
  return { ...rs, ports: rs.ports.map((rp, i) => (i === portIndex ? { port: rp.port, endpoints } : rp)) };
}

/** Resource names of one type, in the set's order. */
export function names(set: ResourceSet, type: ServedTypeUrl): string[] {
  return [...(set.get(type)?.keys() ?? [])];
}

/** How tests read decoded messages: as meshlet's decoders do, without the virtual oneof-name fields. */
const READ = { ...TO_OBJECT, oneofs: false };

/** Decodes a resource from its wire bytes: proof that it is a real proto message, read as a client reads it. */
export function decode(r: XdsResource): Record<string, unknown> {
  const type = messageType(messageNameOf(r.typeUrl));
  return type.toObject(type.decode(r.encoded), READ);
}

/** Decodes a packed `Any` (a filter's typed_config) found in a decoded message. */
export function unpack(any: unknown): Record<string, unknown> {
  const { type_url, value } = any as { type_url: string; value: Uint8Array };
  const type = messageType(messageNameOf(type_url));
  return { '@type': type_url, ...type.toObject(type.decode(value), READ) };
}

/** The small mesh most tests use: HTTP, gRPC and TCP services in two namespaces, a headless and an ExternalName. */
export function smallMesh(): MeshSnapshot {
  return snapshot([
    service('db', { clusterIP: '10.96.0.20', ports: [[port(5432, 'tcp-postgres'), [endpoint('10.244.1.5', 5432)]]] }),
    service('greeter', {
      clusterIP: '10.96.0.10',
      ports: [[port(50051, 'grpc'), [endpoint('10.244.1.2', 50051, { nodeName: 'node-1', zone: 'z1' }), endpoint('10.244.2.2', 50051, { nodeName: 'node-2', zone: 'z2' })]]],
    }),
    service('peers', { clusterIP: 'None', ports: [[port(7000, 'tcp'), [endpoint('10.244.1.7', 7000, { hostname: 'peer-0' })]]] }),
    service('search', { type: 'ExternalName', externalName: 'search.example.com', ports: [[port(443, 'https'), []]] }),
    service('web', { namespace: 'shop', clusterIP: '10.96.0.30', ports: [[port(80, 'http'), [endpoint('10.244.2.9', 8080)]]] }),
  ]);
}

/**
 * `n` ClusterIP services over 100 namespaces, one port each (`portName`), two ready endpoints on two nodes of
 * one zone: the benchmark mesh of the issue. `tag` makes names (and objects) new, so memos start empty.
 */
export function manyServices(n: number, portName = 'http', tag = 'svc'): MeshSnapshot {
  const services: ResolvedService[] = [];
  for (let i = 0; i < n; i++) {
    const namespace = `ns${String(i % 100).padStart(3, '0')}`;
    const clusterIP = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const pod = (j: number): string => `10.${244 + j}.${(i >> 8) & 255}.${i & 255}`;
    const endpoints = [endpoint(pod(0), 8080, { nodeName: 'node-0', zone: 'z' }), endpoint(pod(1), 8080, { nodeName: 'node-1', zone: 'z' })];
    services.push(service(`${tag}${String(i).padStart(5, '0')}`, { namespace, clusterIP, ports: [[port(8080, portName), endpoints]] }));
  }
  const key = (rs: ResolvedService): string => `${rs.service.meta.namespace}/${rs.service.meta.name}`;
  return snapshot(services.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
}
