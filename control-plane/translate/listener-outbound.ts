// LDS for the sidecar: one listener per ClusterIP:port, named `<ip>_<port>` as Istio names them.
// `bind_to_port: false` — nothing listens on the ClusterIP; the virtual outbound listener (0.0.0.0_15001,
// use_original_dst) hands each captured connection to the listener whose address equals its original
// destination (Envoy docs: Listener.use_original_dst, Listener.bind_to_port). `bind_to_port` is the v3 field;
// the v2 `deprecated_v1.bind_to_port` is not used.
import type { XdsResource } from '../../xds/resource.js';
import { LISTENER } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { TrafficDirection } from './enums.js';
import { hcmFilter, tcpProxyFilter, type PackedAny } from './filters.js';
import { listenerName } from './names.js';

/** What a Service port's listener forwards to: RDS through its HTTP connection manager, or one TCP cluster. */
export type OutboundTarget = { readonly kind: 'http'; readonly hcm: PackedAny } | { readonly kind: 'tcp'; readonly cluster: string };

const DO_NOT_BIND = Object.freeze({ value: false });

export function outboundServiceListener(clusterIP: string, port: number, target: OutboundTarget): XdsResource {
  const name = listenerName(clusterIP, port);
  const filter = target.kind === 'http' ? hcmFilter(target.hcm) : tcpProxyFilter(target.cluster);
  return resource(LISTENER, name, {
    name,
    address: { socket_address: { address: clusterIP, port_value: port } },
    bind_to_port: DO_NOT_BIND,
    traffic_direction: TrafficDirection.OUTBOUND,
    filter_chains: [{ filters: [filter] }],
  });
}
