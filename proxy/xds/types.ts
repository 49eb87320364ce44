// The sidecar's own view of its xDS configuration: small, immutable domain types the validating decoders
// (decoders/) produce from Envoy protos. Nothing outside proxy/xds/ sees a proto object.
import type { SecureContext } from 'node:tls';

/** A problem found while decoding a resource, with the proto field path (`filter_chains[0].filters[0]...`). */
export interface DecodeError {
  readonly path: string;
  readonly message: string;
}

/** A decoder's answer: the domain object, or every error found (decoders never throw on bad input). */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly DecodeError[] };

// ---- LDS ------------------------------------------------------------------------------------------------

export type ListenerKind = 'http' | 'tcp' | 'virtual-outbound' | 'virtual-inbound';

/** What a filter chain does with a connection: HTTP routing through RDS, or a TCP proxy to one cluster. */
export type ChainTarget =
  | {
      readonly kind: 'http';
      /** RDS name; empty when the chain carries its route configuration inline (the inbound passthrough). */
      readonly routeConfigName: string;
      readonly routeConfig?: ProxyRouteConfig;
      readonly statPrefix: string;
      /**
       * HttpConnectionManager.use_remote_address (the edge, e.g. a gateway's listeners): requests enter the mesh
       * here, so the peer is the client (appended to x-forwarded-for), x-forwarded-proto and x-request-id are set.
       */
      readonly useRemoteAddress?: true;
    }
  | { readonly kind: 'tcp'; readonly cluster: string; readonly statPrefix: string };

export interface ProxyFilterChain {
  readonly name: string;
  /** filter_chain_match.destination_port, when set. */
  readonly destinationPort?: number;
  /** filter_chain_match.prefix_ranges as `address/len`. */
  readonly prefixRanges: readonly string[];
  /**
   * filter_chain_match.application_protocols as the http_inspector listener filter detects them (`http/1.0`,
   * `http/1.1`, `h2c`); empty matches any. A listener with such chains sniffs the first bytes of a connection.
   */
  readonly applicationProtocols: readonly string[];
  /**
   * filter_chain_match.server_names: the SNI names this chain serves, exact (`a.example.com`) or wildcard
   * (`*.example.com`); empty matches any name and connections without SNI. Needs the tls_inspector.
   */
  readonly serverNames: readonly string[];
  /** filter_chain_match.transport_protocol as the tls_inspector detects it, when set. */
  readonly transportProtocol?: 'tls' | 'raw_buffer';
  /** transport_socket `envoy.transport_sockets.tls` (DownstreamTlsContext): the chain terminates TLS. */
  readonly tls?: ChainTls;
  readonly target: ChainTarget;
}

/**
 * A decoded DownstreamTlsContext. The SecureContext is built at decode time (a bad certificate or key NACKs the
 * update). Implementations keep it off the object's own enumerable properties, so that freezing, comparing or
 * dumping decoded config never walks into node's native context or prints key material.
 */
export interface ChainTls {
  readonly secureContext: SecureContext;
  /** common_tls_context.alpn_protocols in preference order (`h2`, `http/1.1`); empty: no ALPN. */
  readonly alpn: readonly string[];
  /** require_sni: a handshake without SNI is refused. */
  readonly requireSni: boolean;
  /** The subjects (CN, else first SAN) of the certificates, for logs and the admin page. */
  readonly certificates: readonly string[];
}

export interface ProxyListener {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /**
   * `virtual-outbound`: use_original_dst (0.0.0.0_15001); `virtual-inbound`: INBOUND with the original_dst
   * listener filter (0.0.0.0_15006); otherwise the kind of its only filter chain.
   */
  readonly kind: ListenerKind;
  readonly direction: 'INBOUND' | 'OUTBOUND' | 'UNSPECIFIED';
  /** False for the per-service listeners the virtual outbound listener hands connections to. */
  readonly bindToPort: boolean;
  /** For `http` listeners: the RouteConfiguration named by the HCM's RDS config. */
  readonly routeConfigName?: string;
  /** For `tcp` listeners: the TCP proxy's cluster. */
  readonly cluster?: string;
  readonly filterChains: readonly ProxyFilterChain[];
}

// ---- RDS ------------------------------------------------------------------------------------------------

export type PathMatch =
  | { readonly kind: 'prefix'; readonly value: string; readonly caseSensitive: boolean }
  | { readonly kind: 'path'; readonly value: string; readonly caseSensitive: boolean }
  /** RouteMatch.path_separated_prefix: the path is `value` or starts with `value` followed by `/`. */
  | { readonly kind: 'path_separated_prefix'; readonly value: string; readonly caseSensitive: boolean }
  | { readonly kind: 'safe_regex'; readonly regex: RegExp };

export type HeaderValueMatch =
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'safe_regex'; readonly regex: RegExp }
  | { readonly kind: 'present'; readonly present: boolean };

