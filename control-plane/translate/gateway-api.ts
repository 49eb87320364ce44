// Gateway API → the gateway's routes and certificates: Gateways of class `meshlet`, their listeners, and the
// HTTPRoutes attached to them (https://gateway-api.sigs.k8s.io/reference/spec/).
//
// - meshlet implements the GatewayClass named MESHLET_GATEWAY_CLASS (`meshlet`; there is no GatewayClass object
//   in the model, so the name is the contract, as a controller's default class).
// - A Gateway listener of protocol HTTP is served on the gateway's HTTP port, HTTPS on its HTTPS port, whatever
//   `port` it names (the gateway proxy has exactly those two; the LoadBalancer Service maps 80/443 to them).
// - An HTTPRoute attaches to a listener when a parentRef names the Gateway (and the listener by sectionName /
//   port, when given), the listener allows the route's namespace (allowedRoutes.namespaces.from Same | All),
//   and their hostnames intersect (gateway-hostnames.ts). Status reasons are the spec's: Accepted,
//   NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname.
// - References to another namespace (backendRefs, certificateRefs) need a ReferenceGrant, which meshlet does not
//   read: they are refused (RefNotPermitted) and the reference is treated as invalid.
// - Rules: each HTTPRouteMatch is one Envoy route, ordered across every route of a host by
//   http-route-precedence.ts. backendRefs → cluster, or weighted_clusters (weight-0 refs dropped); none valid →
//   500 (HTTPRouteRule.backendRefs). An invalid ref among valid ones is dropped (the spec would have its share of
//   requests answered 500). Filters: RequestHeaderModifier, RequestRedirect (a redirect replaces the backends).
import type { Gateway, GatewayListener, HTTPRoute, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule, MeshSnapshot, ParentRef } from '../model/types.js';
import {
  clusterAction,
  HeaderAppendAction,
  HTTPROUTE_NO_BACKEND,
  RedirectResponseCode,
  resolveBackend,
  weightedAction,
  type Fields,
} from './gateway-backends.js';
import { attachedHostnames } from './gateway-hostnames.js';
import type { CertificateClaim } from './gateway-ingress.js';
import { compareHttpRouteMatches, type RankedMatch } from './http-route-precedence.js';

/** The gatewayClassName meshlet serves. */
export const MESHLET_GATEWAY_CLASS = 'meshlet';

export type ParentReason = 'Accepted' | 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname';

export interface ParentStatus {
  readonly parent: ParentRef;
  readonly attached: boolean;
  readonly reason: ParentReason;
  readonly message?: string;
  /** The listeners it attached to, and the virtual host names it got there. */
  readonly listeners: readonly string[];
  readonly hostnames: readonly string[];
}

export interface ListenerStatus {
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
  readonly hostname?: string;
  readonly attachedRoutes: number;
  readonly problems: readonly string[];
}

export interface RankedRoute {
  readonly rank: RankedMatch;
  readonly route: Fields;
}

export interface GatewayApiRoutes {
  /** Routes per virtual host name, sorted by precedence; for the HTTP and the HTTPS listener. */
  readonly http: ReadonlyMap<string, readonly Fields[]>;
  readonly https: ReadonlyMap<string, readonly Fields[]>;
  readonly certificates: readonly CertificateClaim[];
  /** Gateways of class meshlet, by `namespace/name`, with their listeners' status. */
  readonly gateways: ReadonlyMap<string, readonly ListenerStatus[]>;
  /** Per HTTPRoute `namespace/name`: one entry per parentRef; and backend problems. */
  readonly routes: ReadonlyMap<string, { readonly parents: readonly ParentStatus[]; readonly problems: readonly string[] }>;
}

const key = (meta: { namespace: string; name: string }): string => `${meta.namespace}/${meta.name}`;

// ---- RouteMatch ---------------------------------------------------------------------------------------------

function pathSpecifier(m: HTTPRouteMatch): Fields {
  switch (m.path.type) {
    case 'Exact':
      return { path: m.path.value };
    case 'RegularExpression':
      return { safe_regex: { regex: m.path.value } };
    case 'PathPrefix': {
      // "/foo" matches "/foo" and "/foo/bar", not "/foobar"; a trailing "/" is ignored (HTTPPathMatch).
      let value = m.path.value;
      while (value.length > 1 && value.endsWith('/')) value = value.slice(0, -1);
      return value === '/' || value === '' ? { prefix: '/' } : { path_separated_prefix: value };
    }
  }
}

function stringMatch(type: 'Exact' | 'RegularExpression', value: string): Fields {
  return type === 'Exact' ? { exact: value } : { safe_regex: { regex: value } };
}

