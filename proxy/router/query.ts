// RouteMatch.query_parameters (envoy docs, config/route/v3/route_components.proto QueryParameterMatcher). The
// query string is split as Envoy's Http::Utility::QueryParamsMulti::parseQueryString splits it: after the first
// `?`, parameters at `&`, each name from its value at the first `=` (a parameter without `=` has the value ""),
// and NOTHING is percent-decoded — Envoy's route matcher uses parseQueryString, not parseAndDecodeQueryString,
// so `q=a%20b` has the value `a%20b` and a matcher must be written against the encoded form. A parameter given
// twice is matched on its first value (Envoy's getFirstValue). The fragment, which Envoy strips from :path
// before routing, is not part of the query string.
//
// Parsing costs a Map per request, so the route table parses at most once per request and only when a route
// of the chosen virtual host has query parameter matchers (QueryParams.of is called lazily).
import type { QueryParameterMatch } from '../xds/types.js';
import { HeaderMatcher } from './matchers.js';
import { pathEnd } from './request.js';

/** First value of each parameter of a request's query string. */
export type QueryParams = ReadonlyMap<string, string>;

const NO_PARAMS: QueryParams = new Map();

export function parseQuery(path: string): QueryParams {
  const q = pathEnd(path);
  if (path.charCodeAt(q) !== 0x3f /* ? */) return NO_PARAMS; // none, or a `?` inside the fragment
  let end = path.indexOf('#', q + 1);
  if (end < 0) end = path.length;
  const params = new Map<string, string>();
  let start = q + 1;
  while (start < end) {
    let amp = path.indexOf('&', start);
    if (amp < 0 || amp > end) amp = end;
    const eq = path.indexOf('=', start);
    const name = eq >= 0 && eq < amp ? path.slice(start, eq) : path.slice(start, amp);
    if (!params.has(name)) params.set(name, eq >= 0 && eq < amp ? path.slice(eq + 1, amp) : '');
    start = amp + 1;
  }
  return params;
}

/** One compiled QueryParameterMatcher: the value checks are the header matcher's (the same StringMatcher). */
export class QueryParameterMatcher {
  private readonly name: string;
  private readonly value: HeaderMatcher;

  constructor(q: QueryParameterMatch) {
    this.name = q.name;
    // The name the value is filed under in the one-entry request below: any name that is not a pseudo-header.
    this.value = new HeaderMatcher({ name: 'v', match: q.match, invert: false });
  }

  matches(params: QueryParams): boolean {
    const v = params.get(this.name);
    if (v === undefined) return false;
    return this.value.matchesValueOf(v);
  }
}
