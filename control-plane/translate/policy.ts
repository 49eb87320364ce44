// A Service's policy (model ServicePolicy, from its `meshlet.io/*` annotations; docs/annotations.md) as the
// Envoy v3 fields it sets: on the Cluster (lb_policy, connect_timeout, outlier_detection, circuit_breakers) and
// on the RouteAction (timeout, retry_policy, hash_policy). Each builder returns undefined when the policy sets
// nothing of its part, so that unannotated Services translate to exactly the bytes they always had.
//
// Proxyless gRPC clients (@grpc/grpc-js-xds 1.14) receive the same clusters and routes. What they make of them:
// - lb_policy: only ROUND_ROBIN and RING_HASH are accepted (cluster-resource-type.ts, no ring_hash_lb_config
//   needed: it defaults to XX_HASH and rings of 1024..8M). LEAST_REQUEST, RANDOM and MAGLEV make the client
//   reject the cluster (NACK: "unsupported lb_policy"), so calls from proxyless clients to such a Service fail.
// - hash_policy: only `header` policies are read; cookie and source-ip ones are skipped (then a random hash).
// - retry_policy: num_retries must be ≥ 1 (so `retries: 0` emits no policy at all); only the gRPC conditions
//   (cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) are used; per_try_timeout and the
//   route timeout are not read (gRFC A31: the client's own deadline applies).
// - outlier_detection: accepted; grpc-js implements only the success-rate and failure-percentage detectors,
//   which meshlet switches off, so it has no effect there. circuit_breakers: only DEFAULT max_requests is read.
import type { HashOn, ServicePolicy } from '../model/types.js';
import { LbPolicy, RoutingPriority } from './enums.js';

export type Fields = Readonly<Record<string, unknown>>;

/** Istio's default retry policy (pilot/pkg/networking/core/route/retry): used for whatever a Service leaves out. */
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_ON: readonly string[] = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
export const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [503];

/** google.protobuf.Duration of `ms` milliseconds. */
export function duration(ms: number): { seconds: number; nanos?: number } {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  return nanos === 0 ? { seconds } : { seconds, nanos };
}

const wrap = (value: number): { value: number } => ({ value });

/** Only the fields that are set, so the message holds exactly what the Service asked for. */
function defined(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

const ms = (v: number | undefined): { seconds: number; nanos?: number } | undefined => (v === undefined ? undefined : duration(v));
const u32 = (v: number | undefined): { value: number } | undefined => (v === undefined ? undefined : wrap(v));
/** Istio's rule: a threshold of 0 disables its detector, anything else enforces it always. */
const enforcing = (v: number | undefined): { value: number } | undefined => (v === undefined ? undefined : wrap(v > 0 ? 100 : 0));

/**
 * Cluster.outlier_detection: the consecutive 5xx and gateway-failure detectors (what the sidecar implements).
 * Success-rate ejection, which Envoy and grpc-js would otherwise run by default, is switched off, as Istio does,
 * so every data plane ejects by the same rules.
 */
function outlierDetection(p: ServicePolicy): Record<string, unknown> | undefined {
  const fields = defined({
    consecutive_5xx: u32(p.outlierConsecutive5xx),
    enforcing_consecutive_5xx: enforcing(p.outlierConsecutive5xx),
    consecutive_gateway_failure: u32(p.outlierConsecutiveGatewayErrors),
    enforcing_consecutive_gateway_failure: enforcing(p.outlierConsecutiveGatewayErrors),
    interval: ms(p.outlierIntervalMs),
    base_ejection_time: ms(p.outlierBaseEjectionTimeMs),
    max_ejection_percent: u32(p.outlierMaxEjectionPercent),
  });
  return fields && { ...fields, enforcing_success_rate: wrap(0) };
}

/** Cluster.circuit_breakers: one threshold, priority DEFAULT; unset limits keep Envoy's defaults. */
function circuitBreakers(p: ServicePolicy): Record<string, unknown> | undefined {
  const budget = p.retryBudgetPercent === undefined ? undefined : { budget_percent: wrap(p.retryBudgetPercent) };
  const limits = defined({
    max_connections: u32(p.maxConnections),
    max_pending_requests: u32(p.maxPendingRequests),
    max_requests: u32(p.maxRequests),
    max_retries: u32(p.maxRetries),
    retry_budget: budget,
  });
  return limits && { thresholds: [{ priority: RoutingPriority.DEFAULT, ...limits }] };
}

/** The Cluster fields of `policy` (added to, or replacing, the defaults of every cluster of the Service). */
export function clusterPolicyFields(policy: ServicePolicy | undefined): Fields | undefined {
  if (policy === undefined) return undefined;
  const fields = defined({
    lb_policy: policy.lbPolicy === undefined ? undefined : LbPolicy[policy.lbPolicy],
    connect_timeout: ms(policy.connectTimeoutMs),
    outlier_detection: outlierDetection(policy),
    circuit_breakers: circuitBreakers(policy),
  });
  return fields && Object.freeze(fields);
}

/** RouteAction.retry_policy: any retry annotation turns it on with Istio's defaults for the rest; 0 retries, off. */
function retryPolicy(p: ServicePolicy): Record<string, unknown> | undefined {
  const asked = p.retries ?? p.retryOn ?? p.retryStatusCodes ?? p.perTryTimeoutMs;
  if (asked === undefined || p.retries === 0) return undefined;
  let retryOn = p.retryOn ?? DEFAULT_RETRY_ON;
  // Listing status codes means retrying on them.
  if (p.retryStatusCodes !== undefined && !retryOn.includes('retriable-status-codes')) retryOn = [...retryOn, 'retriable-status-codes'];
  const codes = retryOn.includes('retriable-status-codes') ? (p.retryStatusCodes ?? DEFAULT_RETRY_STATUS_CODES) : undefined;
  return defined({
    retry_on: retryOn.join(','),
    num_retries: wrap(p.retries ?? DEFAULT_RETRIES),
    per_try_timeout: ms(p.perTryTimeoutMs),
    retriable_status_codes: codes && [...codes],
  });
}

/**
 * RouteAction.hash_policy. Every policy is `terminal`: the first that yields a hash decides, which is how the
 * sidecar reads the list (Envoy would otherwise combine the hashes of all of them).
 */
function hashPolicy(keys: readonly HashOn[]): Record<string, unknown>[] {
  return keys.map((k) => {
    if (k.kind === 'header') return { header: { header_name: k.name }, terminal: true };
    if (k.kind === 'cookie') return { cookie: { name: k.name }, terminal: true };
    return { connection_properties: { source_ip: true }, terminal: true };
  });
}

/** The RouteAction fields of `policy` (added to, or replacing, those of the Service's default route). */
export function routeActionFields(policy: ServicePolicy | undefined): Fields | undefined {
  if (policy === undefined) return undefined;
  const fields = defined({
    timeout: ms(policy.timeoutMs),
    retry_policy: retryPolicy(policy),
    hash_policy: policy.hashOn && hashPolicy(policy.hashOn),
  });
  return fields && Object.freeze(fields);
}
