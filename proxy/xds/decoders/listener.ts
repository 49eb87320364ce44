// LDS: envoy.config.listener.v3.Listener → ProxyListener. The sidecar understands what meshlet's control plane
// (and Istio) send a sidecar: the virtual outbound listener (use_original_dst), the virtual inbound listener
// (original_dst listener filter), and per-service listeners with one filter chain ending in either an HTTP
// connection manager using RDS over ADS or a TCP proxy to one cluster. Anything else is an error with its path.
// An ingress gateway's HTTPS listener adds the tls_inspector listener filter and one chain per certificate,
// matched by filter_chain_match.server_names, whose transport_socket terminates TLS (DownstreamTlsContext).
import { DOWNSTREAM_TLS_CONTEXT, HTTP_CONNECTION_MANAGER, ORIGINAL_DST, ROUTER, TCP_PROXY, TLS_INSPECTOR } from '../../../xds/type-urls.js';
import { downstreamTlsFromObject } from '../../tls/downstream-tls-context.js';
import type { ChainTarget, ChainTls, Decoded, ListenerKind, ProxyFilterChain, ProxyListener } from '../types.js';
import { routeConfigFromObject } from './route.js';
import { at, decodeMessage, index, isObj, Issues, list, num, obj, portNumber, required, str, unpackAny, wrapped, type Obj } from './read.js';

export const LISTENER_MESSAGE = 'envoy.config.listener.v3.Listener';

/**
 * HttpConnectionManager: RDS over ADS (or `self`), or an inline route_config (the inbound passthrough chains
 * route every request to the original destination and need no RDS), and the router as the last HTTP filter.
 */
function httpTarget(hcm: Obj, path: string, issues: Issues): ChainTarget {
  const filters = list(hcm['http_filters']);
  const last = obj(filters[filters.length - 1]);
  if (str(obj(last['typed_config'])['type_url']) !== ROUTER) {
    issues.add(at(path, 'http_filters'), 'the router must be the last HTTP filter');
  }
  const statPrefix = str(hcm['stat_prefix']);
  const edge = obj(hcm['use_remote_address'])['value'] === true ? ({ useRemoteAddress: true } as const) : undefined;
  const rds = hcm['rds'];
  if (isObj(rds)) {
    const source = obj(rds['config_source']);
    if (!isObj(source['ads']) && !isObj(source['self'])) issues.add(at(path, 'rds.config_source'), 'must be ads or self');
    return { kind: 'http', routeConfigName: required(rds, 'route_config_name', at(path, 'rds'), issues), statPrefix, ...edge };
  }
  if (!isObj(hcm['route_config'])) {
    issues.add(at(path, 'rds'), 'required (or an inline route_config)');
    return { kind: 'http', routeConfigName: '', statPrefix, ...edge };
  }
  const inline = routeConfigFromObject(hcm['route_config'], new Issues());
  if (!inline.ok) issues.absorb(at(path, 'route_config'), inline.errors);
  return { kind: 'http', routeConfigName: '', statPrefix, ...edge, ...(inline.ok && { routeConfig: inline.value }) };
}

function tcpTarget(tcp: Obj, path: string, issues: Issues): ChainTarget {
  if (isObj(tcp['weighted_clusters'])) issues.add(at(path, 'weighted_clusters'), 'not supported');
  const cluster = required(tcp, 'cluster', path, issues);
  return { kind: 'tcp', cluster, statPrefix: str(tcp['stat_prefix']) };
}

/** The chain's last network filter decides what it does; meshlet's chains have exactly one filter. */
function chainTarget(chain: Obj, path: string, issues: Issues): ChainTarget | undefined {
  const filters = list(chain['filters']);
  if (filters.length !== 1) {
    issues.add(at(path, 'filters'), `expected one network filter, got ${filters.length}`);
    return undefined;
  }
  const fpath = at(index(at(path, 'filters'), 0), 'typed_config');
  const packed = unpackAny(obj(filters[0])['typed_config'], [HTTP_CONNECTION_MANAGER, TCP_PROXY], fpath, issues);
  if (!packed) return undefined;
  return packed.typeUrl === TCP_PROXY ? tcpTarget(packed.body, fpath, issues) : httpTarget(packed.body, fpath, issues);
}

/** The transport socket `envoy.transport_sockets.tls` (Envoy's only one meshlet terminates); raw_buffer is none. */
function transportSocket(chain: Obj, name: string, path: string, issues: Issues): ChainTls | undefined {
  const socket = chain['transport_socket'];
  if (!isObj(socket)) return undefined;
  const packed = unpackAny(socket['typed_config'], [DOWNSTREAM_TLS_CONTEXT], at(path, 'typed_config'), issues);
  return packed && downstreamTlsFromObject(packed.body, name, at(path, 'typed_config'), issues);
}

/** filter_chain_match.transport_protocol: `tls` or `raw_buffer` (what the tls_inspector reports), or unset. */
function transportProtocol(v: unknown, path: string, issues: Issues): ProxyFilterChain['transportProtocol'] {
  const p = str(v);
  if (p === 'tls' || p === 'raw_buffer') return p;
  if (p !== '') issues.add(path, `"${p}" is not supported (expected tls or raw_buffer)`);
  return undefined;
}

