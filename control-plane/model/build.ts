// buildModel: the store's objects + the previous snapshot → the next immutable MeshSnapshot. Pure: no I/O, no
// clock; the same inputs give the same snapshot (internal caches are keyed by the identity of immutable inputs
// and never change a result). Problems found while joining objects (a slice for an unknown Service, a contested
// ClusterIP or nodePort, an exhausted CIDR) come back as errors; warnings are oddities accepted as written.
import type { ObjectSet } from '../sources/state.js';
import { allocateClusterIPs } from './allocate.js';
import { allocateNodePorts } from './node-ports.js';
import { parseCidr } from './cidr.js';
import { podIndexOf, sliceGroups } from './endpoint-index.js';
import { resolvePorts, sourceOf } from './endpoints.js';
import { inputsOf, remember, sameInputs } from './memo.js';
import { keyOf, nameKey, sortBy } from './order.js';
import { shareList, shareService } from './share.js';
import type { ConfigError, MeshSnapshot, ObjectMeta, OutboundTrafficPolicy, ResolvedService } from './types.js';

export interface ModelOptions {
  /** Default `cluster.local`. */
  readonly clusterDomain?: string;
  /** This cluster's name in a cluster set (MCS); default ''. */
  readonly clusterId?: string;
  /** Default `10.96.0.0/12`. An invalid CIDR throws MeshletError INVALID_FLAG. */
  readonly serviceCidr?: string;
  /** Default ALLOW_ANY, as Istio. */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}

export interface ModelResult {
  /** `previous` itself when nothing in it changed. */
  readonly snapshot: MeshSnapshot;
  readonly errors: readonly ConfigError[];
  readonly warnings: readonly ConfigError[];
}

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** Services of each snapshot built here, by `namespace/name`, so the next build need not index them again. */
const BY_KEY = new WeakMap<MeshSnapshot, ReadonlyMap<string, ResolvedService>>();

/**
 * The maps of `objects` must not be mutated afterwards (the store never does): derived data is cached by their
 * identity.
 */
export function buildModel(objects: ObjectSet, previous: MeshSnapshot | undefined, options: ModelOptions = {}): ModelResult {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const cidr = parseCidr(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const prevByKey = previous === undefined ? new Map<string, ResolvedService>() : indexOf(previous);
  const allocation = allocateClusterIPs(objects.services, prevByKey, cidr);
  const nodePorts = allocateNodePorts(allocation.services, prevByKey);
  const groups = sliceGroups(objects);
  const podIndex = () => podIndexOf(objects.pods);
  const byKey = new Map<string, ResolvedService>();
  for (const [key, service] of sortBy(nodePorts.services, ([, s]) => nameKey(s.meta))) {
    const clusterIP = allocation.clusterIPs.get(key);
    const fqdn = `${service.meta.name}.${service.meta.namespace}.svc.${clusterDomain}`;
    const exported = objects.serviceExports.has(key);
    const slices = groups.slices.get(key) ?? groups.endpoints.get(key);
    const inputs = inputsOf(service, clusterIP, exported, fqdn, slices, objects.pods);
    const before = prevByKey.get(key);
    if (before !== undefined && sameInputs(before, inputs)) {
      byKey.set(key, before);
      continue;
    }
    const next: ResolvedService = {
      service,
      fqdn,
      ...(clusterIP !== undefined && { clusterIP }),
      headless: service.clusterIP === 'None',
      ports: resolvePorts(service, sourceOf(service, slices, podIndex), clusterIP, objects.pods),
      exported,
    };
    byKey.set(key, remember(shareService(before, next), inputs));
  }
  const snapshot = assemble(previous, {
    clusterDomain,
    clusterId: options.clusterId ?? '',
    outboundTrafficPolicy: options.outboundTrafficPolicy ?? 'ALLOW_ANY',
    services: shareList(previous?.services, [...byKey.values()]),
    ingresses: shareList(previous?.ingresses, sortedOf(objects.ingresses)),
    ingressClasses: shareList(previous?.ingressClasses, sortedOf(objects.ingressClasses)),
    secrets: shareList(previous?.secrets, sortedOf(objects.secrets)),
    gateways: shareList(previous?.gateways, sortedOf(objects.gateways)),
    httpRoutes: shareList(previous?.httpRoutes, sortedOf(objects.httpRoutes)),
    pods: shareList(previous?.pods, sortedOf(objects.pods)),
    namespaces: shareList(previous?.namespaces, namespacesOf(objects)),
  });
  if (snapshot !== previous) BY_KEY.set(snapshot, byKey);
  return { snapshot, errors: [...allocation.errors, ...nodePorts.errors, ...groups.errors], warnings: allocation.warnings };
}

function indexOf(snapshot: MeshSnapshot): ReadonlyMap<string, ResolvedService> {
  let index = BY_KEY.get(snapshot);
  if (index === undefined) {
    index = new Map(snapshot.services.map((rs) => [keyOf(rs.service.meta), rs]));
    BY_KEY.set(snapshot, index);
  }
  return index;
}

function assemble(previous: MeshSnapshot | undefined, next: Omit<MeshSnapshot, 'generation'>): MeshSnapshot {
  if (
    previous !== undefined &&
    previous.clusterDomain === next.clusterDomain &&
    previous.clusterId === next.clusterId &&
    previous.outboundTrafficPolicy === next.outboundTrafficPolicy &&
    previous.services === next.services &&
    previous.ingresses === next.ingresses &&
    previous.ingressClasses === next.ingressClasses &&
    previous.secrets === next.secrets &&
    previous.gateways === next.gateways &&
    previous.httpRoutes === next.httpRoutes &&
    previous.pods === next.pods &&
    previous.namespaces === next.namespaces
  ) {
    return previous;
  }
  return { generation: (previous?.generation ?? 0) + 1, ...next };
}

const SORTED = new WeakMap<ReadonlyMap<string, { readonly meta: ObjectMeta }>, readonly unknown[]>();

/** The values of an object map sorted by namespace and name, cached per (immutable) map. */
function sortedOf<T extends { readonly meta: ObjectMeta }>(map: ReadonlyMap<string, T>): readonly T[] {
  let sorted = SORTED.get(map) as readonly T[] | undefined;
  if (sorted === undefined) SORTED.set(map, (sorted = sortBy(map.values(), (o) => nameKey(o.meta))));
  return sorted;
}

const NAMESPACES = new WeakMap<ReadonlyMap<string, { readonly meta: ObjectMeta }>, ReadonlySet<string>>();

function namespacesOf(objects: ObjectSet): string[] {
  const maps: readonly ReadonlyMap<string, { readonly meta: ObjectMeta }>[] = [
    objects.services,
    objects.endpointSlices,
    objects.endpoints,
    objects.pods,
    objects.ingresses,
    objects.serviceExports,
    // not ingressClasses: IngressClass is cluster-scoped (namespace '')
    objects.secrets,
    objects.gateways,
    objects.httpRoutes,
  ];
  const names = new Set<string>();
  for (const map of maps) {
    let inMap = NAMESPACES.get(map);
    if (inMap === undefined) {
      const found = new Set<string>();
      for (const o of map.values()) found.add(o.meta.namespace);
      NAMESPACES.set(map, (inMap = found));
    }
    for (const ns of inMap) names.add(ns);
  }
  return [...names].sort();
}
