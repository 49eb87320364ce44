// Type URLs of the resources meshlet serves on one ADS stream (xDS protocol, "Resource types").
export const TYPE_PREFIX = 'type.googleapis.com/';

export const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const ROUTE_CONFIGURATION = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const CLUSTER = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const CLUSTER_LOAD_ASSIGNMENT = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
/** meshlet's own resource for the DNS server (like Istio's NDS), on the same ADS stream. */
export const NAME_TABLE = 'type.googleapis.com/meshlet.v1.NameTable';

/** Types packed inside other resources (typed_config of filters). */
export const HTTP_CONNECTION_MANAGER =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const TCP_PROXY = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
export const ORIGINAL_DST = 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst';
export const HTTP_INSPECTOR = 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector';
export const TLS_INSPECTOR = 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';
/** A listener filter chain's TLS termination (transport_socket `envoy.transport_sockets.tls`), e.g. the gateway's. */
export const DOWNSTREAM_TLS_CONTEXT = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
/** Upstream HTTP options of a cluster (`typed_extension_protocol_options`), e.g. HTTP/2 to gRPC backends. */
export const HTTP_PROTOCOL_OPTIONS = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export type ServedTypeUrl =
  | typeof LISTENER
  | typeof ROUTE_CONFIGURATION
  | typeof CLUSTER
  | typeof CLUSTER_LOAD_ASSIGNMENT
  | typeof NAME_TABLE;

/**
 * The order in which a change is pushed: make before break (xDS protocol, "Eventual consistency
 * considerations"): clusters, then their endpoints, then listeners, then the routes they name.
 * The NameTable has no dependencies and goes last.
 */
export const PUSH_ORDER: readonly ServedTypeUrl[] = [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, NAME_TABLE];

/**
 * Types whose state-of-the-world responses must carry the complete set (xDS protocol: "Listener and Cluster
 * resource types"), so that a resource missing from a response means it was deleted.
 */
export const SOTW_COMPLETE_SET: ReadonlySet<string> = new Set([LISTENER, CLUSTER, NAME_TABLE]);

/** The fully qualified message name in a type URL: `type.googleapis.com/a.b.C` → `a.b.C`. */
export function messageNameOf(typeUrl: string): string {
  const slash = typeUrl.lastIndexOf('/');
  return slash < 0 ? typeUrl : typeUrl.slice(slash + 1);
}

/** Short names used in logs, metrics and the admin pages (as Istio's `proxy-status` columns). */
export const SHORT_NAME: Readonly<Record<ServedTypeUrl, string>> = {
  [LISTENER]: 'LDS',
  [ROUTE_CONFIGURATION]: 'RDS',
  [CLUSTER]: 'CDS',
  [CLUSTER_LOAD_ASSIGNMENT]: 'EDS',
  [NAME_TABLE]: 'NDS',
};

export function isServedTypeUrl(typeUrl: string): typeUrl is ServedTypeUrl {
  return Object.prototype.hasOwnProperty.call(SHORT_NAME, typeUrl);
}
