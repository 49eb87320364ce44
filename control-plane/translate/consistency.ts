// The snapshot cache's consistency check (go-control-plane's Snapshot.Consistent, extended to LDS → RDS/CDS):
// every reference between resources of a set must resolve inside the set, or a proxy would wait for (or route
// to) something that never comes. Pure; references are read once per resource object and memoised, so checking
// a new set that shares most resources with the previous one costs map lookups.
import type { ResourceSet, XdsResource } from '../../xds/resource.js';
import { messageType, TO_OBJECT } from '../../xds/protos.js';
import {
  CLUSTER,
  CLUSTER_LOAD_ASSIGNMENT,
  HTTP_CONNECTION_MANAGER,
  LISTENER,
  messageNameOf,
  ROUTE_CONFIGURATION,
  SHORT_NAME,
  TCP_PROXY,
  type ServedTypeUrl,
} from '../../xds/type-urls.js';
import { DiscoveryType } from './enums.js';
import { packedBody } from './packed.js';

interface Refs {
  /** The name inside the message (`name`, or `cluster_name` for an assignment). */
  readonly ownName: string;
  readonly routes: readonly string[];
  readonly clusters: readonly string[];
  readonly assignments: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;

const NONE: readonly string[] = Object.freeze([]);

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}
function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Clusters named by a route action or a TCP proxy: `cluster`, or each of `weighted_clusters.clusters`. */
function actionClusters(action: Obj): string[] {
  const single = str(action.cluster);
  return single ? [single] : list(obj(action.weighted_clusters).clusters).map((c) => str(c.name));
}

function routeClusters(config: Obj): string[] {
  return list(config.virtual_hosts).flatMap((vh) => list(vh.routes).flatMap((r) => actionClusters(obj(r.route))));
}

/** Unpacks a filter's `typed_config`: the body it was packed from when translation packed it, else the bytes. */
function unpack(any: Obj): { typeUrl: string; message: Obj } {
  const typeUrl = str(any.type_url);
  const known = packedBody(any);
  if (known) return { typeUrl, message: known };
  const value = any.value;
  if (!(value instanceof Uint8Array)) return { typeUrl, message: {} };
  const type = messageType(messageNameOf(typeUrl));
  return { typeUrl, message: type.toObject(type.decode(value), TO_OBJECT) };
}

function listenerRefs(body: Obj): Refs {
  const chains = [...list(body.filter_chains), obj(body.default_filter_chain)];
  const anys = chains.flatMap((c) => list(c.filters).map((f) => obj(f.typed_config)));
  anys.push(obj(obj(body.api_listener).api_listener));
  const routes: string[] = [];
  const clusters: string[] = [];
  for (const { typeUrl, message } of anys.map(unpack)) {
    if (typeUrl === HTTP_CONNECTION_MANAGER) {
      const rds = str(obj(message.rds).route_config_name);
      if (rds) routes.push(rds);
      clusters.push(...routeClusters(obj(message.route_config)));
    } else if (typeUrl === TCP_PROXY) {
      clusters.push(...actionClusters(message));
    }
  }
  return { ownName: str(body.name), routes, clusters, assignments: NONE };
}

function isEds(type: unknown): boolean {
  return type === DiscoveryType.EDS || type === 'EDS';
}

function refsOf(r: XdsResource): Refs {
  const body = r.body;
  switch (r.typeUrl) {
    case LISTENER:
      return listenerRefs(body);
    case ROUTE_CONFIGURATION:
      return { ownName: str(body.name), routes: NONE, clusters: routeClusters(body), assignments: NONE };
    case CLUSTER: {
      const edsName = str(obj(body.eds_cluster_config).service_name) || str(body.name);
      return { ownName: str(body.name), routes: NONE, clusters: NONE, assignments: isEds(body.type) ? [edsName] : NONE };
    }
    case CLUSTER_LOAD_ASSIGNMENT:
      return { ownName: str(body.cluster_name), routes: NONE, clusters: NONE, assignments: NONE };
    default:
      return { ownName: r.name, routes: NONE, clusters: NONE, assignments: NONE };
  }
}

const memo = new WeakMap<XdsResource, Refs>();

function cachedRefs(r: XdsResource): Refs {
  let refs = memo.get(r);
  if (!refs) {
    refs = refsOf(r);
    memo.set(r, refs);
  }
  return refs;
}

function checkRefs(set: ResourceSet, type: ServedTypeUrl, names: readonly string[], what: string, where: string, errors: string[]): void {
  if (names.length === 0) return;
  const have = set.get(type);
  for (const n of names) if (!have?.has(n)) errors.push(`${where}: ${what} "${n}" is not in ${SHORT_NAME[type]}`);
}

/**
 * Every problem of `set`, as `<TYPE> <name>: ...` lines; empty when consistent. Checks that each resource sits
 * under its own name, every listener's RDS name and TCP cluster exist, every route's cluster exists, and every
 * EDS cluster has a ClusterLoadAssignment. Unreferenced resources are allowed.
 */
export function checkConsistency(set: ResourceSet): string[] {
  const errors: string[] = [];
  for (const [type, resources] of set) {
    for (const [key, r] of resources) {
      const refs = cachedRefs(r);
      if (r.typeUrl !== type) errors.push(`${SHORT_NAME[type]} ${key}: resource of type ${r.typeUrl} filed under ${type}`);
      if (r.name !== key || refs.ownName !== key) errors.push(`${SHORT_NAME[type]} ${key}: resource is named "${refs.ownName}"`);
      if (refs.routes.length + refs.clusters.length + refs.assignments.length === 0) continue;
      const where = `${SHORT_NAME[type]} ${key}`;
      checkRefs(set, ROUTE_CONFIGURATION, refs.routes, 'route configuration', where, errors);
      checkRefs(set, CLUSTER, refs.clusters, 'cluster', where, errors);
      checkRefs(set, CLUSTER_LOAD_ASSIGNMENT, refs.assignments, 'load assignment', where, errors);
    }
  }
  return errors;
}
