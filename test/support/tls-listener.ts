// An ingress gateway's HTTPS listener as the control plane sends it: the tls_inspector listener filter, one
// chain per certificate matched by server_names, and a last chain with the default certificate. Encoded as a
// real Listener proto, for the decoder and the acceptor tests.
import { makeResource, packAny } from '../../xds/resource.js';
import { DOWNSTREAM_TLS_CONTEXT, HTTP_CONNECTION_MANAGER, LISTENER, ROUTER, TLS_INSPECTOR } from '../../xds/type-urls.js';

export interface TlsChainSpec {
  readonly name: string;
  readonly serverNames: readonly string[];
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly alpn?: readonly string[];
  /** Extra DownstreamTlsContext fields (to test what is refused). */
  readonly context?: Record<string, unknown>;
}

const inline = (v: string | Buffer): Record<string, unknown> => (typeof v === 'string' ? { inline_string: v } : { inline_bytes: v });

export function downstreamTlsContext(spec: TlsChainSpec): { type_url: string; value: Buffer } {
  return packAny(DOWNSTREAM_TLS_CONTEXT, {
    common_tls_context: {
      tls_certificates: [{ certificate_chain: inline(spec.cert), private_key: inline(spec.key) }],
      alpn_protocols: spec.alpn ?? ['h2', 'http/1.1'],
    },
    ...spec.context,
  });
}

export function httpsListener(name: string, port: number, chains: readonly TlsChainSpec[]): Uint8Array {
  return makeResource(LISTENER, name, {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: packAny(TLS_INSPECTOR, {}) }],
    filter_chains: chains.map((c) => ({
      name: c.name,
      ...(c.serverNames.length > 0 && { filter_chain_match: { server_names: c.serverNames } }),
      transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: downstreamTlsContext(c) },
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: packAny(HTTP_CONNECTION_MANAGER, {
            stat_prefix: c.name,
            rds: { route_config_name: `https.${c.name}`, config_source: { ads: {} } },
            http_filters: [{ name: 'envoy.filters.http.router', typed_config: packAny(ROUTER, {}) }],
          }),
        },
      ],
    })),
  }).encoded;
}
