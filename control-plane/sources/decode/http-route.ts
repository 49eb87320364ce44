// gateway.networking.k8s.io v1 and v1beta1 HTTPRoute (https://gateway-api.sigs.k8s.io/reference/spec/#httproute):
// parents, hostnames and rules of matches, filters and Service backends, with the API's defaults applied so
// that translation never has to know them. meshlet supports the RequestHeaderModifier and RequestRedirect
// filters (redirect paths by ReplaceFullPath); anything else is an error naming the field.
import type {
  HTTPBackendRef,
  HTTPHeader,
  HTTPPathMatch,
  HTTPRoute,
  HTTPRouteFilter,
  HTTPRouteMatch,
  HTTPRouteRule,
  HTTPValueMatch,
  ParentRef,
} from '../../model/types.js';
import { PORT_RANGE, type Field } from './field.js';
import { decodeMeta, type Decoder } from './context.js';
import { checkRefKind, gatewayHostname, refNamespace } from './gateway.js';
import { dns1035Label, dns1123Subdomain } from './validate.js';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** HTTPMethod (Gateway API): the RFC 9110 methods plus PATCH (RFC 5789). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
/** HTTPHeaderName: an RFC 9110 token. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const SUPPORTED_FILTERS = ['RequestHeaderModifier', 'RequestRedirect'];
const WEIGHT = { min: 0, max: 1_000_000 };
/** "If no matches are specified, the default is a prefix path match on "/"" (HTTPRouteRule.matches). */
const DEFAULT_PATH: HTTPPathMatch = { type: 'PathPrefix', value: '/' };

export const decodeHTTPRoute: Decoder<HTTPRoute> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const spec = root.at('spec');
  spec.record();
  return {
    kind: 'HTTPRoute',
    meta,
    parentRefs: spec.at('parentRefs').list().flatMap((p) => decodeParentRef(p, meta.namespace) ?? []),
    hostnames: spec.at('hostnames').list().flatMap((h) => gatewayHostname(h) ?? []),
    rules: spec.at('rules').list().flatMap((r) => decodeRule(r, meta.namespace) ?? []),
  };
};

/** A parent is a Gateway (the default group and kind); mesh parents (a Service, GAMMA) are not read. */
function decodeParentRef(p: Field, namespace: string): ParentRef | undefined {
  if (p.record() === undefined) return undefined;
  checkRefKind(p, GATEWAY_GROUP, 'Gateway');
  const nameField = p.at('name');
  const name = nameField.required() ? nameField.checkedStr(dns1123Subdomain) : undefined;
  const sectionName = p.at('sectionName').checkedStr(dns1123Subdomain);
  const port = p.at('port').int(PORT_RANGE);
  if (name === undefined) return undefined;
  return {
    namespace: refNamespace(p.at('namespace'), namespace),
    name,
    ...(sectionName !== undefined && { sectionName }),
    ...(port !== undefined && { port }),
  };
}

function decodeRule(r: Field, namespace: string): HTTPRouteRule | undefined {
  if (r.record() === undefined) return undefined;
  const matchesField = r.at('matches');
  // `matches: []` is read like an absent list, as implementations do (Envoy Gateway, Istio): the rule matches all.
  const listed = matchesField.list();
  const matches = listed.length === 0 ? [defaultMatch()] : listed.flatMap((m) => decodeMatch(m) ?? []);
  return {
    matches,
    filters: r.at('filters').list().flatMap((f) => decodeFilter(f) ?? []),
    backendRefs: r.at('backendRefs').list().flatMap((b) => decodeBackendRef(b, namespace) ?? []),
  };
}

function defaultMatch(): HTTPRouteMatch {
  return { path: DEFAULT_PATH, headers: [], queryParams: [] };
}

function decodeMatch(m: Field): HTTPRouteMatch | undefined {
  if (m.record() === undefined) return undefined;
  const path = decodePath(m.at('path'));
  const methodField = m.at('method');
  const method = methodField.str()?.toUpperCase();
  if (method !== undefined && !(METHODS as readonly string[]).includes(method)) {
    methodField.fail(`must be one of ${METHODS.join(', ')}, got "${String(methodField.value)}"`);
  }
  return {
    path,
    headers: valueMatches(m.at('headers'), (name) => name.toLowerCase()),
    queryParams: valueMatches(m.at('queryParams'), (name) => name),
    ...(method !== undefined && (METHODS as readonly string[]).includes(method) && { method }),
  };
}

/** HTTPPathMatch: type default PathPrefix, value default "/"; Exact and PathPrefix values are absolute paths. */
function decodePath(p: Field): HTTPPathMatch {
  if (p.absent || p.record() === undefined) return DEFAULT_PATH;
  const type = p.at('type').oneOf(['Exact', 'PathPrefix', 'RegularExpression'] as const) ?? 'PathPrefix';
  const valueField = p.at('value');
  const value = valueField.str() ?? '/';
  if (type === 'RegularExpression') checkRegExp(valueField, value);
  else if (!value.startsWith('/')) valueField.fail(`must be an absolute path starting with '/', got "${value}"`);
  return { type, value };
}

/** RegularExpression matches are compiled as JavaScript RegExps (the dialect is implementation-specific). */
function checkRegExp(field: Field, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    // V8 says "Invalid regular expression: /<pattern>/<flags>: <reason>"; the reason is what helps.
    const message = (err as Error).message;
    field.fail(`not a valid regular expression (${message.slice(message.lastIndexOf(': ') + 2)}), got ${JSON.stringify(pattern)}`);
  }
}