export function routeMatch(m: HTTPRouteMatch): Fields {
  const headers = m.headers.map((h) => ({ name: h.name, string_match: stringMatch(h.type, h.value) }));
  if (m.method !== undefined) headers.push({ name: ':method', string_match: { exact: m.method } });
  const query = m.queryParams.map((q) => ({ name: q.name, string_match: stringMatch(q.type, q.value) }));
  return {
    ...pathSpecifier(m),
    ...(headers.length > 0 && { headers }),
    ...(query.length > 0 && { query_parameters: query }),
  };
}

// ---- Actions --------------------------------------------------------------------------------------------------

function redirect(f: Extract<HTTPRouteFilter, { type: 'RequestRedirect' }>): Fields {
  return {
    redirect: {
      ...(f.scheme !== undefined && { scheme_redirect: f.scheme }),
      ...(f.hostname !== undefined && { host_redirect: f.hostname }),
      ...(f.port !== undefined && { port_redirect: f.port }),
      ...(f.path !== undefined && { path_redirect: f.path }),
      response_code: f.statusCode === 301 ? RedirectResponseCode.MOVED_PERMANENTLY : RedirectResponseCode.FOUND,
    },
  };
}

/** Envoy reads `%...%` in header values as a substitution; a Gateway API value is literal, so `%` is doubled. */
const literal = (value: string): string => value.replaceAll('%', '%%');

function headerModifier(f: Extract<HTTPRouteFilter, { type: 'RequestHeaderModifier' }>): Fields {
  const add = [
    ...f.set.map((h) => ({ header: { key: h.name, value: literal(h.value) }, append_action: HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD })),
    ...f.add.map((h) => ({ header: { key: h.name, value: literal(h.value) }, append_action: HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD })),
  ];
  return {
    ...(add.length > 0 && { request_headers_to_add: add }),
    ...(f.remove.length > 0 && { request_headers_to_remove: f.remove }),
  };
}

/** The action of one rule (shared by its matches), and the problems of its backendRefs. */
function ruleAction(snapshot: MeshSnapshot, route: HTTPRoute, rule: HTTPRouteRule, r: number, problems: string[]): Fields {
  let mods: Fields = {};
  for (const f of rule.filters) {
    if (f.type === 'RequestRedirect') return { ...mods, ...redirect(f) };
    mods = { ...mods, ...headerModifier(f) };
  }
  const clusters: { cluster: string; weight: number; action: Fields }[] = [];
  rule.backendRefs.forEach((ref, b) => {
    if (ref.weight === 0) return;
    const where = `spec.rules[${r}].backendRefs[${b}]`;
    if (ref.namespace !== route.meta.namespace) {
      problems.push(`${where}: RefNotPermitted: Service ${ref.namespace}/${ref.name} is in another namespace (ReferenceGrant is not supported)`);
      return;
    }
    const resolved = resolveBackend(snapshot, { namespace: ref.namespace, name: ref.name, port: { number: ref.port } });
    if (!resolved.ok) {
      problems.push(`${where}: BackendNotFound: ${resolved.reason}`);
      return;
    }
    clusters.push({ cluster: resolved.cluster, weight: ref.weight, action: clusterAction(resolved) });
  });
  if (clusters.length === 0) return { ...mods, ...HTTPROUTE_NO_BACKEND };
  if (clusters.length === 1) return { ...mods, ...clusters[0]!.action };
  return { ...mods, ...weightedAction(clusters) };
}

// ---- Attachment -----------------------------------------------------------------------------------------------

function listenerMatches(ref: ParentRef, l: GatewayListener): boolean {
  return (ref.sectionName === undefined || ref.sectionName === l.name) && (ref.port === undefined || ref.port === l.port);
}

function allows(gw: Gateway, l: GatewayListener, route: HTTPRoute): boolean {
  return l.allowedRoutesFrom === 'All' || route.meta.namespace === gw.meta.namespace;
}

const cache = new WeakMap<MeshSnapshot, GatewayApiRoutes>();

/** The Gateway API part of the gateway's configuration (memoised per snapshot; admin status reads it too). */
export function gatewayApiRoutes(snapshot: MeshSnapshot): GatewayApiRoutes {
  let out = cache.get(snapshot);
  if (!out) {
    out = build(snapshot);
    cache.set(snapshot, out);
  }
  return out;
}

