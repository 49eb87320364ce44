// Memoised per-service translation. The model keeps the identity of unchanged objects from one snapshot to the
// next, so resources are cached in WeakMaps keyed by those objects and a new snapshot re-encodes only what
// changed. Two levels, because endpoints change far more often than Services:
// - everything that depends on the Service alone (clusters, listeners, routes, a non-headless NameTable entry)
//   is keyed by the `Service` object, and checked against the ResolvedService's fqdn and ClusterIP;
// - load assignments are keyed by the `ResolvedPort` (its endpoints), headless NameTable entries by the
//   `ResolvedService`.
// Resources are built lazily, so a role that needs only CDS never encodes a listener.
import type { ResolvedPort, ResolvedService, Service } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { edsCluster, logicalDnsCluster } from './cluster.js';
import { loadAssignment } from './endpoint.js';
import { httpConnectionManager, type PackedAny } from './filters.js';
import { apiListener } from './listener-api.js';
import { outboundServiceListener, type OutboundTarget } from './listener-outbound.js';
import { nameService } from './name-table.js';
import { clusterName, routeName, serviceHostnames, withPort } from './names.js';
import { clusterPolicyFields, routeActionFields, type Fields } from './policy.js';
import { isHttp, isStreamTransport, isUndeclared, portProtocol, type PortProtocol } from './protocol.js';
import { routeConfiguration } from './route.js';

/** What the Service-only part may read: not the endpoints. */
type StaticService = Pick<ResolvedService, 'service' | 'fqdn' | 'clusterIP' | 'headless'>;

interface ApiListeners {
  readonly long: readonly XdsResource[];
  readonly short: readonly XdsResource[];
}

interface PortEntry {
  readonly port: number;
  readonly protocol: PortProtocol;
  /** Declares no protocol: the sidecar sniffs HTTP vs TCP (protocol.ts isUndeclared). */
  readonly sniffed: boolean;
  readonly cluster: string;
  readonly route: string;
}

/** The Service-only part of a service's translation; every getter builds once, on first use. */
export class ServiceResources {
  readonly ports: readonly PortEntry[];
  readonly external: boolean;
  /** The Service's annotations as Cluster and RouteAction fields (policy.ts); undefined when unannotated. */
  readonly #clusterPolicy: Fields | undefined;
  readonly #routeAction: Fields | undefined;
  #clusters?: readonly XdsResource[];
  readonly #hcms: (PackedAny | undefined)[] = [];
  readonly #routes: (XdsResource | undefined)[] = [];
  #sidecarListeners?: readonly XdsResource[];
  #sidecarRoutes?: readonly XdsResource[];
  #apiListeners?: ApiListeners;
  #nameEntry?: Record<string, unknown>;

  constructor(readonly rs: StaticService) {
    this.external = rs.service.type === 'ExternalName';
    // An ExternalName service without a name to resolve has nothing to proxy to (the model should not emit one).
    const ports = this.external && !rs.service.externalName ? [] : rs.service.ports;
    this.ports = ports
      .map((p) => ({
        port: p.port,
        protocol: portProtocol(p),
        sniffed: isUndeclared(p),
        cluster: clusterName(p.port, rs.fqdn),
        route: routeName(rs.fqdn, p.port),
      }))
      .filter((p) => isStreamTransport(p.protocol));
    this.#clusterPolicy = clusterPolicyFields(rs.service.policy);
    this.#routeAction = routeActionFields(rs.service.policy);
  }

