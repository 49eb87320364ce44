// RDS of the gateway: `http.<port>` and `https.<port>`, the route configurations of its two listeners
// (Istio names a gateway's route configurations `http.<port>` / `https.<port>.<server>`; meshlet has one per
// listener). Each merges the Gateway API and the Ingress routes of every host:
//
//   virtual host `<host>` (domains [host]; Envoy matches the Host without its port): HTTPRoute routes first
//   (precedence: http-route-precedence.ts), then Ingress routes (ingress-paths.ts order) — the Gateway API is the
//   more expressive of the two, so its rules get the first word where both name a host — then, for an Ingress
//   wildcard host, the `*` host's Ingress routes, then the Ingress default backend. A host named only by
//   HTTPRoutes gets no default backend: the Gateway API answers what no rule matches with 404.
//   virtual host `*`: the same for rules without a host, ending with the default backend or a 404.
import type { XdsResource } from '../../xds/resource.js';
import { ROUTE_CONFIGURATION } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { NOT_FOUND, type Fields } from './gateway-backends.js';
import { isWildcard } from './gateway-hostnames.js';

export function httpRouteName(port: number): string {
  return `http.${port}`;
}

export function httpsRouteName(port: number): string {
  return `https.${port}`;
}

export interface RouteTables {
  readonly gatewayApi: ReadonlyMap<string, readonly Fields[]>;
  readonly ingress: ReadonlyMap<string, readonly Fields[]>;
  readonly defaultRoute?: Fields;
}

const CATCH_ALL = '*';
const NOT_FOUND_ROUTE: Fields = Object.freeze({ name: 'not-found', match: Object.freeze({ prefix: '/' }), ...NOT_FOUND });
const DO_NOT_VALIDATE = Object.freeze({ value: false });

/** Exact hosts, then wildcards, each by name, and `*` last: a stable order for the same input. */
function hostOrder(a: string, b: string): number {
  const rank = (h: string): number => (h === CATCH_ALL ? 2 : isWildcard(h) ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function gatewayRouteConfiguration(name: string, t: RouteTables): XdsResource {
  const hosts = new Set([...t.gatewayApi.keys(), ...t.ingress.keys(), CATCH_ALL]);
  const catchAllIngress = t.ingress.get(CATCH_ALL) ?? [];
  const virtualHosts = [...hosts].sort(hostOrder).map((host) => {
    const ingress = t.ingress.get(host);
    const routes: Fields[] = [...(t.gatewayApi.get(host) ?? []), ...(ingress ?? [])];
    if (host !== CATCH_ALL && ingress !== undefined && isWildcard(host)) routes.push(...catchAllIngress);
    if (host === CATCH_ALL || ingress !== undefined) {
      if (t.defaultRoute) routes.push(t.defaultRoute);
      else if (host === CATCH_ALL) routes.push(NOT_FOUND_ROUTE);
    }
    return { name: host, domains: [host], routes };
  });
  return resource(ROUTE_CONFIGURATION, name, {
    name,
    virtual_hosts: virtualHosts,
    // As the sidecar's (route.ts): a route naming a cluster not yet received must not reject the whole table.
    validate_clusters: DO_NOT_VALIDATE,
  });
}