export interface HeaderMatch {
  /** Lower-cased header name (HTTP/2 and Node both use lower case). */
  readonly name: string;
  readonly match: HeaderValueMatch;
  readonly invert: boolean;
}

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
  /** ClusterWeight.request_headers_to_remove / request_headers_to_add (the most specific level). */
  readonly requestHeaders?: HeaderMutation;
}

export interface RetryPolicy {
  /** retry_on conditions, e.g. `connect-failure`, `5xx`, `retriable-status-codes`. */
  readonly retryOn: readonly string[];
  /** num_retries; Envoy's default is 1. */
  readonly numRetries: number;
  readonly perTryTimeoutMs?: number;
  readonly retriableStatusCodes: readonly number[];
  readonly backOffBaseMs?: number;
  readonly backOffMaxMs?: number;
}

/**
 * How a hashing balancer (RING_HASH, MAGLEV) keys a request (RouteAction.hash_policy): the first policy that
 * yields a value wins; without one the pick is as if at random.
 */
export type HashPolicy =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'source_ip' };

/**
 * RouteMatch.query_parameters (QueryParameterMatcher): the first value of parameter `name` in the query string,
 * as sent (not percent-decoded, as Envoy's Http::Utility::QueryParamsMulti::parseQueryString), against
 * `match`; `present` means the parameter need only be there (present_match, or no string_match).
 */
export interface QueryParameterMatch {
  readonly name: string;
  readonly match: HeaderValueMatch;
}

/** core.v3.HeaderValueOption.HeaderAppendAction (the legacy `append` true / false is read as the first / third). */
export type HeaderAppendAction = 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';

/** One request_headers_to_add entry: a lower-case name and a literal value (`%%` already unescaped). */
export interface HeaderToAdd {
  readonly name: string;
  readonly value: string;
  readonly action: HeaderAppendAction;
  /** keep_empty_value: an empty value is added only when set (Envoy skips it otherwise). */
  readonly keepEmptyValue: boolean;
}

/** request_headers_to_remove then request_headers_to_add of one level (Envoy's HeaderParser: remove, then add). */
export interface HeaderMutation {
  /** Lower-case names; never pseudo-headers nor `host` (the decoder rejects those, as Envoy does). */
  readonly remove: readonly string[];
  readonly add: readonly HeaderToAdd[];
}

/** RedirectAction: what replaces each part of the request's URL in the `location` of a 3xx answer. */
export interface RedirectAction {
  /** scheme_redirect, or `https` for https_redirect; unset keeps the request's scheme. */
  readonly scheme?: string;
  readonly host?: string;
  /** port_redirect (1..65535). */
  readonly port?: number;
  /** path_redirect; a query string in it replaces the request's and is never stripped. */
  readonly path?: string;
  /** response_code: 301 (MOVED_PERMANENTLY, the default), 302, 303, 307 or 308. */
  readonly status: number;
  readonly stripQuery: boolean;
}

export interface ProxyRoute {
  readonly name: string;
  readonly path: PathMatch;
  readonly headers: readonly HeaderMatch[];
  /** RouteMatch.query_parameters; absent or empty when the route does not look at the query string. */
  readonly queryParameters?: readonly QueryParameterMatch[];
  readonly action:
    | { readonly kind: 'cluster'; readonly cluster: string }
    | { readonly kind: 'weighted'; readonly clusters: readonly WeightedCluster[]; readonly totalWeight: number }
    /** Route.redirect: answered by the proxy, no upstream. */
    | { readonly kind: 'redirect'; readonly redirect: RedirectAction }
    /** Route.direct_response: `body` is text, or base64 of inline_bytes. */
    | { readonly kind: 'direct'; readonly status: number; readonly body: string; readonly bodyEncoding: 'utf8' | 'base64' };
  /** Route timeout in ms; 0 disables it. Envoy's default, when unset, is 15 s. */
  readonly timeoutMs: number;
  readonly retryPolicy?: RetryPolicy;
  /** RouteAction.hash_policy, in order; empty when unset. */
  readonly hashPolicy: readonly HashPolicy[];
  /** Route.request_headers_to_remove / request_headers_to_add. */
  readonly requestHeaders?: HeaderMutation;
}

export interface ProxyVirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly ProxyRoute[];
  readonly retryPolicy?: RetryPolicy;
  /** VirtualHost.request_headers_to_remove / request_headers_to_add. */
  readonly requestHeaders?: HeaderMutation;
}

export interface ProxyRouteConfig {
  readonly name: string;
  readonly virtualHosts: readonly ProxyVirtualHost[];
  /** RouteConfiguration.request_headers_to_remove / request_headers_to_add. */
  readonly requestHeaders?: HeaderMutation;
  /**
   * most_specific_header_mutations_wins: header mutations are applied least specific first (configuration,
   * virtual host, route, weighted cluster), so the most specific one has the last word; by default the order
   * is the reverse.
   */
  readonly mostSpecificHeaderMutationsWins?: boolean;
}

// ---- CDS / EDS ------------------------------------------------------------------------------------------

