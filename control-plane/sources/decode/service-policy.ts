// A Service's resilience and balancing settings from its `meshlet.io/*` annotations (docs/annotations.md). Each
// annotation is read on its own: a bad value is a config error at `metadata.annotations["meshlet.io/..."]` that
// names the allowed values, and only that setting keeps its default — the Service itself stays valid.
import type { HashOn, LbPolicyName, ObjectMeta, ServicePolicy } from '../../model/types.js';
import { RETRY_ON } from '../../../xds/retry-on.js';
import { decimal, durationMs, listOf, UINT32_MAX, wholeNumber } from './annotation-values.js';
import { Field, type Issue } from './field.js';

/** Every annotation, by the ServicePolicy field it sets. */
export const POLICY_ANNOTATIONS = {
  lbPolicy: 'meshlet.io/lb-policy',
  hashOn: 'meshlet.io/hash-on',
  connectTimeoutMs: 'meshlet.io/connect-timeout',
  timeoutMs: 'meshlet.io/timeout',
  perTryTimeoutMs: 'meshlet.io/per-try-timeout',
  retries: 'meshlet.io/retries',
  retryOn: 'meshlet.io/retry-on',
  retryStatusCodes: 'meshlet.io/retry-status-codes',
  outlierConsecutive5xx: 'meshlet.io/outlier-consecutive-5xx',
  outlierConsecutiveGatewayErrors: 'meshlet.io/outlier-consecutive-gateway-errors',
  outlierIntervalMs: 'meshlet.io/outlier-interval',
  outlierBaseEjectionTimeMs: 'meshlet.io/outlier-base-ejection-time',
  outlierMaxEjectionPercent: 'meshlet.io/outlier-max-ejection-percent',
  maxConnections: 'meshlet.io/max-connections',
  maxPendingRequests: 'meshlet.io/max-pending-requests',
  maxRequests: 'meshlet.io/max-requests',
  maxRetries: 'meshlet.io/max-retries',
  retryBudgetPercent: 'meshlet.io/retry-budget-percent',
} as const satisfies { readonly [K in keyof ServicePolicy]-?: string };

export const LB_POLICIES: readonly LbPolicyName[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'];
const HASHING: readonly LbPolicyName[] = ['RING_HASH', 'MAGLEV'];

/** RFC 9110 token: header field names and (RFC 6265) cookie names. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const COUNT = { min: 0, max: UINT32_MAX };
const LIMIT = { min: 1, max: UINT32_MAX };

function lbPolicy(f: Field): LbPolicyName | undefined {
  const text = f.str() ?? '';
  const name = text.trim().toUpperCase().replace(/-/g, '_');
  if ((LB_POLICIES as readonly string[]).includes(name)) return name as LbPolicyName;
  return f.fail(`must be one of ${LB_POLICIES.join(', ')} (any case), got "${text}"`);
}

function hashKey(item: string): HashOn | undefined {
  if (item.toLowerCase() === 'source-ip') return { kind: 'source-ip' };
  const colon = item.indexOf(':');
  const kind = item.slice(0, colon).trim().toLowerCase();
  const name = item.slice(colon + 1).trim();
  if (colon < 0 || !TOKEN.test(name)) return undefined;
  if (kind === 'header') return { kind: 'header', name: name.toLowerCase() };
  if (kind === 'cookie') return { kind: 'cookie', name };
  return undefined;
}

const hashOn = (f: Field): HashOn[] | undefined => listOf(f, hashKey, 'a comma list of header:<name>, cookie:<name> or source-ip,');

const retryOn = (f: Field): string[] | undefined =>
  listOf(f, (c) => (RETRY_ON.has(c) ? c : undefined), `a comma list of ${[...RETRY_ON].join(', ')};`);

const statusCodes = (f: Field): number[] | undefined =>
  listOf(f, (c) => (/^[1-5]\d\d$/.test(c) ? Number(c) : undefined), 'a comma list of HTTP status codes 100-599,');

type Readers = { readonly [K in keyof ServicePolicy]-?: (f: Field) => ServicePolicy[K] | undefined };

const READERS: Readers = {
  lbPolicy,
  hashOn,
  connectTimeoutMs: (f) => durationMs(f, { zero: false }),
  timeoutMs: (f) => durationMs(f, { zero: true }),
  perTryTimeoutMs: (f) => durationMs(f, { zero: false }),
  retries: (f) => wholeNumber(f, COUNT),
  retryOn,
  retryStatusCodes: statusCodes,
  outlierConsecutive5xx: (f) => wholeNumber(f, COUNT),
  outlierConsecutiveGatewayErrors: (f) => wholeNumber(f, COUNT),
  outlierIntervalMs: (f) => durationMs(f, { zero: false }),
  outlierBaseEjectionTimeMs: (f) => durationMs(f, { zero: false }),
  outlierMaxEjectionPercent: (f) => wholeNumber(f, { min: 0, max: 100 }),
  maxConnections: (f) => wholeNumber(f, LIMIT),
  maxPendingRequests: (f) => wholeNumber(f, LIMIT),
  maxRequests: (f) => wholeNumber(f, LIMIT),
  maxRetries: (f) => wholeNumber(f, COUNT),
  retryBudgetPercent: (f) => decimal(f, 0, 100),
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The Service's policy, or undefined when it sets none (then translation is exactly as without annotations). */
export function decodeServicePolicy(meta: ObjectMeta, issues: Issue[]): ServicePolicy | undefined {
  const field = (annotation: string): Field => new Field(meta.annotations[annotation], ['metadata', 'annotations', annotation], issues);
  const policy: Mutable<ServicePolicy> = {};
  const read = <K extends keyof ServicePolicy>(key: K): void => {
    const f = field(POLICY_ANNOTATIONS[key]);
    const reader = READERS[key] as (f: Field) => ServicePolicy[K] | undefined;
    const value = f.absent ? undefined : reader(f);
    if (value !== undefined) (policy as { [P in K]?: ServicePolicy[P] })[key] = value;
  };
  for (const key of Object.keys(READERS) as (keyof ServicePolicy)[]) read(key);
  const lbField = field(POLICY_ANNOTATIONS.lbPolicy);
  // A hash key without a hashing balancer would be silently unused; a bad lb-policy is reported already.
  if (policy.hashOn !== undefined && !HASHING.includes(policy.lbPolicy ?? 'ROUND_ROBIN')) {
    delete policy.hashOn;
    if (policy.lbPolicy !== undefined || lbField.absent) {
      const lb = policy.lbPolicy ?? 'ROUND_ROBIN (the default)';
      field(POLICY_ANNOTATIONS.hashOn).fail(`is only used with ${POLICY_ANNOTATIONS.lbPolicy} RING_HASH or MAGLEV, not ${lb}; ignored`);
    }
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}