/**
 * headers[] and queryParams[]: type Exact (default) or RegularExpression. "If multiple entries specify
 * equivalent header names, only the first entry with an equivalent name MUST be considered" (HTTPHeaderMatch;
 * the same for HTTPQueryParamMatch), so later duplicates are dropped.
 */
function valueMatches(list: Field, normalise: (name: string) => string): HTTPValueMatch[] {
  const seen = new Set<string>();
  return list.list().flatMap((v) => {
    if (v.record() === undefined) return [];
    const type = v.at('type').oneOf(['Exact', 'RegularExpression'] as const) ?? 'Exact';
    const nameField = v.at('name');
    const name = nameField.required() ? nameField.checkedStr(headerName) : undefined;
    const valueField = v.at('value');
    const value = valueField.required() ? valueField.str() : undefined;
    if (type === 'RegularExpression' && value !== undefined) checkRegExp(valueField, value);
    if (name === undefined || value === undefined || seen.has(normalise(name))) return [];
    seen.add(normalise(name));
    return [{ type, name: normalise(name), value }];
  });
}

function headerName(s: string): string | undefined {
  return HEADER_NAME.test(s) ? undefined : 'must be an HTTP header name (an RFC 9110 token)';
}

function decodeFilter(f: Field): HTTPRouteFilter | undefined {
  if (f.record() === undefined) return undefined;
  const typeField = f.at('type');
  const type = typeField.reqStr();
  if (type === 'RequestHeaderModifier') return decodeHeaderModifier(f.at('requestHeaderModifier'));
  if (type === 'RequestRedirect') return decodeRedirect(f.at('requestRedirect'));
  if (type !== undefined) typeField.fail(`${type} filters are not supported by meshlet (supported: ${SUPPORTED_FILTERS.join(', ')})`);
  return undefined;
}

/** HTTPHeaderFilter: set, add and remove; names are matched case-insensitively, so they are kept lower-case. */
function decodeHeaderModifier(m: Field): HTTPRouteFilter | undefined {
  if (!m.required() || m.record() === undefined) return undefined;
  const headers = (list: Field): HTTPHeader[] =>
    list.list().flatMap((h) => {
      if (h.record() === undefined) return [];
      const nameField = h.at('name');
      const name = nameField.required() ? nameField.checkedStr(headerName) : undefined;
      const valueField = h.at('value');
      const value = valueField.required() ? valueField.str() : undefined;
      return name === undefined || value === undefined ? [] : [{ name: name.toLowerCase(), value }];
    });
  const remove = m.at('remove').list().flatMap((r) => r.checkedStr(headerName)?.toLowerCase() ?? []);
  return { type: 'RequestHeaderModifier', set: headers(m.at('set')), add: headers(m.at('add')), remove };
}

/** HTTPRequestRedirectFilter; statusCode 301 or 302, default 302. */
function decodeRedirect(r: Field): HTTPRouteFilter | undefined {
  if (!r.required() || r.record() === undefined) return undefined;
  const scheme = r.at('scheme').oneOf(['http', 'https'] as const);
  const hostnameField = r.at('hostname');
  const hostname = gatewayHostname(hostnameField);
  if (hostname?.startsWith('*.')) hostnameField.fail(`must be a precise hostname, not a wildcard, got "${hostname}"`);
  const port = r.at('port').int(PORT_RANGE);
  const path = decodeRedirectPath(r.at('path'));
  const codeField = r.at('statusCode');
  const code = codeField.absent ? 302 : codeField.value;
  if (code !== 301 && code !== 302) codeField.fail(`must be 301 or 302, got ${JSON.stringify(code)}`);
  return {
    type: 'RequestRedirect',
    ...(scheme !== undefined && { scheme }),
    ...(hostname !== undefined && { hostname }),
    ...(port !== undefined && { port }),
    ...(path !== undefined && { path }),
    statusCode: code === 301 ? 301 : 302,
  };
}

/** HTTPPathModifier: ReplaceFullPath is read; ReplacePrefixMatch is an error (not supported by meshlet). */
function decodeRedirectPath(p: Field): string | undefined {
  if (p.absent || p.record() === undefined) return undefined;
  const typeField = p.at('type');
  const type = typeField.required() ? typeField.oneOf(['ReplaceFullPath', 'ReplacePrefixMatch'] as const) : undefined;
  if (type === 'ReplacePrefixMatch') return typeField.fail('ReplacePrefixMatch is not supported by meshlet; use ReplaceFullPath');
  if (type !== 'ReplaceFullPath') return undefined;
  const valueField = p.at('replaceFullPath');
  const value = valueField.required() ? valueField.str() : undefined;
  if (value !== undefined && !value.startsWith('/')) return valueField.fail(`must be an absolute path starting with '/', got "${value}"`);
  return value;
}

/** HTTPBackendRef to a Service (group '' and kind Service are the defaults); port is required for Services. */
function decodeBackendRef(b: Field, namespace: string): HTTPBackendRef | undefined {
  if (b.record() === undefined) return undefined;
  checkRefKind(b, '', 'Service');
  const nameField = b.at('name');
  const name = nameField.required() ? nameField.checkedStr(dns1035Label) : undefined;
  const portField = b.at('port');
  const port = portField.required() ? portField.int(PORT_RANGE) : undefined;
  const weight = b.at('weight').int(WEIGHT) ?? 1;
  if (b.at('filters').list().length > 0) b.at('filters').fail('per-backend filters are not supported by meshlet; use the rule filters');
  if (name === undefined || port === undefined) return undefined;
  return { namespace: refNamespace(b.at('namespace'), namespace), name, port, weight };
}
