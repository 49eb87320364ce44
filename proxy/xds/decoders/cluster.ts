// CDS: envoy.config.cluster.v3.Cluster → ProxyCluster. EDS clusters over ADS, ORIGINAL_DST passthrough
// clusters, LOGICAL_DNS (ExternalName) and STATIC (BlackHoleCluster, no hosts). HTTP/2 upstreams are read from
// HttpProtocolOptions.explicit_http_config (v3) or the deprecated http2_protocol_options. Outlier detection
// (the consecutive 5xx and gateway-failure detectors) and the DEFAULT priority's circuit breakers are read with
// Envoy's defaults for unset fields; success-rate and failure-percentage detection are not implemented and
// their fields are ignored.
import { HTTP_PROTOCOL_OPTIONS } from '../../../xds/type-urls.js';
import type { CircuitBreakers, ClusterType, Decoded, LbPolicy, OutlierDetection, ProxyAssignment, ProxyCluster } from '../types.js';
import { assignmentFromObject } from './endpoint.js';
import { at, decodeMessage, durationMs, index, isObj, Issues, list, num, obj, required, str, unpackAny, wrapped, type Obj } from './read.js';

export const CLUSTER_MESSAGE = 'envoy.config.cluster.v3.Cluster';

/** Envoy's circuit breaker thresholds when unset. */
export const DEFAULT_CIRCUIT_BREAKERS = Object.freeze({ maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 });

/** Envoy's retry budget when `retry_budget` is present with fields unset. */
export const DEFAULT_RETRY_BUDGET = Object.freeze({ budgetPercent: 20, minRetryConcurrency: 3 });

/**
 * Envoy's outlier detection when `outlier_detection` is present with fields unset. The gateway-failure detector
 * is off: enforcing_consecutive_gateway_failure defaults to 0.
 */
export const DEFAULT_OUTLIER_DETECTION: OutlierDetection = Object.freeze({
  consecutive5xx: 5,
  consecutiveGatewayFailure: 0,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 10,
});

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

/** The upstream protocol: HTTP/2 (explicit_http_config), or whatever the downstream spoke. */
function upstreamProtocol(c: Obj, issues: Issues): { http2: boolean; useDownstreamProtocol: boolean } {
  if (isObj(c['http2_protocol_options'])) return { http2: true, useDownstreamProtocol: false };
  const options = obj(c['typed_extension_protocol_options']);
  if (options[HPO_KEY] === undefined) return { http2: false, useDownstreamProtocol: false };
  const path = `typed_extension_protocol_options["${HPO_KEY}"]`;
  const hpo = unpackAny(options[HPO_KEY], [HTTP_PROTOCOL_OPTIONS], path, issues);
  const body = hpo?.body ?? {};
  return {
    http2: isObj(obj(body['explicit_http_config'])['http2_protocol_options']),
    useDownstreamProtocol: isObj(body['use_downstream_protocol_config']),
  };
}

/** A UInt32Value, `fallback` when unset. */
function count(o: Obj, field: string, fallback: number): number {
  const w = wrapped(o[field]);
  return w === undefined ? fallback : (num(w) ?? fallback);
}

/** A UInt32Value percentage (PGV: lte 100). */
function percent(o: Obj, field: string, fallback: number, path: string, issues: Issues): number {
  const n = count(o, field, fallback);
  if (n > 100) issues.add(at(path, field), `${n} is not a percentage (0..100)`);
  return n;
}

/** A Duration that must be positive when set (PGV: gt 0s). */
function positiveMs(o: Obj, field: string, fallback: number, path: string, issues: Issues): number {
  const ms = durationMs(o[field], at(path, field), issues);
  if (ms === 0) issues.add(at(path, field), 'must be positive');
  return ms ?? fallback;
}

/**
 * outlier_detection (envoy.config.cluster.v3.OutlierDetection). A detector whose enforcing percentage is 0 is
 * off (threshold 0); as in Envoy, an unset max_ejection_time is 300 s or base_ejection_time, whichever is more.
 */
