// The xDS health status of a Kubernetes endpoint: which backends receive new traffic.
import type { BackendEndpoint } from '../model/types.js';

export type EndpointHealth = 'HEALTHY' | 'UNHEALTHY' | 'DRAINING';

/**
 * Kubernetes' rules, as kube-proxy applies them:
 * - ready → HEALTHY;
 * - terminating → DRAINING (no new traffic), except that when a port has no ready endpoint at all, terminating
 *   endpoints that are still `serving` take the traffic (KEP-1669, ProxyTerminatingEndpoints) → HEALTHY;
 * - otherwise not ready → UNHEALTHY.
 * `publishNotReadyAddresses` asks every consumer to disregard readiness, so all endpoints are HEALTHY.
 * Envoy sends nothing to UNHEALTHY or DRAINING hosts; grpc-js-xds keeps only HEALTHY and UNKNOWN ones
 * (src/xds-dependency-manager.ts, getEdsResource).
 */
export function endpointHealth(
  endpoint: Pick<BackendEndpoint, 'ready' | 'serving' | 'terminating'>,
  portHasReadyEndpoint: boolean,
  publishNotReadyAddresses: boolean,
): EndpointHealth {
  if (publishNotReadyAddresses || endpoint.ready) return 'HEALTHY';
  if (endpoint.terminating) return endpoint.serving && !portHasReadyEndpoint ? 'HEALTHY' : 'DRAINING';
  return 'UNHEALTHY';
}

/** Preference when one address appears twice (two slices during a rollout): the healthier entry wins. */
export const HEALTH_RANK: Readonly<Record<EndpointHealth, number>> = { HEALTHY: 0, DRAINING: 1, UNHEALTHY: 2 };
