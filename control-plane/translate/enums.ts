// Numeric values of the proto enums translation writes. `makeResource` verifies bodies with protobufjs'
// `Type.verify`, which accepts enum fields only as numbers, so the names are looked up once, here, in the very
// protos we encode with: a typo or a proto upgrade that renames a value fails at start-up, not on the wire.
import { protoRoot } from '../../xds/protos.js';

function enumValue(enumName: string, key: string): number {
  const value = protoRoot().lookupEnum(enumName).values[key];
  if (value === undefined) throw new Error(`proto enum ${enumName} has no value ${key}`);
  return value;
}

const CORE = 'envoy.config.core.v3';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';

/** envoy.config.core.v3.ApiVersion: config sources name V3 explicitly, as Istio does (AUTO meant V2 once). */
export const API_V3 = enumValue(`${CORE}.ApiVersion`, 'V3');

export const TrafficDirection = {
  INBOUND: enumValue(`${CORE}.TrafficDirection`, 'INBOUND'),
  OUTBOUND: enumValue(`${CORE}.TrafficDirection`, 'OUTBOUND'),
} as const;

export const HealthStatus = {
  HEALTHY: enumValue(`${CORE}.HealthStatus`, 'HEALTHY'),
  UNHEALTHY: enumValue(`${CORE}.HealthStatus`, 'UNHEALTHY'),
  DRAINING: enumValue(`${CORE}.HealthStatus`, 'DRAINING'),
} as const;

export const DiscoveryType = {
  STATIC: enumValue(`${CLUSTER}.DiscoveryType`, 'STATIC'),
  LOGICAL_DNS: enumValue(`${CLUSTER}.DiscoveryType`, 'LOGICAL_DNS'),
  EDS: enumValue(`${CLUSTER}.DiscoveryType`, 'EDS'),
  ORIGINAL_DST: enumValue(`${CLUSTER}.DiscoveryType`, 'ORIGINAL_DST'),
} as const;

export const LbPolicy = {
  ROUND_ROBIN: enumValue(`${CLUSTER}.LbPolicy`, 'ROUND_ROBIN'),
  LEAST_REQUEST: enumValue(`${CLUSTER}.LbPolicy`, 'LEAST_REQUEST'),
  RANDOM: enumValue(`${CLUSTER}.LbPolicy`, 'RANDOM'),
  RING_HASH: enumValue(`${CLUSTER}.LbPolicy`, 'RING_HASH'),
  MAGLEV: enumValue(`${CLUSTER}.LbPolicy`, 'MAGLEV'),
  CLUSTER_PROVIDED: enumValue(`${CLUSTER}.LbPolicy`, 'CLUSTER_PROVIDED'),
} as const;

/** envoy.config.core.v3.RoutingPriority: circuit breaker thresholds are per priority; meshlet sets DEFAULT's. */
export const RoutingPriority = {
  DEFAULT: enumValue(`${CORE}.RoutingPriority`, 'DEFAULT'),
} as const;

export const DNS_V4_PREFERRED = enumValue(`${CLUSTER}.DnsLookupFamily`, 'V4_PREFERRED');

export const NameServiceKind = {
  CLUSTER_IP: enumValue('meshlet.v1.NameService.Kind', 'CLUSTER_IP'),
  HEADLESS: enumValue('meshlet.v1.NameService.Kind', 'HEADLESS'),
  EXTERNAL_NAME: enumValue('meshlet.v1.NameService.Kind', 'EXTERNAL_NAME'),
} as const;
