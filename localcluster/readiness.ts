// Readiness of one pod, decided as the kubelet does: the readinessProbe of each container (httpGet / tcpSocket
// against the pod IP, the way traffic arrives, so through the sidecar's inbound capture), after its
// initialDelaySeconds and then every periodSeconds; until the first success it retries quickly (every
// FAST_RETRY_MS) so that `up` is fast. A pod with a sidecar also needs the sidecar ready (its /healthz/ready on
// 15021, the readinessProbe of Istio's istio-proxy container): a pod is Ready only when all its containers are.
// A pod without probes or sidecar is ready at once. A pod whose processes died is not ready.
import type { PodRecord } from './state.js';
import type { ProbeTarget } from './probe.js';
import type { ContainerSpec } from './workloads/types.js';
import { wantsSidecar } from './workloads/types.js';

export const FAST_RETRY_MS = 100;
export const SIDECAR_HEALTH = { port: 15021, path: '/healthz/ready' };

/** The checks of a pod; an empty list means "ready without checking". */
export function readinessTargets(pod: PodRecord): ProbeTarget[] {
  const host = pod.plan.ip;
  const probes = pod.spec.template.containers.flatMap((c) => (c.readinessProbe ? [probeTarget(host, c)] : []));
  return wantsSidecar(pod.spec.template) ? [{ kind: 'httpGet', host, ...SIDECAR_HEALTH }, ...probes] : probes;
}

function probeTarget(host: string, c: ContainerSpec): ProbeTarget {
  const probe = c.readinessProbe!;
  const port = typeof probe.port === 'number' ? probe.port : (c.ports.find((p) => p.name === probe.port)?.containerPort ?? 0);
  return probe.kind === 'httpGet' ? { kind: 'httpGet', host, port, path: probe.path } : { kind: 'tcpSocket', host, port };
}

/** How long to wait before the next check: fast until first ready, then the smallest periodSeconds. */
export function nextCheckMs(pod: PodRecord, ready: boolean): number {
  if (!ready) return FAST_RETRY_MS;
  const periods = pod.spec.template.containers.flatMap((c) => (c.readinessProbe ? [c.readinessProbe.periodSeconds] : []));
  return periods.length === 0 ? 1000 : Math.min(...periods) * 1000;
}

/**
 * How many failed checks in a row turn a ready pod not ready: the smallest failureThreshold of its probes, else
 * Kubernetes' default 3. One slow answer on a loaded machine must not pull a pod out of its Service.
 */
export function failureThreshold(pod: PodRecord): number {
  const thresholds = pod.spec.template.containers.flatMap((c) => (c.readinessProbe ? [c.readinessProbe.failureThreshold] : []));
  return thresholds.length === 0 ? 3 : Math.min(...thresholds);
}

/** The largest initialDelaySeconds of the pod's probes, in ms. */
export function initialDelayMs(pod: PodRecord): number {
  return Math.max(0, ...pod.spec.template.containers.map((c) => (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000));
}
