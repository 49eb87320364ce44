// The order of Gateway API HTTPRoute matches in a virtual host. Envoy takes the first route that matches
// (VirtualHost.routes), so routes are emitted sorted by compareHttpRouteMatches. The Gateway API spec
// (HTTPRouteRule, "Precedence"; https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule):
//
//   "Across all rules specified on applicable Routes, precedence must be given to the match having:
//    * "Exact" path match.
//    * "Prefix" path match with largest number of characters.
//    * Method match.
//    * Largest number of header matches.
//    * Largest number of query param matches.
//    Note: The precedence of RegularExpression path matches are implementation-specific.
//    If ties still exist across multiple Routes, matching precedence MUST be determined in order of the following
//    criteria, continuing on ties:
//    * The oldest Route based on creation timestamp.
//    * The Route appearing first in alphabetical order by "{namespace}/{name}".
//    If ties still exist within an HTTPRoute, matching precedence MUST be granted to the FIRST matching rule (in
//    list order) with a match meeting the above criteria."
//
// meshlet's choice for RegularExpression (as Envoy Gateway): after Exact and before every PathPrefix, longer
// patterns first — after the prefixes, `PathPrefix /` (the default match) would shadow every regex. Within one
// rule, matches keep their list order.
import type { HTTPRouteMatch, ObjectMeta } from '../model/types.js';

/** One match of one rule of one route, with what ranks it. */
export interface RankedMatch {
  readonly match: HTTPRouteMatch;
  readonly route: Pick<ObjectMeta, 'namespace' | 'name' | 'creationTimestamp'>;
  readonly ruleIndex: number;
  readonly matchIndex: number;
}

const PATH_KIND_RANK = { Exact: 0, RegularExpression: 1, PathPrefix: 2 } as const;

/** The length a PathPrefix value matches with (a trailing `/` is ignored: `/foo/` is `/foo`). */
function prefixLength(value: string): number {
  let end = value.length;
  while (end > 1 && value.endsWith('/')) end--;
  return end;
}

function pathLength(m: HTTPRouteMatch): number {
  return m.path.type === 'PathPrefix' ? prefixLength(m.path.value) : m.path.value.length;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** For Array.prototype.sort: the match Envoy must try first sorts first. */
export function compareHttpRouteMatches(a: RankedMatch, b: RankedMatch): number {
  const am = a.match;
  const bm = b.match;
  const byKind = PATH_KIND_RANK[am.path.type] - PATH_KIND_RANK[bm.path.type];
  if (byKind !== 0) return byKind;
  if (am.path.type !== 'Exact') {
    const byLength = pathLength(bm) - pathLength(am);
    if (byLength !== 0) return byLength;
  }
  const byMethod = (bm.method !== undefined ? 1 : 0) - (am.method !== undefined ? 1 : 0);
  if (byMethod !== 0) return byMethod;
  const byHeaders = bm.headers.length - am.headers.length;
  if (byHeaders !== 0) return byHeaders;
  const byQuery = bm.queryParams.length - am.queryParams.length;
  if (byQuery !== 0) return byQuery;
  // Timestamps are RFC 3339 in one format and compare as text; an object without one (a manifest file) first.
  const byAge = compareText(a.route.creationTimestamp, b.route.creationTimestamp);
  if (byAge !== 0) return byAge;
  const byName = compareText(`${a.route.namespace}/${a.route.name}`, `${b.route.namespace}/${b.route.name}`);
  if (byName !== 0) return byName;
  return a.ruleIndex - b.ruleIndex || a.matchIndex - b.matchIndex;
}
