// CDS: envoy.config.cluster.v3.Cluster → ProxyCluster. EDS clusters over ADS, ORIGINAL_DST passthrough
// clusters, LOGICAL_DNS (ExternalName) and STATIC (BlackHoleCluster, no hosts). HTTP/2 upstreams are read from
// HttpProtocolOptions.explicit_http_config (v3) or the deprecated http2_protocol_options.
import { HTTP_PROTOCOL_OPTIONS } from '../../../xds/type-urls.js';
import type { ClusterType, Decoded, LbPolicy, ProxyAssignment, ProxyCluster } from '../types.js';
import { assignmentFromObject } from './endpoint.js';
import { decodeMessage, durationMs, isObj, Issues, obj, required, str, unpackAny, type Obj } from './read.js';

export const CLUSTER_MESSAGE = 'envoy.config.cluster.v3.Cluster';

/** Envoy's circuit breaker thresholds when unset. */
export const DEFAULT_CIRCUIT_BREAKERS = Object.freeze({ maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 });

/** Envoy's connect_timeout when unset. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const TYPES: readonly ClusterType[] = ['EDS', 'ORIGINAL_DST', 'LOGICAL_DNS', 'STATIC'];
const LB_POLICIES: readonly LbPolicy[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV', 'CLUSTER_PROVIDED'];
const HPO_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function clusterType(c: Obj, issues: Issues): ClusterType {
  if (c['cluster_type'] !== undefined) issues.add('cluster_type', 'custom cluster types are not supported');
  const t = c['type'] === undefined ? 'STATIC' : str(c['type']); // proto3 default: STATIC (0)
  if ((TYPES as readonly string[]).includes(t)) return t as ClusterType;
  issues.add('type', `${t} is not supported (one of ${TYPES.join(', ')})`);
  return 'STATIC';
}

function lbPolicy(c: Obj, issues: Issues): LbPolicy {
  const p = c['lb_policy'] === undefined ? 'ROUND_ROBIN' : str(c['lb_policy']);
  if ((LB_POLICIES as readonly string[]).includes(p)) return p as LbPolicy;
  issues.add('lb_policy', `${p} is not supported (one of ${LB_POLICIES.join(', ')})`);
  return 'ROUND_ROBIN';
}

function http2(c: Obj, issues: Issues): boolean {
  if (isObj(c['http2_protocol_options'])) return true;
  const options = obj(c['typed_extension_protocol_options']);
  if (options[HPO_KEY] === undefined) return false;
  const path = `typed_extension_protocol_options["${HPO_KEY}"]`;
  const hpo = unpackAny(options[HPO_KEY], [HTTP_PROTOCOL_OPTIONS], path, issues);
  return hpo !== undefined && isObj(obj(hpo.body['explicit_http_config'])['http2_protocol_options']);
}

/** EDS over ADS (xDS protocol, "Aggregated Discovery Service"): the only config source the sidecar has. */
function edsServiceName(c: Obj, name: string, issues: Issues): string {
  const eds = obj(c['eds_cluster_config']);
  const source = obj(eds['eds_config']);
  if (!isObj(source['ads']) && !isObj(source['self'])) issues.add('eds_cluster_config.eds_config', 'must be ads or self');
  return str(eds['service_name']) || name;
}

export function clusterFromObject(c: Obj, issues: Issues): Decoded<ProxyCluster> {
  const name = required(c, 'name', '', issues);
  const type = clusterType(c, issues);
  const policy = lbPolicy(c, issues);
  const connectTimeoutMs = durationMs(c['connect_timeout'], 'connect_timeout', issues) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const isHttp2 = http2(c, issues);
  if (type === 'ORIGINAL_DST' && policy !== 'CLUSTER_PROVIDED') issues.add('lb_policy', 'an ORIGINAL_DST cluster must use CLUSTER_PROVIDED');
  if (type !== 'ORIGINAL_DST' && policy === 'CLUSTER_PROVIDED') issues.add('lb_policy', 'CLUSTER_PROVIDED is only for ORIGINAL_DST clusters');
  const eds = type === 'EDS' ? edsServiceName(c, name, issues) : undefined;
  let loadAssignment: ProxyAssignment | undefined;
  if (type === 'LOGICAL_DNS' || type === 'STATIC') {
    const la = obj(c['load_assignment']);
    loadAssignment = assignmentFromObject(la, 'load_assignment', issues, { requireIp: type === 'STATIC', clusterName: name });
    const count = loadAssignment.localities.reduce((n, l) => n + l.endpoints.length, 0);
    if (type === 'LOGICAL_DNS' && count !== 1) issues.add('load_assignment', 'a LOGICAL_DNS cluster needs exactly one endpoint');
  }
  const source = str(obj(obj(c['upstream_bind_config'])['source_address'])['address']);
  return issues.result(() => ({
    name,
    type,
    lbPolicy: policy,
    connectTimeoutMs,
    http2: isHttp2,
    circuitBreakers: DEFAULT_CIRCUIT_BREAKERS,
    ...(eds !== undefined && { edsServiceName: eds }),
    ...(loadAssignment && { loadAssignment }),
    ...(source !== '' && { sourceAddress: source }),
  }));
}

/** Decodes and validates the `Any.value` bytes of a Cluster. */
export function decodeCluster(bytes: Uint8Array): Decoded<ProxyCluster> {
  const issues = new Issues();
  const c = decodeMessage(CLUSTER_MESSAGE, bytes, '', issues);
  return c ? clusterFromObject(c, issues) : issues.failure();
}
