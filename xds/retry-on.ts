// The retry conditions meshlet speaks (RetryPolicy.retry_on; Envoy's router docs, "x-envoy-retry-on" and
// "x-envoy-retry-grpc-on"): what the sidecar implements, so what the control plane lets a Service ask for and
// what the sidecar's decoder accepts. One list for both sides.
export const RETRY_ON: ReadonlySet<string> = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'cancelled',
  'deadline-exceeded',
  'resource-exhausted',
  'unavailable',
  'internal',
]);
