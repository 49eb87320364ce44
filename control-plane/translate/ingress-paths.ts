// Ingress HTTP paths → envoy.config.route.v3.RouteMatch, and the order their routes must be emitted in.
// Semantics: the Kubernetes Ingress documentation, "Path types" and "Multiple matches"
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types):
//
// - Exact: "Matches the URL path exactly and with case sensitivity" → RouteMatch.path.
// - Prefix: "Matches based on a URL path prefix split by /. Matching is case sensitive and done on a path element
//   by element basis", and "a trailing / is ignored" (`/foo/` and `/foo` are the same Prefix path). That is
//   exactly Envoy's RouteMatch.path_separated_prefix — "the :path ... must either exactly match the
//   path_separated_prefix or have it as a prefix, followed by /" — of the path without its trailing `/`;
//   `/` itself (every path) is `prefix: '/'`, since path_separated_prefix may not end in `/`.
// - ImplementationSpecific: meshlet's choice, GCE-style: a path ending in `/*` is a Prefix path of what precedes
//   the `*` (`/foo/*` → path_separated_prefix `/foo`; `/*` → every path). Unlike GCE's URL maps, whose `/foo/*`
//   does not match `/foo` itself, `/foo` matches too, so that `/foo/*` and Prefix `/foo` mean the same. Any other
//   ImplementationSpecific path is read as Prefix; an absent one (v1beta1 allows it) means every path.
//
// A path holding `?` or `#` can match no request (routers match the path without query string and fragment,
// and path_separated_prefix forbids both): it yields no match, and its route is left out.
//
// "Multiple matches": "precedence will be given first to the longest matching path. If two paths are still
// equally matched, precedence will be given to paths with an exact path type over prefix path type." Envoy
// takes the first route that matches (VirtualHost.routes), so routes are emitted sorted by compareIngressPaths.
// Length is that of the matched value (a Prefix path without its trailing `/`): Prefix `/foo/` is as long as
// Exact `/foo`, which therefore wins for `/foo`.
import type { IngressPath } from '../model/types.js';

/** The RouteMatch path specifiers an Ingress path becomes (the plain-object shape of route.ts). */
export type IngressRouteMatch =
  | { readonly path: string }
  | { readonly prefix: string }
  | { readonly path_separated_prefix: string };

/** What of an Ingress path decides its match. */
export type IngressPathSpec = Pick<IngressPath, 'path' | 'pathType'>;

const MATCH_ALL: IngressRouteMatch = Object.freeze({ prefix: '/' });

/** A Prefix path, element-wise: without its trailing `/`s; every path when nothing is left. */
function elementPrefix(path: string): IngressRouteMatch {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f /* / */) end--;
  return end === 0 ? MATCH_ALL : { path_separated_prefix: path.slice(0, end) };
}

/** The RouteMatch of one Ingress path, or undefined when the path can match no request (`?` or `#` in it). */
export function ingressRouteMatch(p: IngressPathSpec): IngressRouteMatch | undefined {
  const path = p.path;
  if (path.includes('?') || path.includes('#')) return undefined;
  switch (p.pathType) {
    case 'Exact':
      return { path };
    case 'Prefix':
      return elementPrefix(path);
    case 'ImplementationSpecific':
      return elementPrefix(path.endsWith('/*') ? path.slice(0, -1) : path);
  }
}

/** [length of the matched value, 0 for an exact match and 1 for a prefix]; unmatchable paths sort last. */
function rank(p: IngressPathSpec): [number, number, string] {
  const m = ingressRouteMatch(p);
  if (m === undefined) return [-1, 1, p.path];
  if ('path' in m) return [m.path.length, 0, m.path];
  if ('prefix' in m) return [m.prefix.length, 1, m.prefix];
  return [m.path_separated_prefix.length, 1, m.path_separated_prefix];
}

/**
 * Orders paths by the Ingress precedence, for Array.prototype.sort: the longest matched value first, Exact before
 * Prefix on equal length, then by value so that the order does not depend on the order of the manifests.
 */
export function compareIngressPaths(a: IngressPathSpec, b: IngressPathSpec): number {
  const [aLen, aKind, aValue] = rank(a);
  const [bLen, bKind, bValue] = rank(b);
  if (aLen !== bLen) return bLen - aLen;
  if (aKind !== bKind) return aKind - bKind;
  return aValue < bValue ? -1 : aValue > bValue ? 1 : 0;
}
