// LDS for the sidecar: one listener per ClusterIP:port, named `<ip>_<port>` as Istio names them.
// `bind_to_port: false` — nothing listens on the ClusterIP; the virtual outbound listener (0.0.0.0_15001,
// use_original_dst) hands each captured connection to the listener whose address equals its original
// destination (Envoy docs: Listener.use_original_dst, Listener.bind_to_port). `bind_to_port` is the v3 field;
// the v2 `deprecated_v1.bind_to_port` is not used.
import type { XdsResource } from '../../xds/resource.js';
import { LISTENER } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { TrafficDirection } from './enums.js';
import { hcmFilter, httpInspectorListenerFilter, tcpProxyFilter, type PackedAny } from './filters.js';
import { listenerName } from './names.js';

/**
 * What a Service port's listener forwards to: RDS through its HTTP connection manager, one TCP cluster, or —
 * for a port that declares no protocol — either, chosen per connection by sniffing its first bytes.
 */
export type OutboundTarget =
  | { readonly kind: 'http'; readonly hcm: PackedAny }
  | { readonly kind: 'tcp'; readonly cluster: string }
  | { readonly kind: 'sniffed'; readonly hcm: PackedAny; readonly cluster: string };

const DO_NOT_BIND = Object.freeze({ value: false });
const HTTP_PROTOCOLS = Object.freeze({ application_protocols: Object.freeze(['http/1.0', 'http/1.1', 'h2c']) });

function filterChains(target: OutboundTarget): Record<string, unknown>[] {
  switch (target.kind) {
    case 'http':
      return [{ filters: [hcmFilter(target.hcm)] }];
    case 'tcp':
      return [{ filters: [tcpProxyFilter(target.cluster)] }];
    case 'sniffed':
      return [
        { filter_chain_match: HTTP_PROTOCOLS, filters: [hcmFilter(target.hcm)] },
        { filters: [tcpProxyFilter(target.cluster)] },
      ];
  }
}

export function outboundServiceListener(clusterIP: string, port: number, target: OutboundTarget): XdsResource {
  const name = listenerName(clusterIP, port);
  return resource(LISTENER, name, {
    name,
    address: { socket_address: { address: clusterIP, port_value: port } },
    bind_to_port: DO_NOT_BIND,
    traffic_direction: TrafficDirection.OUTBOUND,
    ...(target.kind === 'sniffed' && { listener_filters: [httpInspectorListenerFilter()] }),
    filter_chains: filterChains(target),
  });
}
