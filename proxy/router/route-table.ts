// The sidecar's HTTP router: one RDS RouteConfiguration compiled once per update into an immutable table, so a
// request costs a domain lookup and a walk over its virtual host's routes, with nothing built per request: the
// match result is the compiled route itself. Routes are tried in order and the first whose path and headers all
// match wins (envoy docs, config/route/v3/route_components.proto VirtualHost.routes). No match (no virtual host,
// or no route in it) is `undefined`: the caller answers 404 with Envoy's response flag NR.
import type { ProxyRoute, ProxyRouteConfig, ProxyVirtualHost, RetryPolicy } from '../xds/types.js';
import { DomainIndex } from './domains.js';
import { HeaderMatcher, PathMatcher } from './matchers.js';
import type { RouteRequest } from './request.js';
import { WeightedClusterPicker } from './weighted.js';

export interface RouteMatch {
  readonly virtualHost: ProxyVirtualHost;
  readonly route: ProxyRoute;
  /**
   * The route's retry policy, else the virtual host's: a route-level policy replaces the virtual host's whole
   * (VirtualHost.retry_policy: "settings from the route level take precedence"), the two are not merged.
   */
  readonly retryPolicy: RetryPolicy | undefined;
  /** The upstream cluster: the action's one cluster, or the weighted pick for `random` in [0, 1). */
  cluster(random: number): string;
}

export interface RouteTable {
  /** The RouteConfiguration's name. */
  readonly name: string;
  /** The configuration it was compiled from (decoded resources are shared, so identity means unchanged). */
  readonly source: ProxyRouteConfig;
  match(request: RouteRequest): RouteMatch | undefined;
}

class CompiledRoute implements RouteMatch {
  readonly retryPolicy: RetryPolicy | undefined;
  private readonly path: PathMatcher;
  private readonly headers: readonly HeaderMatcher[];
  private readonly single: string;
  private readonly weighted: WeightedClusterPicker | undefined;

  constructor(
    readonly virtualHost: ProxyVirtualHost,
    readonly route: ProxyRoute,
  ) {
    this.retryPolicy = route.retryPolicy ?? virtualHost.retryPolicy;
    this.path = new PathMatcher(route.path);
    this.headers = route.headers.map((h) => new HeaderMatcher(h));
    const action = route.action;
    this.single = action.kind === 'cluster' ? action.cluster : '';
    this.weighted = action.kind === 'weighted' ? new WeightedClusterPicker(action.clusters) : undefined;
  }

  /** Every condition of RouteMatch must hold: the path, then each header matcher. */
  matches(request: RouteRequest): boolean {
    if (!this.path.matches(request.path)) return false;
    for (const h of this.headers) {
      if (!h.matches(request)) return false;
    }
    return true;
  }

  cluster(random: number): string {
    return this.weighted === undefined ? this.single : this.weighted.pick(random);
  }
}

class CompiledRouteTable implements RouteTable {
  private readonly hosts: DomainIndex<readonly CompiledRoute[]>;

  readonly name: string;

  constructor(readonly source: ProxyRouteConfig) {
    this.name = source.name;
    const virtualHosts = source.virtualHosts;
    this.hosts = new DomainIndex(
      virtualHosts.map((vh) => ({ domains: vh.domains, value: vh.routes.map((r) => new CompiledRoute(vh, r)) })),
    );
  }

  match(request: RouteRequest): RouteMatch | undefined {
    const routes = this.hosts.find(request.authority);
    if (routes === undefined) return undefined;
    for (const r of routes) {
      if (r.matches(request)) return r;
    }
    return undefined;
  }
}

/** Compiles one RouteConfiguration; call once per RDS update and swap the table whole. */
export function compileRouteTable(config: ProxyRouteConfig): RouteTable {
  return new CompiledRouteTable(config);
}
