// The sidecar's HTTP router: one RDS RouteConfiguration compiled once per update into an immutable table, so a
// request costs a domain lookup and a walk over its virtual host's routes, with nothing built per request: the
// match result is the compiled route itself. Routes are tried in order and the first whose path and headers all
// match wins (envoy docs, config/route/v3/route_components.proto VirtualHost.routes). No match (no virtual host,
// or no route in it) is `undefined`: the caller answers 404 with Envoy's response flag NR. The query string is
// parsed at most once per request, and only when a route of the virtual host has query parameter matchers.
import type { HeaderMutation, ProxyRoute, ProxyRouteConfig, ProxyVirtualHost, RetryPolicy } from '../xds/types.js';
import { DomainIndex } from './domains.js';
import { localAnswerOf, type LocalAnswer } from './local-answer.js';
import { HeaderMatcher, PathMatcher } from './matchers.js';
import { parseQuery, QueryParameterMatcher, type QueryParams } from './query.js';
import type { RouteRequest } from './request.js';
import { WeightedClusterPicker } from './weighted.js';

const NO_MUTATIONS: readonly HeaderMutation[] = [];

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
  /** For redirect and direct_response routes: the answer the proxy gives itself, with no upstream. */
  readonly localAnswer: LocalAnswer | undefined;
  /**
   * The request header mutations for the picked `cluster`, levels in the order they apply (header-mutation.ts);
   * empty (and shared) when no level has any.
   */
  requestHeaderMutations(cluster: string): readonly HeaderMutation[];
}

export interface RouteTable {
  /** The RouteConfiguration's name. */
  readonly name: string;
  /** The configuration it was compiled from (decoded resources are shared, so identity means unchanged). */
  readonly source: ProxyRouteConfig;
  match(request: RouteRequest): RouteMatch | undefined;
}

/** The levels' mutations in the order they apply: most specific first, or last with most_specific_header_mutations_wins. */
function ordered(levels: readonly (HeaderMutation | undefined)[], mostSpecificWins: boolean): readonly HeaderMutation[] {
  const present = levels.filter((m): m is HeaderMutation => m !== undefined);
  if (present.length === 0) return NO_MUTATIONS;
  return mostSpecificWins ? present.reverse() : present;
}

class CompiledRoute implements RouteMatch {
  readonly retryPolicy: RetryPolicy | undefined;
  readonly localAnswer: LocalAnswer | undefined;
  /** Whether matching needs the request's query parameters. */
  readonly needsQuery: boolean;
  private readonly path: PathMatcher;
  private readonly headers: readonly HeaderMatcher[];
  private readonly query: readonly QueryParameterMatcher[];
  private readonly single: string;
  private readonly weighted: WeightedClusterPicker | undefined;
  private readonly mutations: readonly HeaderMutation[];
  /** Weighted clusters with their own request headers: the whole ordered list per cluster name. */
  private readonly clusterMutations: ReadonlyMap<string, readonly HeaderMutation[]> | undefined;

  constructor(
    readonly virtualHost: ProxyVirtualHost,
    readonly route: ProxyRoute,
    config: ProxyRouteConfig,
  ) {
    this.retryPolicy = route.retryPolicy ?? virtualHost.retryPolicy;
    this.path = new PathMatcher(route.path);
    this.headers = route.headers.map((h) => new HeaderMatcher(h));
    this.query = (route.queryParameters ?? []).map((q) => new QueryParameterMatcher(q));
    this.needsQuery = this.query.length > 0;
    const action = route.action;
    this.single = action.kind === 'cluster' ? action.cluster : '';
    this.weighted = action.kind === 'weighted' ? new WeightedClusterPicker(action.clusters) : undefined;
    this.localAnswer = localAnswerOf(route);
    const wins = config.mostSpecificHeaderMutationsWins === true;
    const shared = [route.requestHeaders, virtualHost.requestHeaders, config.requestHeaders];
    this.mutations = ordered(shared, wins);
    let perCluster: Map<string, readonly HeaderMutation[]> | undefined;
    if (action.kind === 'weighted') {
      for (const c of action.clusters) {
        if (c.requestHeaders === undefined || perCluster?.has(c.name) === true) continue;
        (perCluster ??= new Map()).set(c.name, ordered([c.requestHeaders, ...shared], wins));
      }
    }
    this.clusterMutations = perCluster;
  }

  /**
   * Every condition of RouteMatch must hold: the path, each header matcher, then each query parameter matcher
   * (`query` is the request's parameters, parsed by the caller when `needsQuery`).
   */
  matches(request: RouteRequest, query: QueryParams | undefined): boolean {
    if (!this.path.matches(request.path)) return false;
    for (const h of this.headers) {
      if (!h.matches(request)) return false;
    }
    if (query !== undefined) {
      for (const q of this.query) {
        if (!q.matches(query)) return false;
      }
    }
    return true;
  }

  cluster(random: number): string {
    return this.weighted === undefined ? this.single : this.weighted.pick(random);
  }

  requestHeaderMutations(cluster: string): readonly HeaderMutation[] {
    return this.clusterMutations?.get(cluster) ?? this.mutations;
  }
}

class CompiledRouteTable implements RouteTable {
  private readonly hosts: DomainIndex<readonly CompiledRoute[]>;

  readonly name: string;

  constructor(readonly source: ProxyRouteConfig) {
    this.name = source.name;
    const virtualHosts = source.virtualHosts;
    this.hosts = new DomainIndex(
      virtualHosts.map((vh) => ({ domains: vh.domains, value: vh.routes.map((r) => new CompiledRoute(vh, r, source)) })),
    );
  }

  match(request: RouteRequest): RouteMatch | undefined {
    const routes = this.hosts.find(request.authority);
    if (routes === undefined) return undefined;
    let query: QueryParams | undefined;
    for (const r of routes) {
      if (r.needsQuery) query ??= parseQuery(request.path);
      if (r.matches(request, r.needsQuery ? query : undefined)) return r;
    }
    return undefined;
  }
}

/** Compiles one RouteConfiguration; call once per RDS update and swap the table whole. */
export function compileRouteTable(config: ProxyRouteConfig): RouteTable {
  return new CompiledRouteTable(config);
}
