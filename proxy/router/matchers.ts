// A route's match conditions compiled once per RDS update: case folding and regex anchoring done up front, so a
// per-request check is a switch over plain fields with no allocation (only a regex on a path with a query
// string needs a slice). Semantics: envoy docs, config/route/v3/route_components.proto RouteMatch and
// HeaderMatcher, and Envoy's HeaderUtility::matchHeaders.
import type { HeaderMatch, PathMatch } from '../xds/types.js';
import { asciiLower, containsIgnoreCase, equalsAtIgnoreCase, fullMatch } from './ascii.js';
import { headerValue, pathEnd, type RouteRequest } from './request.js';

const SLASH = 0x2f;

export class PathMatcher {
  private readonly kind: PathMatch['kind'];
  /** prefix / path / path_separated_prefix: the value, lower-cased when matching ignores case. */
  private readonly value: string;
  private readonly caseSensitive: boolean;
  private readonly regex: RegExp | undefined;

  constructor(match: PathMatch) {
    this.kind = match.kind;
    if (match.kind === 'safe_regex') {
      // case_sensitive does not apply to safe_regex (RouteMatch.case_sensitive).
      this.value = '';
      this.caseSensitive = true;
      this.regex = fullMatch(match.regex);
    } else {
      this.caseSensitive = match.caseSensitive;
      this.value = match.caseSensitive ? match.value : asciiLower(match.value);
      this.regex = undefined;
    }
  }

  /** Matches the path without its query string and fragment, as Envoy does. */
  matches(path: string): boolean {
    const end = pathEnd(path);
    const v = this.value;
    switch (this.kind) {
      case 'prefix':
        return v.length <= end && (this.caseSensitive ? path.startsWith(v) : equalsAtIgnoreCase(path, 0, v));
      case 'path':
        return v.length === end && (this.caseSensitive ? path.startsWith(v) : equalsAtIgnoreCase(path, 0, v));
      case 'path_separated_prefix':
        // The value itself, or the value followed by `/`: `/api` matches `/api`, `/api/`, `/api/v1`, not
        // `/apix` (RouteMatch.path_separated_prefix; Envoy's PathSeparatedPrefixRouteEntryImpl::matches, which
        // honours case_sensitive like prefix does).
        return (
          v.length <= end &&
          (v.length === end || path.charCodeAt(v.length) === SLASH) &&
          (this.caseSensitive ? path.startsWith(v) : equalsAtIgnoreCase(path, 0, v))
        );
      case 'safe_regex':
        return (this.regex as RegExp).test(end === path.length ? path : path.slice(0, end));
    }
  }
}

export class HeaderMatcher {
  private readonly name: string;
  private readonly kind: HeaderMatch['match']['kind'];
  /** exact / prefix / suffix / contains: the value, lower-cased when matching ignores case. */
  private readonly value: string;
  private readonly ignoreCase: boolean;
  private readonly regex: RegExp | undefined;
  private readonly present: boolean;
  private readonly invert: boolean;

  constructor(header: HeaderMatch) {
    const m = header.match;
    this.name = header.name;
    this.kind = m.kind;
    this.invert = header.invert;
    this.ignoreCase = m.kind !== 'safe_regex' && m.kind !== 'present' && m.ignoreCase;
    this.value = m.kind === 'safe_regex' || m.kind === 'present' ? '' : this.ignoreCase ? asciiLower(m.value) : m.value;
    this.regex = m.kind === 'safe_regex' ? fullMatch(m.regex) : undefined;
    this.present = m.kind === 'present' && m.present;
  }

  /**
   * As Envoy's HeaderUtility::matchHeaders: an absent header matches only `present_match: false`, or, inverted,
   * `present_match: true`; an inverted value matcher does NOT match an absent header (Envoy's
   * treat_missing_header_as_empty, which would change that, is not supported).
   */
  matches(request: RouteRequest): boolean {
    const value = headerValue(request, this.name);
    if (value === undefined) return this.kind === 'present' && this.present === this.invert;
    return this.matchesValue(value) !== this.invert;
  }

  /** The value check alone (a present value): what a QueryParameterMatcher asks of a parameter's value. */
  matchesValueOf(value: string): boolean {
    return this.matchesValue(value);
  }

  private matchesValue(value: string): boolean {
    const v = this.value;
    switch (this.kind) {
      case 'present':
        return this.present;
      case 'safe_regex':
        return (this.regex as RegExp).test(value);
      case 'exact':
        return value.length === v.length && (this.ignoreCase ? equalsAtIgnoreCase(value, 0, v) : value === v);
      case 'prefix':
        return this.ignoreCase ? equalsAtIgnoreCase(value, 0, v) : value.startsWith(v);
      case 'suffix':
        return this.ignoreCase ? equalsAtIgnoreCase(value, value.length - v.length, v) : value.endsWith(v);
      case 'contains':
        return this.ignoreCase ? containsIgnoreCase(value, v) : value.includes(v);
    }
  }
}
