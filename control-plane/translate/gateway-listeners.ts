// LDS of the gateway: `0.0.0.0_<httpPort>`, and `0.0.0.0_<httpsPort>` when any certificate is configured.
//
// HTTPS: the TLS inspector (envoy.filters.listener.tls_inspector) reads the ClientHello's SNI; one filter chain
// per certificate, chosen by filter_chain_match.server_names (exact or `*.` wildcard names, Envoy's
// FilterChainMatch), each terminating TLS (transport_socket envoy.transport_sockets.tls, DownstreamTlsContext,
// ALPN h2 and http/1.1) before its HTTP connection manager; then a last chain without server_names, with the first
// certificate, for clients that send no SNI (or a name no certificate serves). A host claimed by two certificates
// keeps the first (the oldest Ingress's, then the Gateways'); Envoy refuses two chains with the same match.
//
// use_remote_address: the gateway is the edge, so the downstream peer address is the client's (Envoy's
// HttpConnectionManager.use_remote_address; Istio sets it on gateways): it appends it to x-forwarded-for and sets
// x-envoy-external-address instead of trusting what the client sent.
import type { TlsSecret } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { DOWNSTREAM_TLS_CONTEXT, LISTENER, TLS_INSPECTOR } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { hcmFilter, httpConnectionManager } from './filters.js';
import type { CertificateClaim } from './gateway-ingress.js';
import { httpRouteName, httpsRouteName } from './gateway-routes.js';
import { listenerName } from './names.js';
import { pack } from './packed.js';

export const TLS_INSPECTOR_NAME = 'envoy.filters.listener.tls_inspector';
export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const GATEWAY_ALPN: readonly string[] = Object.freeze(['h2', 'http/1.1']);

const EDGE = Object.freeze({ use_remote_address: Object.freeze({ value: true }) });
const ANY_ADDRESS = '0.0.0.0';

function listener(port: number, body: Record<string, unknown>): XdsResource {
  const name = listenerName(ANY_ADDRESS, port);
  return resource(LISTENER, name, { name, address: { socket_address: { address: ANY_ADDRESS, port_value: port } }, ...body });
}

export function gatewayHttpListener(port: number): XdsResource {
  const hcm = httpConnectionManager(httpRouteName(port), 'gateway_http', EDGE);
  return listener(port, { filter_chains: [{ filters: [hcmFilter(hcm)] }] });
}

function tlsSocket(secret: TlsSecret): Record<string, unknown> {
  return {
    name: TLS_TRANSPORT_SOCKET,
    typed_config: pack(DOWNSTREAM_TLS_CONTEXT, {
      common_tls_context: {
        tls_certificates: [{ certificate_chain: { inline_string: secret.certificateChain }, private_key: { inline_string: secret.privateKey } }],
        alpn_protocols: GATEWAY_ALPN,
      },
    }),
  };
}

const secretKey = (s: TlsSecret): string => `${s.meta.namespace}/${s.meta.name}`;

/** One chain per certificate with the names it serves (first claim of a name wins), in claim order. */
export function certificateChains(claims: readonly CertificateClaim[]): { secret: TlsSecret; serverNames: string[] }[] {
  const claimed = new Set<string>();
  const chains = new Map<string, { secret: TlsSecret; serverNames: string[] }>();
  for (const c of claims) {
    let chain = chains.get(secretKey(c.secret));
    if (!chain) chains.set(secretKey(c.secret), (chain = { secret: c.secret, serverNames: [] }));
    for (const raw of c.serverNames) {
      const n = raw.toLowerCase();
      if (claimed.has(n)) continue;
      claimed.add(n);
      chain.serverNames.push(n);
    }
  }
  return [...chains.values()].filter((c) => c.serverNames.length > 0);
}

/** The HTTPS listener, or undefined when no certificate is configured. */
export function gatewayHttpsListener(port: number, claims: readonly CertificateClaim[]): XdsResource | undefined {
  const first = claims[0];
  if (!first) return undefined;
  const hcm = hcmFilter(httpConnectionManager(httpsRouteName(port), 'gateway_https', EDGE));
  const chains: Record<string, unknown>[] = certificateChains(claims).map((c) => ({
    name: secretKey(c.secret),
    filter_chain_match: { server_names: c.serverNames },
    transport_socket: tlsSocket(c.secret),
    filters: [hcm],
  }));
  chains.push({ name: `default/${secretKey(first.secret)}`, transport_socket: tlsSocket(first.secret), filters: [hcm] });
  return listener(port, {
    listener_filters: [{ name: TLS_INSPECTOR_NAME, typed_config: pack(TLS_INSPECTOR, {}) }],
    filter_chains: chains,
  });
}
