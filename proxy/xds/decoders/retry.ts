// envoy.config.route.v3.RetryPolicy → RetryPolicy (route- or virtual-host-level). Conditions are those the
// sidecar implements (Envoy's router docs, "x-envoy-retry-on" and "x-envoy-retry-grpc-on"); an unknown one is an
// error rather than silently never retrying. The list lives in xds/retry-on.ts: the control plane validates
// Service annotations against the very same set.
import { RETRY_ON } from '../../../xds/retry-on.js';
import type { RetryPolicy } from '../types.js';
import { at, durationMs, index, list, num, obj, str, wrapped, type Issues, type Obj } from './read.js';

export { RETRY_ON };

export function retryPolicy(p: Obj, path: string, issues: Issues): RetryPolicy {
  const retryOn = str(p['retry_on'])
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const c of retryOn) if (!RETRY_ON.has(c)) issues.add(at(path, 'retry_on'), `"${c}" is not a supported condition`);
  const codes = list(p['retriable_status_codes']).map((c) => num(c) ?? 0);
  codes.forEach((c, i) => {
    if (!(c >= 100 && c <= 599)) issues.add(index(at(path, 'retriable_status_codes'), i), `${c} is not an HTTP status`);
  });
  const perTry = durationMs(p['per_try_timeout'], at(path, 'per_try_timeout'), issues);
  const backOff = obj(p['retry_back_off']);
  const base = durationMs(backOff['base_interval'], at(path, 'retry_back_off.base_interval'), issues);
  const max = durationMs(backOff['max_interval'], at(path, 'retry_back_off.max_interval'), issues);
  if (base !== undefined && base <= 0) issues.add(at(path, 'retry_back_off.base_interval'), 'must be positive');
  if (base !== undefined && max !== undefined && max < base) issues.add(at(path, 'retry_back_off.max_interval'), 'must not be less than base_interval');
  const numRetries = wrapped(p['num_retries']);
  return {
    retryOn,
    numRetries: numRetries === undefined ? 1 : (num(numRetries) ?? 1),
    ...(perTry !== undefined && { perTryTimeoutMs: perTry }),
    retriableStatusCodes: codes,
    ...(base !== undefined && { backOffBaseMs: base }),
    ...(max !== undefined && { backOffMaxMs: max }),
  };
}
