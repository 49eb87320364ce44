// Ingress, Secret, Gateway and HTTPRoute objects for the gateway's translation tests, and a readable summary of
// the route configurations it produces (one line per route), so that tests read as tables.
import type {
  Gateway,
  GatewayListener,
  HTTPRoute,
  HTTPRouteMatch,
  HTTPRouteRule,
  Ingress,
  IngressPath,
  IngressServiceBackend,
  MeshSnapshot,
  ObjectMeta,
  TlsSecret,
} from '../../../control-plane/model/types.js';
import type { ResourceSet } from '../../../xds/resource.js';
import { LISTENER, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { decode, endpoint, port, service, snapshot, unpack } from './fixtures.js';

export function meta(namespace: string, name: string, creationTimestamp = '', annotations: Record<string, string> = {}): ObjectMeta {
  return { namespace, name, labels: {}, annotations, creationTimestamp, origin: { file: 'test.yaml', document: 0 } };
}

export function backend(name: string, p: number | string): IngressServiceBackend {
  return { name, port: typeof p === 'number' ? { number: p } : { name: p } };
}

export function path(p: string, svc: string, svcPort: number | string, pathType: IngressPath['pathType'] = 'Prefix'): IngressPath {
  return { path: p, pathType, backend: backend(svc, svcPort) };
}

export interface IngressSpec {
  readonly namespace?: string;
  readonly created?: string;
  readonly annotations?: Record<string, string>;
  readonly className?: string;
  readonly defaultBackend?: IngressServiceBackend;
  readonly rules?: readonly { readonly host?: string; readonly paths: readonly IngressPath[] }[];
  readonly tls?: readonly { readonly hosts: readonly string[]; readonly secretName?: string }[];
}

export function ingress(name: string, spec: IngressSpec): Ingress {
  return {
    kind: 'Ingress',
    meta: meta(spec.namespace ?? 'default', name, spec.created ?? '', spec.annotations ?? {}),
    apiVersion: 'networking.k8s.io/v1',
    ...(spec.className !== undefined && { ingressClassName: spec.className }),
    ...(spec.defaultBackend && { defaultBackend: spec.defaultBackend }),
    rules: (spec.rules ?? []).map((r) => ({ host: r.host ?? '', paths: r.paths })),
    tls: spec.tls ?? [],
  };
}

export function secret(name: string, namespace = 'default', dnsNames: readonly string[] = []): TlsSecret {
  return {
    kind: 'Secret',
    meta: meta(namespace, name),
    certificateChain: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`,
    privateKey: `-----BEGIN PRIVATE KEY-----\n${name}\n-----END PRIVATE KEY-----\n`,
    dnsNames,
  };
}

export function listener(name: string, protocol: 'HTTP' | 'HTTPS', extra: Partial<GatewayListener> = {}): GatewayListener {
  return { name, protocol, port: protocol === 'HTTP' ? 80 : 443, certificateRefs: [], allowedRoutesFrom: 'Same', ...extra };
}

export function gateway(name: string, listeners: readonly GatewayListener[], namespace = 'default', className = 'meshlet'): Gateway {
  return { kind: 'Gateway', meta: meta(namespace, name), gatewayClassName: className, listeners };
}

export function match(p: string, type: HTTPRouteMatch['path']['type'] = 'PathPrefix', extra: Partial<HTTPRouteMatch> = {}): HTTPRouteMatch {
  return { path: { type, value: p }, headers: [], queryParams: [], ...extra };
}

export function rule(matches: readonly HTTPRouteMatch[], backends: readonly (readonly [string, number, number?])[], extra: Partial<HTTPRouteRule> = {}): HTTPRouteRule {
  return { matches, filters: [], backendRefs: backends.map(([name, p, weight]) => ({ namespace: 'default', name, port: p, weight: weight ?? 1 })), ...extra };
}

export interface RouteSpec {
  readonly namespace?: string;
  readonly created?: string;
  readonly parents?: readonly { readonly name: string; readonly namespace?: string; readonly sectionName?: string }[];
  readonly hostnames?: readonly string[];
  readonly rules: readonly HTTPRouteRule[];
}

export function httpRoute(name: string, spec: RouteSpec): HTTPRoute {
  const namespace = spec.namespace ?? 'default';
  return {
    kind: 'HTTPRoute',
    meta: meta(namespace, name, spec.created ?? ''),
    parentRefs: (spec.parents ?? [{ name: 'gw' }]).map((p) => ({ namespace: p.namespace ?? namespace, name: p.name, ...(p.sectionName !== undefined && { sectionName: p.sectionName }) })),
    hostnames: spec.hostnames ?? [],
    rules: spec.rules,
  };
}

/** Backends: default/a (80 "http"), default/b (80 "http", 8080 "admin"), shop/c (80). */
export function gatewayMesh(objects: Partial<Pick<MeshSnapshot, 'ingresses' | 'ingressClasses' | 'secrets' | 'gateways' | 'httpRoutes'>>): MeshSnapshot {
  const base = snapshot([
    service('a', { clusterIP: '10.96.1.1', ports: [[port(80, 'http'), [endpoint('10.244.1.1', 8080)]]] }),
    service('b', { clusterIP: '10.96.1.2', ports: [[port(80, 'http'), [endpoint('10.244.1.2', 8080)]], [port(8080, 'admin'), [endpoint('10.244.1.2', 9090)]]] }),
    service('c', { namespace: 'shop', clusterIP: '10.96.1.3', ports: [[port(80, 'http'), [endpoint('10.244.1.3', 8080)]]] }),
  ]);
  return { ...base, ...objects };
}

export const A = 'outbound|80||a.default.svc.cluster.local';
export const B = 'outbound|80||b.default.svc.cluster.local';
export const B_ADMIN = 'outbound|8080||b.default.svc.cluster.local';
export const C = 'outbound|80||c.shop.svc.cluster.local';

type Obj = Record<string, unknown>;

function stringMatch(m: Obj): string {
  if (typeof m['exact'] === 'string') return `=${m['exact']}`;
  return `~${String((m['safe_regex'] as Obj)['regex'])}`;
}

function actionText(r: Obj): string {
  const route = r['route'] as Obj | undefined;
  if (route) {
    if (typeof route['cluster'] === 'string') return route['cluster'];
    const wc = ((route['weighted_clusters'] as Obj)['clusters'] as Obj[]).map((c) => `${String(c['name'])}*${String((c['weight'] as Obj)['value'])}`);
    return wc.join(' + ');
  }
  const redirect = r['redirect'] as Obj | undefined;
  if (redirect) {
    const parts = Object.entries(redirect).filter(([k]) => k !== 'response_code').map(([k, v]) => `${k}=${String(v)}`);
    return `redirect ${parts.join(' ')} ${String(redirect['response_code'] ?? 'MOVED_PERMANENTLY')}`;
  }
  const direct = r['direct_response'] as Obj;
  return `${String(direct['status'])}`;
}

/** One line per route: `<match> [headers] [query] → <action>`. */
export function routeLine(r: Obj): string {
  const m = r['match'] as Obj;
  const p = typeof m['prefix'] === 'string' ? `${m['prefix']}*`
    : typeof m['path'] === 'string' ? `=${m['path']}`
    : typeof m['path_separated_prefix'] === 'string' ? `${m['path_separated_prefix']}/*`
    : `~${String((m['safe_regex'] as Obj)['regex'])}`;
  const headers = ((m['headers'] as Obj[] | undefined) ?? []).map((h) => ` [${String(h['name'])}${stringMatch(h['string_match'] as Obj)}]`).join('');
  const query = ((m['query_parameters'] as Obj[] | undefined) ?? []).map((q) => ` ?${String(q['name'])}${stringMatch(q['string_match'] as Obj)}`).join('');
  return `${p}${headers}${query} → ${actionText(r)}`;
}

/** The virtual hosts of a route configuration: `{ host: [route lines] }` in order (domains are [host]). */
export function vhosts(set: ResourceSet, name: string): Record<string, string[]> {
  const r = set.get(ROUTE_CONFIGURATION)?.get(name);
  if (!r) throw new Error(`no route configuration ${name}`);
  const out: Record<string, string[]> = {};
  for (const vh of decode(r)['virtual_hosts'] as Obj[]) {
    const domains = vh['domains'] as string[];
    if (domains.length !== 1 || domains[0] !== vh['name']) throw new Error(`vhost ${String(vh['name'])}: domains ${domains.join(',')}`);
    out[String(vh['name'])] = ((vh['routes'] as Obj[] | undefined) ?? []).map(routeLine);
  }
  return out;
}

/** The HTTPS listener's chains: `server names → secret` lines. */
export function tlsChains(set: ResourceSet, name: string): string[] {
  const l = set.get(LISTENER)?.get(name);
  if (!l) throw new Error(`no listener ${name}`);
  return (decode(l)['filter_chains'] as Obj[]).map((c) => {
    const names = (((c['filter_chain_match'] as Obj | undefined)?.['server_names'] as string[] | undefined) ?? []).join(',') || '(any)';
    const ctx = unpack((c['transport_socket'] as Obj)['typed_config']);
    const cert = (((ctx['common_tls_context'] as Obj)['tls_certificates'] as Obj[])[0]!['certificate_chain'] as Obj)['inline_string'] as string;
    return `${names} → ${cert.split('\n')[1]!}`;
  });
}
