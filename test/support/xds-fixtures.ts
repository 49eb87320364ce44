// Small real Envoy resources for xDS server tests, built by hand with makeResource: an EDS cluster, its
// ClusterLoadAssignment, a RouteConfiguration and a Listener whose HTTP connection manager uses RDS.
import { DiscoveryType } from '../../control-plane/translate/enums.js';
import { makeResource, packAny, type ResourceSet, type XdsResource } from '../../xds/resource.js';
import {
  CLUSTER,
  CLUSTER_LOAD_ASSIGNMENT,
  HTTP_CONNECTION_MANAGER,
  LISTENER,
  PUSH_ORDER,
  ROUTE_CONFIGURATION,
  ROUTER,
  type ServedTypeUrl,
} from '../../xds/type-urls.js';

export const clusterName = (svc: string): string => `outbound|80||${svc}.default.svc.cluster.local`;

export function cluster(svc: string, connectTimeoutSeconds = 1): XdsResource {
  const name = clusterName(svc);
  return makeResource(CLUSTER, name, {
    name,
    type: DiscoveryType.EDS,
    eds_cluster_config: { eds_config: { ads: {} } },
    connect_timeout: { seconds: connectTimeoutSeconds },
  });
}

export function assignment(svc: string, ips: readonly string[]): XdsResource {
  const name = clusterName(svc);
  const lb_endpoints = ips.map((ip) => ({ endpoint: { address: { socket_address: { address: ip, port_value: 8080 } } } }));
  return makeResource(CLUSTER_LOAD_ASSIGNMENT, name, { cluster_name: name, endpoints: [{ lb_endpoints }] });
}

/** Route configuration `name` with one virtual host per service, each routing `/` to its cluster. */
export function routeConfig(name: string, services: readonly string[]): XdsResource {
  const virtual_hosts = services.map((svc) => ({
    name: svc,
    domains: [svc, `${svc}.default.svc.cluster.local`],
    routes: [{ match: { prefix: '/' }, route: { cluster: clusterName(svc) } }],
  }));
  return makeResource(ROUTE_CONFIGURATION, name, { name, virtual_hosts });
}

/** Listener `name` on `port` with an HTTP connection manager fetching `routeName` over ADS. */
export function listener(name: string, port: number, routeName: string): XdsResource {
  const hcm = packAny(HTTP_CONNECTION_MANAGER, {
    stat_prefix: name,
    rds: { route_config_name: routeName, config_source: { ads: {} } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: packAny(ROUTER, {}) }],
  });
  return makeResource(LISTENER, name, {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
  });
}

/** A ResourceSet from resources (each filed under its own type and name). */
export function resourceSet(...resources: readonly XdsResource[]): ResourceSet {
  const set = new Map<ServedTypeUrl, Map<string, XdsResource>>();
  for (const t of PUSH_ORDER) set.set(t, new Map());
  for (const r of resources) set.get(r.typeUrl)?.set(r.name, r);
  return set;
}

/**
 * A consistent little mesh: per service an EDS cluster and its endpoints, one route configuration "80" over all
 * services and listener "0.0.0.0_80" using it.
 */
export function mesh(endpoints: Readonly<Record<string, readonly string[]>>, extra: readonly XdsResource[] = []): ResourceSet {
  const services = Object.keys(endpoints);
  return resourceSet(
    ...services.map((s) => cluster(s)),
    ...services.map((s) => assignment(s, endpoints[s] ?? [])),
    routeConfig('80', services),
    listener('0.0.0.0_80', 80, '80'),
    ...extra,
  );
}
