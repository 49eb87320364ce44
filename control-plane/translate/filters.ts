// Network and HTTP filters shared by the sidecar's listeners and the proxyless API listeners. Each returns the
// object form of a filter with its `typed_config` already packed (and verified) by `packAny`, via packed.ts.
import { HTTP_CONNECTION_MANAGER, HTTP_INSPECTOR, ORIGINAL_DST, ROUTER, TCP_PROXY } from '../../xds/type-urls.js';
import { API_V3 } from './enums.js';
import { pack, type PackedAny } from './packed.js';

export type { PackedAny } from './packed.js';

/** Envoy's canonical extension names (the `name` is informative in v3; `typed_config` selects the extension). */
export const FILTER_NAMES = {
  HTTP_CONNECTION_MANAGER: 'envoy.filters.network.http_connection_manager',
  TCP_PROXY: 'envoy.filters.network.tcp_proxy',
  ROUTER: 'envoy.filters.http.router',
  ORIGINAL_DST: 'envoy.filters.listener.original_dst',
  HTTP_INSPECTOR: 'envoy.filters.listener.http_inspector',
} as const;

let routerOnly: readonly Record<string, unknown>[] | undefined;

/**
 * The router, last and only HTTP filter. grpc-js-xds requires it last and rejects a filter without
 * `typed_config` (src/xds-resource-type/listener-resource-type.ts, validateHttpConnectionManager).
 * Built once and shared by every HCM, like the config source below (bodies are never mutated).
 */
function routerOnlyFilters(): readonly Record<string, unknown>[] {
  routerOnly ??= Object.freeze([Object.freeze({ name: FILTER_NAMES.ROUTER, typed_config: pack(ROUTER, {}) })]);
  return routerOnly;
}

const ADS_V3 = Object.freeze({ ads: Object.freeze({}), resource_api_version: API_V3 });

/**
 * An HTTP connection manager that fetches `routeName` by RDS over the ADS stream. grpc-js-xds accepts only
 * `rds.config_source.ads` or `.self` (listener-resource-type.ts); Envoy requires a non-empty `stat_prefix`
 * (PGV min_len 1). codec_type stays AUTO: HTTP/1.1, or HTTP/2 with prior knowledge (h2c, gRPC), as Istio.
 * `extra` adds HttpConnectionManager fields (the gateway's use_remote_address).
 */
export function httpConnectionManager(routeName: string, statPrefix: string, extra?: Readonly<Record<string, unknown>>): PackedAny {
  return pack(HTTP_CONNECTION_MANAGER, {
    stat_prefix: statPrefix,
    rds: { config_source: ADS_V3, route_config_name: routeName },
    http_filters: routerOnlyFilters(),
    ...extra,
  });
}

/**
 * An HTTP connection manager with its route configuration inline (no RDS): for chains whose routing never
 * changes, such as the inbound passthrough, which sends every request to the original destination.
 */
export function inlineHttpConnectionManager(routeConfig: Record<string, unknown>, statPrefix: string): PackedAny {
  return pack(HTTP_CONNECTION_MANAGER, { stat_prefix: statPrefix, route_config: routeConfig, http_filters: routerOnlyFilters() });
}

/** A network filter running a packed HTTP connection manager. */
export function hcmFilter(hcm: PackedAny): Record<string, unknown> {
  return { name: FILTER_NAMES.HTTP_CONNECTION_MANAGER, typed_config: hcm };
}

/** TCP proxy to one cluster; the stat prefix is the cluster name, as Istio does. */
export function tcpProxyFilter(cluster: string): Record<string, unknown> {
  return { name: FILTER_NAMES.TCP_PROXY, typed_config: pack(TCP_PROXY, { stat_prefix: cluster, cluster }) };
}

let originalDst: PackedAny | undefined;

/** Restores the pre-REDIRECT destination (SO_ORIGINAL_DST) so chains can match on it and ORIGINAL_DST works. */
export function originalDstListenerFilter(): Record<string, unknown> {
  originalDst ??= pack(ORIGINAL_DST, {});
  return { name: FILTER_NAMES.ORIGINAL_DST, typed_config: originalDst };
}

let httpInspector: PackedAny | undefined;

/** Detects HTTP/1.x and h2c on a connection's first bytes, for chains that match application_protocols. */
export function httpInspectorListenerFilter(): Record<string, unknown> {
  httpInspector ??= pack(HTTP_INSPECTOR, {});
  return { name: FILTER_NAMES.HTTP_INSPECTOR, typed_config: httpInspector };
}
