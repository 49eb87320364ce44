// CDS: envoy.config.cluster.v3.Cluster. One cluster per Service port (EDS, or LOGICAL_DNS for ExternalName),
// plus the sidecar's fixed passthrough and blackhole clusters. A service cluster carries nothing node-specific,
// so every role shares the same resource object.
import type { XdsResource } from '../../xds/resource.js';
import { CLUSTER, HTTP_PROTOCOL_OPTIONS } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { API_V3, DiscoveryType, DNS_V4_PREFERRED, LbPolicy } from './enums.js';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER } from './names.js';
import { pack } from './packed.js';
import type { Fields } from './policy.js';
import { isHttp2, type PortProtocol } from './protocol.js';

/** Istio's default connect timeout (MeshConfig.connectTimeout: 10s). */
const CONNECT_TIMEOUT = Object.freeze({ seconds: 10 });
/** Shared, frozen parts of every EDS cluster (bodies are never mutated; sharing keeps them small). */
const EDS_OVER_ADS = Object.freeze({ eds_config: Object.freeze({ ads: Object.freeze({}), resource_api_version: API_V3 }) });
const LOCALITY_WEIGHTED = Object.freeze({ locality_weighted_lb_config: Object.freeze({}) });

// Circuit breakers are left at Envoy's defaults (1024 connections / pending / requests per cluster and
// priority), which a sidecar serving one app does not reach; Istio lifts them to 2^32-1 for gateways and
// shared proxies. Leaving them out also keeps ten thousand clusters cheaper to encode. A Service's annotations
// may set them, and the balancer, connect timeout and outlier detection (`policy`, from policy.ts, whose header
// says which of these proxyless gRPC clients accept: LEAST_REQUEST, RANDOM and MAGLEV make them NACK).

let http2Options: Record<string, unknown> | undefined;

/**
 * HTTP/2 upstream for HTTP/2 and gRPC ports. `Cluster.http2_protocol_options` is deprecated in v3; this is its
 * replacement (envoy.extensions.upstreams.http.v3.HttpProtocolOptions, explicit_http_config).
 */
function http2ProtocolOptions(): Record<string, unknown> {
  http2Options ??= {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': pack(HTTP_PROTOCOL_OPTIONS, {
      explicit_http_config: { http2_protocol_options: {} },
    }),
  };
  return http2Options;
}

let downstreamProtocolOptions: Record<string, unknown> | undefined;

/**
 * The passthrough clusters carry any app's traffic: upstream requests use the protocol the downstream spoke
 * (HTTP/2 in, HTTP/2 out — gRPC keeps working), as Istio configures them.
 */
function useDownstreamProtocol(): Record<string, unknown> {
  downstreamProtocolOptions ??= {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': pack(HTTP_PROTOCOL_OPTIONS, {
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    }),
  };
  return downstreamProtocolOptions;
}

/**
 * An EDS cluster whose endpoints come over ADS under the cluster's own name (no `service_name`: Envoy and
 * grpc-js-xds then ask EDS for the cluster name). grpc-js-xds requires
 * `eds_config.ads` (or `self`) and lb_policy ROUND_ROBIN unless `load_balancing_policy` is set
 * (cluster-resource-type.ts); it always weighs localities (xds_wrr_locality), so Envoy is told to do the same
 * with `locality_weighted_lb_config` — without it Envoy ignores locality weights. Endpoint weights are honoured
 * by Envoy's weighted round robin; grpc-js' round_robin child treats endpoints within a locality equally.
 */
export function edsCluster(name: string, protocol: PortProtocol, policy?: Fields): XdsResource {
  const body: Record<string, unknown> = {
    name,
    type: DiscoveryType.EDS,
    eds_cluster_config: EDS_OVER_ADS,
    connect_timeout: CONNECT_TIMEOUT,
    lb_policy: LbPolicy.ROUND_ROBIN,
    common_lb_config: LOCALITY_WEIGHTED,
    ...policy,
  };
  if (isHttp2(protocol)) body.typed_extension_protocol_options = http2ProtocolOptions();
  return resource(CLUSTER, name, body);
}

/**
 * An ExternalName Service port: Envoy and grpc-js-xds resolve the external name themselves. LOGICAL_DNS (not
 * STRICT_DNS) because grpc-js-xds supports only that, with exactly one locality of one endpoint
 * (cluster-resource-type.ts); Kubernetes ignores targetPort for ExternalName, so the port is the Service port.
 */
export function logicalDnsCluster(name: string, host: string, port: number, protocol: PortProtocol, policy?: Fields): XdsResource {
  const body: Record<string, unknown> = {
    name,
    type: DiscoveryType.LOGICAL_DNS,
    connect_timeout: CONNECT_TIMEOUT,
    lb_policy: LbPolicy.ROUND_ROBIN,
    dns_lookup_family: DNS_V4_PREFERRED,
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }],
    },
    ...policy,
  };
  if (isHttp2(protocol)) body.typed_extension_protocol_options = http2ProtocolOptions();
  return resource(CLUSTER, name, body);
}

/** ORIGINAL_DST clusters must use CLUSTER_PROVIDED and carry no endpoints (Envoy: original_dst cluster docs). */
function originalDstCluster(name: string, extra: Record<string, unknown>): XdsResource {
  return resource(CLUSTER, name, {
    name,
    type: DiscoveryType.ORIGINAL_DST,
    connect_timeout: CONNECT_TIMEOUT,
    lb_policy: LbPolicy.CLUSTER_PROVIDED,
    ...extra,
  });
}

let staticClusters: readonly XdsResource[] | undefined;

/**
 * The sidecar's fixed clusters, as Istio's: `PassthroughCluster` (outbound traffic to destinations the mesh
 * does not know, REGISTRY_ONLY's opposite ALLOW_ANY), `InboundPassthroughClusterIpv4` (inbound traffic to the
 * app's original destination port; bound to 127.0.0.6 so that capture rules can tell the sidecar's own
 * connections to the app from the app's outbound ones and not loop), and `BlackHoleCluster` (a STATIC cluster
 * with no hosts: connections are closed).
 */
export function sidecarStaticClusters(): readonly XdsResource[] {
  staticClusters ??= Object.freeze([
    originalDstCluster(PASSTHROUGH_CLUSTER, { typed_extension_protocol_options: useDownstreamProtocol() }),
    originalDstCluster(INBOUND_PASSTHROUGH_CLUSTER, {
      upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } },
      typed_extension_protocol_options: useDownstreamProtocol(),
    }),
    resource(CLUSTER, BLACKHOLE_CLUSTER, {
      name: BLACKHOLE_CLUSTER,
      type: DiscoveryType.STATIC,
      connect_timeout: CONNECT_TIMEOUT,
    }),
  ]);
  return staticClusters;
}