export type ClusterType = 'EDS' | 'ORIGINAL_DST' | 'LOGICAL_DNS' | 'STATIC';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV' | 'CLUSTER_PROVIDED';

/**
 * envoy.config.cluster.v3.OutlierDetection, as far as the sidecar implements it. Envoy's defaults apply to
 * unset fields; a threshold of 0 (or an enforcing percentage of 0 in the proto) disables that detector.
 */
export interface OutlierDetection {
  /** consecutive_5xx (default 5): 5xx responses and local-origin failures in a row that eject a host. */
  readonly consecutive5xx: number;
  /** consecutive_gateway_failure (502, 503, 504 and connect failures; default 5, enforcing default 0 → off). */
  readonly consecutiveGatewayFailure: number;
  /** interval (default 10 s): how often ejections are reviewed. */
  readonly intervalMs: number;
  /** base_ejection_time (default 30 s), multiplied by the number of times the host was ejected. */
  readonly baseEjectionTimeMs: number;
  /** max_ejection_time (default 300 s): the cap of that product. */
  readonly maxEjectionTimeMs: number;
  /** max_ejection_percent (default 10); at least one host may always be ejected, as Envoy does. */
  readonly maxEjectionPercent: number;
}

/** circuit_breakers.thresholds of the DEFAULT priority (Envoy's defaults: 1024 / 1024 / 1024 / 3). */
export interface CircuitBreakers {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
  /**
   * thresholds.retry_budget: when set, it replaces maxRetries (Envoy): retries in flight may be at most
   * budgetPercent of the active plus pending requests, and never fewer than minRetryConcurrency.
   */
  readonly retryBudget?: { readonly budgetPercent: number; readonly minRetryConcurrency: number };
}

export interface ProxyCluster {
  readonly name: string;
  readonly type: ClusterType;
  readonly lbPolicy: LbPolicy;
  /** connect_timeout; Envoy's default is 5 s. */
  readonly connectTimeoutMs: number;
  /** HTTP/2 (h2c, gRPC) to the upstream. */
  readonly http2: boolean;
  /**
   * HttpProtocolOptions.use_downstream_protocol_config: the upstream request uses the downstream's protocol
   * (HTTP/2 in, HTTP/2 out). Istio sets it on the passthrough clusters, which carry every kind of app.
   */
  readonly useDownstreamProtocol: boolean;
  /** EDS: the name asked of EDS (eds_cluster_config.service_name, else the cluster name). */
  readonly edsServiceName?: string;
  /** LOGICAL_DNS and STATIC: the inline load_assignment. */
  readonly loadAssignment?: ProxyAssignment;
  /** ORIGINAL_DST: upstream_bind_config.source_address (InboundPassthroughClusterIpv4 binds 127.0.0.6). */
  readonly sourceAddress?: string;
  /** outlier_detection; absent means no outlier detection (Envoy's default). */
  readonly outlierDetection?: OutlierDetection;
  readonly circuitBreakers: CircuitBreakers;
}

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly health: HealthStatus;
}

export interface ProxyLocality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
  /** load_balancing_weight of the locality; 1 when unset. */
  readonly weight: number;
  readonly priority: number;
  readonly endpoints: readonly ProxyEndpoint[];
}

export interface ProxyAssignment {
  readonly clusterName: string;
  readonly localities: readonly ProxyLocality[];
}

// ---- NDS (meshlet.v1.NameTable) -------------------------------------------------------------------------

export interface NamePort {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
}

export interface NameEndpoint {
  readonly ip: string;
  readonly hostname: string;
  readonly ready: boolean;
  readonly ports: readonly NamePort[];
}

export interface NameService {
  readonly name: string;
  readonly namespace: string;
  readonly kind: 'CLUSTER_IP' | 'HEADLESS' | 'EXTERNAL_NAME';
  readonly clusterIps: readonly string[];
  readonly externalName: string;
  readonly ports: readonly NamePort[];
  readonly endpoints: readonly NameEndpoint[];
  readonly imported: boolean;
  readonly clustersetIps: readonly string[];
  readonly clusterIds: readonly string[];
}

export interface NameTable {
  readonly clusterDomain: string;
  readonly clustersetDomain: string;
  readonly clusterId: string;
  readonly services: readonly NameService[];
  readonly namespaces: readonly string[];
  readonly schemaVersion: string;
}

// ---- the whole configuration ----------------------------------------------------------------------------

/** Everything the sidecar holds, by resource name; a new object (maps swapped whole) after every change. */
export interface ProxyConfig {
  readonly listeners: ReadonlyMap<string, ProxyListener>;
  readonly routes: ReadonlyMap<string, ProxyRouteConfig>;
  readonly clusters: ReadonlyMap<string, ProxyCluster>;
  readonly assignments: ReadonlyMap<string, ProxyAssignment>;
  readonly nameTables: ReadonlyMap<string, NameTable>;
  /** The accepted version per type URL (SotW version_info or delta system_version_info). */
  readonly versions: ReadonlyMap<string, string>;
}
