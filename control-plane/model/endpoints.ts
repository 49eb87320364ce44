// The endpoints of each Service port, from the first source that exists, as kube-proxy and the endpoint
// controllers see them:
//   1. EndpointSlices labelled with the Service name, merged (ports matched by name, EndpointSlice API);
//   2. else v1 Endpoints of the same name (converted to slices by the decoder);
//   3. else Pods matching the Service selector (what the EndpointSlice controller would have written).
import { isIPv6 } from 'node:net';
import type { BackendEndpoint, EndpointSlice, Pod, ResolvedPort, Service, ServicePort } from './types.js';
import { keyOf } from './order.js';
import type { PodIndex } from './pod-index.js';

/** Where a Service's endpoints come from (the first that exists, in the order above). */
export type EndpointSource =
  | { readonly kind: 'slices'; readonly slices: readonly EndpointSlice[] }
  | { readonly kind: 'pods'; readonly pods: readonly Pod[] }
  | { readonly kind: 'none' };

const NONE: EndpointSource = { kind: 'none' };

/** `slices`: the Service's EndpointSlices, else the slices of its v1 Endpoints, else undefined. */
export function sourceOf(service: Service, slices: readonly EndpointSlice[] | undefined, pods: () => PodIndex): EndpointSource {
  if (service.type === 'ExternalName') return NONE;
  if (slices !== undefined) return { kind: 'slices', slices };
  if (service.selector === undefined) return NONE;
  const selected = pods().select(service.meta.namespace, service.selector);
  return { kind: 'pods', pods: selected.sort((a, b) => (a.meta.name < b.meta.name ? -1 : 1)) };
}

export function resolvePorts(
  service: Service,
  source: EndpointSource,
  clusterIP: string | undefined,
  podsByKey: ReadonlyMap<string, Pod>,
): ResolvedPort[] {
  const v6 = clusterIP !== undefined && isIPv6(clusterIP);
  const resolved = service.ports.map((port) => {
    if (source.kind === 'slices') return { port, endpoints: fromSlices(port, source.slices, podsByKey) };
    if (source.kind === 'pods') return { port, endpoints: fromPods(service, port, source.pods, v6) };
    return { port, endpoints: [] };
  });
  // "publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should
  // disregard any indications of ready/not-ready" (ServiceSpec API docs).
  if (!service.publishNotReadyAddresses) return resolved;
  return resolved.map((r) => ({ port: r.port, endpoints: r.endpoints.map((e) => (e.ready ? e : { ...e, ready: true })) }));
}

/**
 * Every slice port named like the Service port contributes its endpoints. An endpoint's first address is the
 * one used ("clients may choose to only use the first element", EndpointSlice API); an address seen twice
 * (slices overlap while the controller moves endpoints) counts once, preferring a ready copy, as kube-proxy does.
 */
function fromSlices(port: ServicePort, slices: readonly EndpointSlice[], pods: ReadonlyMap<string, Pod>): BackendEndpoint[] {
  const byIP = new Map<string, BackendEndpoint>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue; // deprecated, and not routable as an address
    const slicePort = slice.ports.find((p) => p.name === port.name);
    if (slicePort === undefined) continue;
    for (const ep of slice.endpoints) {
      const ip = ep.addresses[0];
      if (ip === undefined) continue;
      const seen = byIP.get(ip);
      if (seen !== undefined && (seen.ready || !ep.ready)) continue;
      const ref = ep.targetRef?.kind === 'Pod' ? `${ep.targetRef.namespace || slice.meta.namespace}/${ep.targetRef.name}` : undefined;
      byIP.set(ip, {
        ip,
        port: slicePort.port,
        ready: ep.ready,
        serving: ep.serving,
        terminating: ep.terminating,
        ...(ep.hostname !== undefined && { hostname: ep.hostname }),
        ...(ep.nodeName !== undefined && { nodeName: ep.nodeName }),
        ...(ep.zone !== undefined && { zone: ep.zone }),
        ...(ref !== undefined && { pod: ref }),
        weight: (ref !== undefined && pods.get(ref)?.weight) || 1,
      });
    }
  }
  return [...byIP.values()];
}

/** The EndpointSlice controller's podToEndpoint (pkg/controller/endpointslice), for one Service port. */
function fromPods(service: Service, port: ServicePort, pods: readonly Pod[], v6: boolean): BackendEndpoint[] {
  const out: BackendEndpoint[] = [];
  for (const pod of pods) {
    // Pods without an address or in a terminal phase are never endpoints (ShouldPodBeInEndpoints).
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    const ip = pod.podIPs.find((a) => isIPv6(a) === v6) ?? pod.podIPs[0];
    if (ip === undefined) continue;
    const target = targetPortOf(port, pod);
    if (target === undefined) continue; // a named targetPort this Pod does not have
    // serving = Ready condition; ready additionally requires not terminating (the controller's comment: "ready
    // should never be true if a pod is terminating, unless publishNotReadyAddresses was set").
    const hostname = pod.hostname !== undefined && pod.subdomain === service.meta.name ? pod.hostname : undefined;
    out.push({
      ip,
      port: target,
      ready: pod.ready && !pod.deleting,
      serving: pod.ready,
      terminating: pod.deleting,
      ...(hostname !== undefined && { hostname }),
      ...(pod.nodeName !== undefined && { nodeName: pod.nodeName }),
      pod: keyOf(pod.meta),
      weight: pod.weight ?? 1,
    });
  }
  return out;
}

/** targetPort as a number, or the Pod's container port of that name and the Service port's protocol. */
function targetPortOf(port: ServicePort, pod: Pod): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return pod.containerPorts.find((c) => c.name === port.targetPort && c.protocol === port.protocol)?.containerPort;
}
