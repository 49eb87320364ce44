// The last good configuration: per type URL an immutable map (name → resource), replaced whole when a
// response is applied, and a ProxyConfig rebuilt from them that shares every map of the types that did not
// change. Nothing here is mutated after it is handed out.
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, NAME_TABLE, PUSH_ORDER, ROUTE_CONFIGURATION, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { AcceptedResource } from './check-response.js';
import type { AnyDecoded } from './decoders/index.js';
import type { NameTable, ProxyAssignment, ProxyCluster, ProxyConfig, ProxyListener, ProxyRouteConfig } from './types.js';

type Held = ReadonlyMap<string, AcceptedResource>;
const EMPTY: Held = new Map();

export interface Change {
  readonly typeUrl: ServedTypeUrl;
  readonly version: string;
  readonly upserts: readonly AcceptedResource[];
  readonly removed: readonly string[];
  /** SotW LDS/CDS/NameTable: the response is the complete set, so whatever it lacks is gone. */
  readonly replaceAll: boolean;
}

function values<T extends AnyDecoded>(held: Held): ReadonlyMap<string, T> {
  return new Map([...held].map(([name, r]) => [name, r.value as T]));
}

export class ConfigStore {
  private held = new Map<ServedTypeUrl, Held>();
  private readonly received = new Set<ServedTypeUrl>();
  private config: ProxyConfig = Object.freeze({
    listeners: new Map(),
    routes: new Map(),
    clusters: new Map(),
    assignments: new Map(),
    nameTables: new Map(),
    versions: new Map(),
  });

  /** `expected`: the types subscribed to (default all), which make the configuration complete. */
  constructor(private readonly expected: readonly ServedTypeUrl[] = PUSH_ORDER) {}

  get current(): ProxyConfig {
    return this.config;
  }

  /** Every expected type has been received at least once: the first complete configuration. */
  get complete(): boolean {
    return this.expected.every((t) => this.received.has(t));
  }

  /** name → version of what is held of a type (delta's initial_resource_versions on reconnect). */
  versionsOf(typeUrl: ServedTypeUrl): Map<string, string> {
    return new Map([...(this.held.get(typeUrl) ?? EMPTY)].map(([name, r]) => [name, r.version]));
  }

  /** Applies a validated response; true when the configuration changed. */
  apply(change: Change): boolean {
    const firstTime = !this.received.has(change.typeUrl);
    this.received.add(change.typeUrl);
    const before = this.held.get(change.typeUrl) ?? EMPTY;
    const next = new Map(change.replaceAll ? [] : before);
    for (const name of change.removed) next.delete(name);
    for (const r of change.upserts) next.set(r.name, r);
    const changed = change.replaceAll || change.upserts.length > 0 || change.removed.some((n) => before.has(n));
    const versionChanged = this.config.versions.get(change.typeUrl) !== change.version;
    if (!changed && !versionChanged && !firstTime) return false;
    this.held.set(change.typeUrl, next);
    this.rebuild(change.typeUrl, change.version);
    return true;
  }

  /**
   * SotW only: RDS and EDS responses need not repeat unchanged resources, so a route configuration or an
   * assignment leaves when nothing refers to it any more (xDS protocol, "Deleting resources": in SotW, deleting
   * a Listener or Cluster implies deleting the resources only it referred to).
   */
  pruneUnreferenced(): void {
    const routeNames = new Set<string>();
    for (const l of this.config.listeners.values()) {
      for (const c of l.filterChains) if (c.target.kind === 'http') routeNames.add(c.target.routeConfigName);
    }
    const edsNames = new Set<string>();
    for (const c of this.config.clusters.values()) if (c.edsServiceName !== undefined) edsNames.add(c.edsServiceName);
    this.keepOnly(ROUTE_CONFIGURATION, routeNames);
    this.keepOnly(CLUSTER_LOAD_ASSIGNMENT, edsNames);
  }

  private keepOnly(typeUrl: ServedTypeUrl, names: ReadonlySet<string>): void {
    const held = this.held.get(typeUrl) ?? EMPTY;
    if ([...held.keys()].every((n) => names.has(n))) return;
    this.held.set(typeUrl, new Map([...held].filter(([n]) => names.has(n))));
    this.rebuild(typeUrl, this.config.versions.get(typeUrl) ?? '');
  }

  private rebuild(typeUrl: ServedTypeUrl, version: string): void {
    const held = this.held.get(typeUrl) ?? EMPTY;
    const versions = new Map(this.config.versions).set(typeUrl, version);
    const c = this.config;
    this.config = Object.freeze({
      listeners: typeUrl === LISTENER ? values<ProxyListener>(held) : c.listeners,
      routes: typeUrl === ROUTE_CONFIGURATION ? values<ProxyRouteConfig>(held) : c.routes,
      clusters: typeUrl === CLUSTER ? values<ProxyCluster>(held) : c.clusters,
      assignments: typeUrl === CLUSTER_LOAD_ASSIGNMENT ? values<ProxyAssignment>(held) : c.assignments,
      nameTables: typeUrl === NAME_TABLE ? values<NameTable>(held) : c.nameTables,
      versions,
    });
  }
}