  /** CDS: EDS clusters, or LOGICAL_DNS ones to the external name. */
  clusters(): readonly XdsResource[] {
    const externalName = this.rs.service.externalName ?? '';
    const policy = this.#clusterPolicy;
    this.#clusters ??= this.ports.map((p) =>
      this.external ? logicalDnsCluster(p.cluster, externalName, p.port, p.protocol, policy) : edsCluster(p.cluster, p.protocol, policy),
    );
    return this.#clusters;
  }

  /** The HTTP connection manager of port `i`, shared by its sidecar listener and all its API listeners. */
  private hcm(i: number): PackedAny {
    const p = this.ports[i]!;
    return (this.#hcms[i] ??= httpConnectionManager(p.route, `outbound_${this.rs.fqdn}_${p.port}`));
  }

  /** RDS of port `i`. */
  route(i: number): XdsResource {
    const { service, fqdn, clusterIP } = this.rs;
    const { port, route, cluster } = this.ports[i]!;
    const { name, namespace } = service.meta;
    const action = this.#routeAction;
    return (this.#routes[i] ??= routeConfiguration({ name, namespace, fqdn, clusterIP, port, routeName: route, cluster, action }));
  }

  /** RDS for every port: proxyless clients route every port through an HTTP connection manager. */
  routes(): XdsResource[] {
    return this.ports.map((_, i) => this.route(i));
  }

  /** The sidecar's `<ip>_<port>` listeners: only services with a ClusterIP (not headless, not ExternalName). */
  sidecarListeners(): readonly XdsResource[] {
    if (!this.#sidecarListeners) {
      const ip = this.external || this.rs.headless ? undefined : this.rs.clusterIP;
      this.#sidecarListeners =
        ip === undefined ? [] : this.ports.map((p, i) => outboundServiceListener(ip, p.port, this.outboundTarget(i)));
    }
    return this.#sidecarListeners;
  }

  private outboundTarget(i: number): OutboundTarget {
    const p = this.ports[i]!;
    if (isHttp(p.protocol)) return { kind: 'http', hcm: this.hcm(i) };
    return p.sniffed ? { kind: 'sniffed', hcm: this.hcm(i), cluster: p.cluster } : { kind: 'tcp', cluster: p.cluster };
  }

  /** The route configurations the sidecar listeners name: those of HTTP ports and of sniffed ones. */
  sidecarRoutes(): readonly XdsResource[] {
    if (!this.#sidecarRoutes) {
      const listened = this.sidecarListeners().length > 0;
      const http = this.ports.flatMap((p, i) => (isHttp(p.protocol) || p.sniffed ? [i] : []));
      this.#sidecarRoutes = listened ? http.map((i) => this.route(i)) : [];
    }
    return this.#sidecarRoutes;
  }

  /**
   * Proxyless API listeners: `long` are `svc.ns:port`, `svc.ns.svc:port` and `<fqdn>:port`, for clients in
   * any namespace; `short` is `svc:port`, only for clients in the service's own namespace.
   */
  apiListeners(): ApiListeners {
    if (!this.#apiListeners) {
      const { service, fqdn } = this.rs;
      const [shortHost, ...longHosts] = serviceHostnames(service.meta.name, service.meta.namespace, fqdn);
      const long: XdsResource[] = [];
      const short: XdsResource[] = [];
      this.ports.forEach((p, i) => {
        short.push(apiListener(`${shortHost!}:${p.port}`, this.hcm(i)));
        for (const name of withPort(longHosts, p.port)) long.push(apiListener(name, this.hcm(i)));
      });
      this.#apiListeners = { long, short };
    }
    return this.#apiListeners;
  }

  /** The NameTable entry of a non-headless service (headless entries depend on endpoints: see nameEntryOf). */
  nameEntry(): Record<string, unknown> {
    this.#nameEntry ??= nameService({ ...this.rs, ports: [] });
    return this.#nameEntry;
  }
}

const byService = new WeakMap<Service, ServiceResources>();

export function serviceResources(rs: ResolvedService): ServiceResources {
  const cached = byService.get(rs.service);
  if (cached && cached.rs.fqdn === rs.fqdn && cached.rs.clusterIP === rs.clusterIP && cached.rs.headless === rs.headless) {
    return cached;
  }
  // Copy the fields: the entry must not keep the ResolvedService (and its endpoints) alive.
  const fresh = new ServiceResources({ service: rs.service, fqdn: rs.fqdn, clusterIP: rs.clusterIP, headless: rs.headless });
  byService.set(rs.service, fresh);
  return fresh;
}

interface CachedAssignment {
  readonly fqdn: string;
  readonly publishNotReady: boolean;
  readonly resource: XdsResource;
}

const byPort = new WeakMap<ResolvedPort, CachedAssignment>();

/** EDS: one assignment per EDS cluster of the service, memoised per ResolvedPort. */
export function loadAssignments(rs: ResolvedService): XdsResource[] {
  if (rs.service.type === 'ExternalName') return [];
  const publishNotReady = rs.service.publishNotReadyAddresses;
  const out: XdsResource[] = [];
  for (const rp of rs.ports) {
    // The same test as portProtocol + isStreamTransport, without building the port's protocol again.
    if (rp.port.protocol !== 'TCP') continue;
    const cached = byPort.get(rp);
    if (cached && cached.fqdn === rs.fqdn && cached.publishNotReady === publishNotReady) {
      out.push(cached.resource);
      continue;
    }
    const resource = loadAssignment(clusterName(rp.port.port, rs.fqdn), rp.endpoints, publishNotReady);
    byPort.set(rp, { fqdn: rs.fqdn, publishNotReady, resource });
    out.push(resource);
  }
  return out;
}

const headlessEntries = new WeakMap<ResolvedService, Record<string, unknown>>();

/** The NameTable entry of any service. */
export function nameEntryOf(rs: ResolvedService): Record<string, unknown> {
  if (!rs.headless || rs.service.type === 'ExternalName') return serviceResources(rs).nameEntry();
  let entry = headlessEntries.get(rs);
  if (!entry) {
    entry = nameService(rs);
    headlessEntries.set(rs, entry);
  }
  return entry;
}
