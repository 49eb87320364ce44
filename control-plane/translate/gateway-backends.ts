// The gateway's route actions: a Kubernetes backend (Ingress service backend, Gateway API backendRef) → the
// service port's cluster `outbound|<port>||<fqdn>` (names.ts), weighted clusters, redirects and direct responses.
// Envoy fields: envoy.config.route.v3.Route (route / redirect / direct_response are its `action` oneof).
import type { MeshSnapshot, ResolvedService } from '../model/types.js';
import { protoRoot } from '../../xds/protos.js';
import { routeActionFields } from './policy.js';
import { serviceResources } from './service-resources.js';

export type Fields = Readonly<Record<string, unknown>>;

function enumValue(enumName: string, key: string): number {
  const value = protoRoot().lookupEnum(enumName).values[key];
  if (value === undefined) throw new Error(`proto enum ${enumName} has no value ${key}`);
  return value;
}

/** envoy.config.core.v3.HeaderValueOption.HeaderAppendAction. */
export const HeaderAppendAction = {
  APPEND_IF_EXISTS_OR_ADD: enumValue('envoy.config.core.v3.HeaderValueOption.HeaderAppendAction', 'APPEND_IF_EXISTS_OR_ADD'),
  OVERWRITE_IF_EXISTS_OR_ADD: enumValue('envoy.config.core.v3.HeaderValueOption.HeaderAppendAction', 'OVERWRITE_IF_EXISTS_OR_ADD'),
} as const;

/** envoy.config.route.v3.RedirectAction.RedirectResponseCode. */
export const RedirectResponseCode = {
  MOVED_PERMANENTLY: enumValue('envoy.config.route.v3.RedirectAction.RedirectResponseCode', 'MOVED_PERMANENTLY'),
  FOUND: enumValue('envoy.config.route.v3.RedirectAction.RedirectResponseCode', 'FOUND'),
} as const;

/** Services by `namespace/name`, built once per snapshot. */
const indexes = new WeakMap<MeshSnapshot, ReadonlyMap<string, ResolvedService>>();

export function serviceIndex(snapshot: MeshSnapshot): ReadonlyMap<string, ResolvedService> {
  let index = indexes.get(snapshot);
  if (!index) {
    index = new Map(snapshot.services.map((rs) => [`${rs.service.meta.namespace}/${rs.service.meta.name}`, rs]));
    indexes.set(snapshot, index);
  }
  return index;
}

/** A backend: the Service and its port by number or by name (Ingress `port.name` is the Service port's name). */
export interface BackendRef {
  readonly namespace: string;
  readonly name: string;
  readonly port: { readonly number?: number; readonly name?: string };
}

export type ResolvedBackend =
  | { readonly ok: true; readonly cluster: string; readonly service: ResolvedService }
  | { readonly ok: false; readonly reason: string };

/**
 * The cluster of a backend. The cluster must be one the gateway receives (CDS of every service port,
 * service-resources.ts): an unknown Service, an unknown port, or a port without a cluster (UDP) is an error.
 */
export function resolveBackend(snapshot: MeshSnapshot, ref: BackendRef): ResolvedBackend {
  const rs = serviceIndex(snapshot).get(`${ref.namespace}/${ref.name}`);
  if (!rs) return { ok: false, reason: `Service ${ref.namespace}/${ref.name} not found` };
  const sp = ref.port.number !== undefined
    ? rs.service.ports.find((p) => p.port === ref.port.number)
    : rs.service.ports.find((p) => p.name === ref.port.name);
  const portText = ref.port.number !== undefined ? String(ref.port.number) : `"${ref.port.name ?? ''}"`;
  if (!sp) return { ok: false, reason: `Service ${ref.namespace}/${ref.name} has no port ${portText}` };
  const entry = serviceResources(rs).ports.find((p) => p.port === sp.port);
  if (!entry) return { ok: false, reason: `Service ${ref.namespace}/${ref.name} port ${portText} has no cluster (not TCP)` };
  return { ok: true, cluster: entry.cluster, service: rs };
}

/** `timeout: 0s` disables Envoy's 15 s default route timeout, as the sidecar's default route (route.ts). */
const NO_TIMEOUT = Object.freeze({ seconds: 0 });

/** RouteAction to one cluster, with the Service's annotations (timeout, retries, hashing; policy.ts). */
export function clusterAction(backend: Extract<ResolvedBackend, { ok: true }>): Fields {
  return { route: { cluster: backend.cluster, timeout: NO_TIMEOUT, ...routeActionFields(backend.service.service.policy) } };
}

/** RouteAction splitting by weight (RouteAction.weighted_clusters; the weights need not add up to 100). */
export function weightedAction(clusters: readonly { readonly cluster: string; readonly weight: number }[]): Fields {
  return {
    route: {
      weighted_clusters: { clusters: clusters.map((c) => ({ name: c.cluster, weight: { value: c.weight } })) },
      timeout: NO_TIMEOUT,
    },
  };
}

/** A fixed response (Route.direct_response) with a plain-text body. */
export function directResponse(status: number, body: string): Fields {
  return { direct_response: { status, body: { inline_string: body } } };
}

/**
 * An Ingress backend that does not resolve: 503, as Envoy answers for a cluster it does not know
 * (RouteAction.cluster_not_found_response_code defaults to SERVICE_UNAVAILABLE), with the body Envoy gives when
 * a cluster has no endpoint. Routing to the missing cluster's name instead would fail the snapshot's
 * consistency check (every route's cluster must be in CDS), refusing the whole gateway configuration.
 */
export const INGRESS_BACKEND_MISSING = directResponse(503, 'no healthy upstream\n');

/**
 * Gateway API: "If ... all backendRefs are invalid, and there are no filters specified that would result in a
 * response being sent, the underlying implementation must actively reject connection attempts to this backend
 * ... with a 500 status code" (HTTPRouteRule.backendRefs).
 */
export const HTTPROUTE_NO_BACKEND = directResponse(500, 'no valid backend\n');

/** What no rule matches, when there is no default backend ("404 page not found" is what ingress-nginx says). */
export const NOT_FOUND = directResponse(404, 'not found\n');