/** filter_chain_match.server_names: lower-cased; a wildcard only as a whole leading label (`*.example.com`). */
function serverNames(v: unknown, path: string, issues: Issues): string[] {
  return list(v).map((raw, i) => {
    const name = str(raw).toLowerCase();
    const bad = name === '' || name.lastIndexOf('*') > 0 || (name.startsWith('*') && !name.startsWith('*.'));
    if (bad) issues.add(index(path, i), `"${str(raw)}" is not a server name (exact, or *.suffix)`);
    return name;
  });
}

function filterChain(v: unknown, path: string, issues: Issues): ProxyFilterChain | undefined {
  const chain = obj(v);
  const name = str(chain['name']);
  const match = obj(chain['filter_chain_match']);
  const mpath = at(path, 'filter_chain_match');
  const target = chainTarget(chain, path, issues);
  const port = wrapped(match['destination_port']);
  const prefixRanges = list(match['prefix_ranges']).map((r) => {
    const range = obj(r);
    return `${str(range['address_prefix'])}/${num(wrapped(range['prefix_len'])) ?? 0}`;
  });
  const applicationProtocols = list(match['application_protocols']).map(str);
  const names = serverNames(match['server_names'], at(mpath, 'server_names'), issues);
  const transport = transportProtocol(match['transport_protocol'], at(mpath, 'transport_protocol'), issues);
  const tls = transportSocket(chain, name, at(path, 'transport_socket'), issues);
  if (!target) return undefined;
  return {
    name,
    ...(port !== undefined && { destinationPort: num(port) ?? 0 }),
    prefixRanges,
    applicationProtocols,
    serverNames: names,
    ...(transport !== undefined && { transportProtocol: transport }),
    ...(tls !== undefined && { tls }),
    target,
  };
}

function kindOf(l: Obj, chains: readonly ProxyFilterChain[]): ListenerKind {
  if (wrapped(l['use_original_dst']) === true) return 'virtual-outbound';
  const hasOriginalDst = list(l['listener_filters']).some((f) => str(obj(obj(f)['typed_config'])['type_url']) === ORIGINAL_DST);
  if (hasOriginalDst && str(l['traffic_direction']) === 'INBOUND') return 'virtual-inbound';
  return chains[0]?.target.kind ?? 'tcp';
}

function direction(v: unknown): ProxyListener['direction'] {
  return v === 'INBOUND' || v === 'OUTBOUND' ? v : 'UNSPECIFIED';
}

/**
 * listener_filters whose config meshlet reads: the tls_inspector's (an empty TlsInspector; enable_ja3_fingerprinting
 * is not supported). Other listener filters (original_dst, http_inspector) need no config and are not checked
 * here, as before. Like Envoy, a listener whose chains match on SNI inspects TLS even without the filter.
 */
function listenerFilters(l: Obj, issues: Issues): void {
  list(l['listener_filters']).forEach((f, i) => {
    const any = obj(obj(f)['typed_config']);
    if (str(any['type_url']) !== TLS_INSPECTOR) return;
    const path = at(index('listener_filters', i), 'typed_config');
    const body = unpackAny(any, [TLS_INSPECTOR], path, issues);
    if (wrapped(body?.body['enable_ja3_fingerprinting']) === true) issues.add(at(path, 'enable_ja3_fingerprinting'), 'not supported');
  });
}

/** Validates a decoded Listener; exported for tests that start from an object. */
export function listenerFromObject(l: Obj, issues: Issues): Decoded<ProxyListener> {
  const name = required(l, 'name', '', issues);
  if (isObj(l['api_listener'])) issues.add('api_listener', 'API listeners are for proxyless clients, not the sidecar');
  const socket = obj(obj(l['address'])['socket_address']);
  if (!isObj(obj(l['address'])['socket_address'])) issues.add('address.socket_address', 'required');
  const address = required(socket, 'address', 'address.socket_address', issues);
  const port = portNumber(socket['port_value'], 'address.socket_address.port_value', issues);
  const rawChains = list(l['filter_chains']);
  if (rawChains.length === 0) issues.add('filter_chains', 'required');
  const chains = rawChains.map((c, i) => filterChain(c, index('filter_chains', i), issues)).filter((c) => c !== undefined);
  const kind = kindOf(l, chains);
  // A service listener has one chain, or (a port that declares no protocol) an HTTP chain chosen by sniffing
  // and a TCP chain for the rest, as Istio's outbound listeners for auto-detected ports.
  // An HTTPS listener (tls_inspector) has a chain per certificate, told apart by SNI and transport protocol.
  const sniffing = chains.some((c) => c.applicationProtocols.length > 0 || c.serverNames.length > 0 || c.transportProtocol !== undefined);
  if ((kind === 'http' || kind === 'tcp') && rawChains.length > 1 && !sniffing) issues.add('filter_chains', 'a service listener has one filter chain');
  listenerFilters(l, issues);
  const target = chains[0]?.target;
  return issues.result(() => ({
    name,
    address,
    port,
    kind,
    direction: direction(l['traffic_direction']),
    bindToPort: wrapped(l['bind_to_port']) !== false,
    ...(kind === 'http' && target?.kind === 'http' && { routeConfigName: target.routeConfigName }),
    ...(kind === 'tcp' && target?.kind === 'tcp' && { cluster: target.cluster }),
    filterChains: chains,
  }));
}

/** Decodes and validates the `Any.value` bytes of a Listener. */
export function decodeListener(bytes: Uint8Array): Decoded<ProxyListener> {
  const issues = new Issues();
  const l = decodeMessage(LISTENER_MESSAGE, bytes, '', issues);
  return l ? listenerFromObject(l, issues) : issues.failure();
}