function build(snapshot: MeshSnapshot): GatewayApiRoutes {
  const gateways = new Map<string, Gateway>();
  for (const gw of snapshot.gateways) if (gw.gatewayClassName === MESHLET_GATEWAY_CLASS) gateways.set(key(gw.meta), gw);
  const attached = new Map<string, number>(); // `gw/listener` → routes attached
  const ranked = { http: new Map<string, RankedRoute[]>(), https: new Map<string, RankedRoute[]>() };
  const routes = new Map<string, { parents: ParentStatus[]; problems: string[] }>();

  for (const route of snapshot.httpRoutes) {
    const parents: ParentStatus[] = [];
    const problems: string[] = [];
    const actions = route.rules.map((rule, r) => ruleAction(snapshot, route, rule, r, problems));
    const placed = new Set<string>(); // `http|https host`: a route enters a table once per host
    for (const parent of route.parentRefs) {
      const gw = gateways.get(key(parent));
      const listeners = gw?.listeners.filter((l) => listenerMatches(parent, l)) ?? [];
      if (!gw || listeners.length === 0) {
        const why = !gw ? `no Gateway ${key(parent)} of class ${MESHLET_GATEWAY_CLASS}` : `Gateway ${key(parent)} has no listener ${parent.sectionName ?? `on port ${parent.port}`}`;
        parents.push({ parent, attached: false, reason: 'NoMatchingParent', message: why, listeners: [], hostnames: [] });
        continue;
      }
      const allowed = listeners.filter((l) => allows(gw, l, route));
      if (allowed.length === 0) {
        parents.push({ parent, attached: false, reason: 'NotAllowedByListeners', message: `routes from namespace ${route.meta.namespace} are not allowed`, listeners: [], hostnames: [] });
        continue;
      }
      const names: string[] = [];
      const hostnames: string[] = [];
      for (const l of allowed) {
        const hosts = attachedHostnames(l.hostname, route.hostnames);
        if (hosts.length === 0) continue;
        names.push(l.name);
        const lkey = `${key(gw.meta)}/${l.name}`;
        attached.set(lkey, (attached.get(lkey) ?? 0) + 1);
        const table = l.protocol === 'HTTP' ? ranked.http : ranked.https;
        for (const host of hosts) {
          if (!hostnames.includes(host)) hostnames.push(host);
          const placeKey = `${l.protocol} ${host}`;
          if (placed.has(placeKey)) continue;
          placed.add(placeKey);
          let list = table.get(host);
          if (!list) table.set(host, (list = []));
          route.rules.forEach((rule, r) => {
            rule.matches.forEach((match, m) => {
              const rank: RankedMatch = { match, route: route.meta, ruleIndex: r, matchIndex: m };
              list.push({ rank, route: { name: `httproute/${key(route.meta)}/${r}/${m}`, match: routeMatch(match), ...actions[r] } });
            });
          });
        }
      }
      if (names.length === 0) {
        parents.push({ parent, attached: false, reason: 'NoMatchingListenerHostname', message: `no listener hostname intersects ${route.hostnames.join(', ')}`, listeners: [], hostnames: [] });
      } else {
        parents.push({ parent, attached: true, reason: 'Accepted', listeners: names, hostnames });
      }
    }
    routes.set(key(route.meta), { parents, problems });
  }

  const certificates: CertificateClaim[] = [];
  const secrets = new Map(snapshot.secrets.map((s) => [key(s.meta), s]));
  const gatewayStatus = new Map<string, ListenerStatus[]>();
  for (const [id, gw] of gateways) {
    gatewayStatus.set(
      id,
      gw.listeners.map((l) => {
        const problems: string[] = [];
        if (l.protocol === 'HTTPS') {
          if (l.certificateRefs.length === 0) problems.push('HTTPS listener without certificateRefs');
          for (const ref of l.certificateRefs) {
            const secret = ref.namespace === gw.meta.namespace ? secrets.get(key(ref)) : undefined;
            if (ref.namespace !== gw.meta.namespace) problems.push(`RefNotPermitted: Secret ${key(ref)} is in another namespace (ReferenceGrant is not supported)`);
            else if (!secret) problems.push(`InvalidCertificateRef: TLS Secret ${key(ref)} not found`);
            else certificates.push({ secret, serverNames: l.hostname !== undefined ? [l.hostname] : [] });
          }
        }
        return {
          name: l.name,
          protocol: l.protocol,
          port: l.port,
          ...(l.hostname !== undefined && { hostname: l.hostname }),
          attachedRoutes: attached.get(`${id}/${l.name}`) ?? 0,
          problems,
        };
      }),
    );
  }

  const sorted = (m: Map<string, RankedRoute[]>): Map<string, Fields[]> =>
    new Map([...m].map(([host, list]) => [host, list.sort((a, b) => compareHttpRouteMatches(a.rank, b.rank)).map((x) => x.route)]));
  return { http: sorted(ranked.http), https: sorted(ranked.https), certificates, gateways: gatewayStatus, routes };
}
