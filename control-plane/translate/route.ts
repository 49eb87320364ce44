// RDS: envoy.config.route.v3.RouteConfiguration, one per HTTP (or proxyless) Service port, named
// `<fqdn>:<port>` (see names.ts for why not Istio's per-port-number tables). The sidecar's `<ip>_<port>` listener
// and every proxyless API listener of the port name this same resource.
import type { XdsResource } from '../../xds/resource.js';
import { ROUTE_CONFIGURATION } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { serviceHostnames, withPort } from './names.js';
import type { Fields } from './policy.js';

export interface RouteTarget {
  readonly name: string;
  readonly namespace: string;
  readonly fqdn: string;
  readonly clusterIP?: string;
  readonly port: number;
  readonly routeName: string;
  readonly cluster: string;
  /** RouteAction fields from the Service's annotations (policy.ts), replacing the defaults below. */
  readonly action?: Fields;
}

/** Host header forms of an address: IPv6 literals are bracketed (RFC 3986 §3.2.2, RFC 9110 §7.2). */
function ipDomains(ip: string, port: number): string[] {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return [host, `${host}:${port}`];
}

/**
 * Every Host / :authority a client may send for this port: the four service names and the ClusterIP, each bare
 * and with `:port` (Istio's generateVirtualHostDomains). grpc-js-xds matches the virtual host against the
 * dialled target, which is the listener name `<host>:<port>` (xds-dependency-manager.ts,
 * findVirtualHostForDomain), so each proxyless listener name is one of these exact domains.
 */
export function routeDomains(t: RouteTarget): string[] {
  const hosts = serviceHostnames(t.name, t.namespace, t.fqdn);
  const domains = [...hosts, ...withPort(hosts, t.port)];
  if (t.clusterIP !== undefined) domains.push(...ipDomains(t.clusterIP, t.port));
  return domains;
}

/** Parts every route shares (bodies are never mutated; sharing keeps ten thousand routes small). */
const MATCH_ALL = Object.freeze({ prefix: '/' });
const NO_TIMEOUT = Object.freeze({ seconds: 0 });
const GRPC_TIMEOUT_UNCAPPED = Object.freeze({ grpc_timeout_header_max: NO_TIMEOUT });
const DO_NOT_VALIDATE = Object.freeze({ value: false });

/**
 * One route, prefix `/`, to the port's cluster. `timeout: 0s` disables Envoy's 15 s default route timeout,
 * which would cut long-lived streams and gRPC streaming (Istio does the same). `grpc_timeout_header_max: 0s`
 * honours the caller's `grpc-timeout` without a cap; it replaces RouteAction.max_grpc_timeout, deprecated in
 * v3. grpc-js-xds reads exactly this field and treats 0 as "use the application's deadline"
 * (resolver-xds.ts, handleXdsConfig; gRFC A31). A Service's annotations may set a timeout, a retry policy and
 * hash keys (`action`, from policy.ts).
 */
function defaultRoute(cluster: string, action: Fields | undefined): Record<string, unknown> {
  return {
    name: 'default',
    match: MATCH_ALL,
    route: { cluster, timeout: NO_TIMEOUT, max_stream_duration: GRPC_TIMEOUT_UNCAPPED, ...action },
  };
}

/**
 * The route configuration of one Service port: one virtual host with the service's names and, last, `*`.
 * A request whose Host names none of them (an app that sets its own Host) reached this listener by the
 * service's ClusterIP:port, so it belongs to this service — the per-listener analogue of Istio's `allow_any`
 * virtual host, which sends such requests through PassthroughCluster to the very same ClusterIP. Exact names
 * win over `*` in both Envoy and grpc-js-xds (whose validator allows `*` only at either end of a domain,
 * route-config-resource-type.ts), so proxyless clients still match their listener name exactly.
 */
export function routeConfiguration(t: RouteTarget): XdsResource {
  const domains = routeDomains(t);
  domains.push('*');
  return resource(ROUTE_CONFIGURATION, t.routeName, {
    name: t.routeName,
    virtual_hosts: [{ name: t.routeName, domains, routes: [defaultRoute(t.cluster, t.action)] }],
    // Istio's setting: a route naming a cluster not (yet) received must not reject the whole configuration.
    validate_clusters: DO_NOT_VALIDATE,
  });
}