function outlierDetection(v: unknown, issues: Issues): OutlierDetection | undefined {
  if (!isObj(v)) return undefined;
  const path = 'outlier_detection';
  const d = DEFAULT_OUTLIER_DETECTION;
  const enforce5xx = percent(v, 'enforcing_consecutive_5xx', 100, path, issues);
  const enforceGateway = percent(v, 'enforcing_consecutive_gateway_failure', 0, path, issues);
  const baseEjectionTimeMs = positiveMs(v, 'base_ejection_time', d.baseEjectionTimeMs, path, issues);
  const maxEjectionTimeMs = positiveMs(v, 'max_ejection_time', Math.max(d.maxEjectionTimeMs, baseEjectionTimeMs), path, issues);
  if (maxEjectionTimeMs < baseEjectionTimeMs) issues.add(at(path, 'max_ejection_time'), 'must not be less than base_ejection_time');
  return {
    consecutive5xx: enforce5xx > 0 ? count(v, 'consecutive_5xx', d.consecutive5xx) : 0,
    consecutiveGatewayFailure: enforceGateway > 0 ? count(v, 'consecutive_gateway_failure', 5) : 0,
    intervalMs: positiveMs(v, 'interval', d.intervalMs, path, issues),
    baseEjectionTimeMs,
    maxEjectionTimeMs,
    maxEjectionPercent: percent(v, 'max_ejection_percent', d.maxEjectionPercent, path, issues),
  };
}

/**
 * circuit_breakers.thresholds: the first of priority DEFAULT (as Envoy, which uses the first of each priority);
 * HIGH thresholds are ignored, the sidecar has no priority routing.
 */
function circuitBreakers(v: unknown, issues: Issues): CircuitBreakers {
  const thresholds = list(obj(v)['thresholds']);
  const i = thresholds.findIndex((t) => (obj(t)['priority'] ?? 'DEFAULT') === 'DEFAULT');
  if (i < 0) return DEFAULT_CIRCUIT_BREAKERS;
  const t = obj(thresholds[i]);
  const path = index('circuit_breakers.thresholds', i);
  const d = DEFAULT_CIRCUIT_BREAKERS;
  const limits = {
    maxConnections: count(t, 'max_connections', d.maxConnections),
    maxPendingRequests: count(t, 'max_pending_requests', d.maxPendingRequests),
    maxRequests: count(t, 'max_requests', d.maxRequests),
    maxRetries: count(t, 'max_retries', d.maxRetries),
  };
  if (!isObj(t['retry_budget'])) return limits;
  const budget = t['retry_budget'];
  const budgetPercent = count(budget, 'budget_percent', DEFAULT_RETRY_BUDGET.budgetPercent);
  if (!(budgetPercent >= 0 && budgetPercent <= 100)) issues.add(at(path, 'retry_budget.budget_percent'), `${budgetPercent} is not a percentage (0..100)`);
  const minRetryConcurrency = count(budget, 'min_retry_concurrency', DEFAULT_RETRY_BUDGET.minRetryConcurrency);
  return { ...limits, retryBudget: { budgetPercent, minRetryConcurrency } };
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
  const protocol = upstreamProtocol(c, issues);
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
  const outlier = outlierDetection(c['outlier_detection'], issues);
  const breakers = circuitBreakers(c['circuit_breakers'], issues);
  return issues.result(() => ({
    name,
    type,
    lbPolicy: policy,
    connectTimeoutMs,
    http2: protocol.http2,
    useDownstreamProtocol: protocol.useDownstreamProtocol,
    ...(eds !== undefined && { edsServiceName: eds }),
    ...(loadAssignment && { loadAssignment }),
    ...(source !== '' && { sourceAddress: source }),
    ...(outlier && { outlierDetection: outlier }),
    circuitBreakers: breakers,
  }));
}

/** Decodes and validates the `Any.value` bytes of a Cluster. */
export function decodeCluster(bytes: Uint8Array): Decoded<ProxyCluster> {
  const issues = new Issues();
  const c = decodeMessage(CLUSTER_MESSAGE, bytes, '', issues);
  return c ? clusterFromObject(c, issues) : issues.failure();
}
