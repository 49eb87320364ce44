// request_headers_to_remove / request_headers_to_add applied to the headers sent upstream (envoy docs,
// configuration/http/http_conn_man/headers "Custom request/response headers", and core.v3.HeaderValueOption).
// Per level, as Envoy's HeaderParser::evaluateHeaders: the removals first, then the additions in order, where
// overwriting entries are set after every append of that level. Levels are applied from the most specific
// (weighted cluster, route, virtual host, route configuration) to the least, unless the RouteConfiguration sets
// most_specific_header_mutations_wins, which reverses the order so that the most specific level writes last.
// The order of the levels is fixed at compile time (route-table.ts); this runs only for routes that have any.
import type { HeaderMutation } from '../xds/types.js';

export type UpstreamHeaders = Record<string, string | string[]>;

export function applyHeaderMutations(headers: UpstreamHeaders, mutations: readonly HeaderMutation[]): void {
  for (const m of mutations) {
    for (const name of m.remove) delete headers[name];
    let overwrite: HeaderMutation['add'][number][] | undefined;
    for (const h of m.add) {
      // An empty value is added only with keep_empty_value (HeaderValueOption.keep_empty_value).
      if (h.value === '' && !h.keepEmptyValue) continue;
      const existing = headers[h.name];
      switch (h.action) {
        case 'APPEND_IF_EXISTS_OR_ADD':
          // Another field line of the same name, as Envoy's addReferenceKey (Node sends an array as several lines).
          headers[h.name] = existing === undefined ? h.value : typeof existing === 'string' ? [existing, h.value] : [...existing, h.value];
          break;
        case 'ADD_IF_ABSENT':
          if (existing === undefined) headers[h.name] = h.value;
          break;
        case 'OVERWRITE_IF_EXISTS':
          if (existing !== undefined) (overwrite ??= []).push(h);
          break;
        case 'OVERWRITE_IF_EXISTS_OR_ADD':
          (overwrite ??= []).push(h);
          break;
      }
    }
    if (overwrite !== undefined) for (const h of overwrite) headers[h.name] = h.value;
  }
}
