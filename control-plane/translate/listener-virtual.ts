// LDS for the sidecar: the two virtual listeners that iptables REDIRECT feeds (Istio's virtualOutbound and
// virtualInbound). Neither depends on the node or the mesh contents, so every sidecar shares them and they are
// built once per process.
import type { XdsResource } from '../../xds/resource.js';
import type { OutboundTrafficPolicy } from '../model/types.js';
import { LISTENER } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { TrafficDirection } from './enums.js';
import { hcmFilter, httpInspectorListenerFilter, inlineHttpConnectionManager, originalDstListenerFilter, tcpProxyFilter } from './filters.js';
import {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  PASSTHROUGH_CLUSTER,
  VIRTUAL_INBOUND_LISTENER,
  VIRTUAL_INBOUND_PORT,
  VIRTUAL_OUTBOUND_LISTENER,
  VIRTUAL_OUTBOUND_PORT,
} from './names.js';

/**
 * A connection addressed to the capture port itself (not redirected) would be forwarded to itself forever;
 * Istio sends it to the blackhole, and so do we.
 */
function blackholeChain(name: string, port: number): Record<string, unknown> {
  return {
    name,
    filter_chain_match: { destination_port: { value: port } },
    filters: [tcpProxyFilter(BLACKHOLE_CLUSTER)],
  };
}

/**
 * `0.0.0.0_15001`: receives all captured outbound TCP. `use_original_dst` makes Envoy restore the original
 * destination and hand the connection to the listener bound (bind_to_port false) to that address; what no
 * listener claims stays here and goes to `PassthroughCluster` (ORIGINAL_DST) under Istio's outboundTrafficPolicy
 * ALLOW_ANY, or to `BlackHoleCluster` (refused) under REGISTRY_ONLY. With use_original_dst Envoy adds the
 * original_dst listener filter itself, so it is not repeated.
 */
function virtualOutbound(policy: OutboundTrafficPolicy): XdsResource {
  return resource(LISTENER, VIRTUAL_OUTBOUND_LISTENER, {
    name: VIRTUAL_OUTBOUND_LISTENER,
    address: { socket_address: { address: '0.0.0.0', port_value: VIRTUAL_OUTBOUND_PORT } },
    use_original_dst: { value: true },
    traffic_direction: TrafficDirection.OUTBOUND,
    filter_chains: [
      blackholeChain('virtualOutbound-blackhole', VIRTUAL_OUTBOUND_PORT),
      { name: 'virtualOutbound-catchall-tcp', filters: [tcpProxyFilter(policy === 'ALLOW_ANY' ? PASSTHROUGH_CLUSTER : BLACKHOLE_CLUSTER)] },
    ],
  });
}

const ALL_IPV4 = Object.freeze([Object.freeze({ address_prefix: '0.0.0.0', prefix_len: Object.freeze({ value: 0 }) })]);

/**
 * Istio's `virtualInbound-catchall-http`: inbound connections that speak HTTP (detected by http_inspector) go
 * through an HTTP connection manager, so the sidecar sees requests — inbound telemetry, a server span per
 * request, x-forwarded-for with the caller's address — and still sends everything to the original destination.
 * The route timeout is off (0s), as for outbound routes, so that long streams are not cut.
 */
function inboundHttpChain(): Record<string, unknown> {
  const routeConfig = {
    name: 'inbound|http|passthrough',
    virtual_hosts: [
      {
        name: 'inbound|http|passthrough',
        domains: ['*'],
        routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster: INBOUND_PASSTHROUGH_CLUSTER, timeout: { seconds: 0 } } }],
      },
    ],
  };
  return {
    name: 'virtualInbound-catchall-http',
    filter_chain_match: { prefix_ranges: ALL_IPV4, application_protocols: ['http/1.0', 'http/1.1', 'h2c'] },
    filters: [hcmFilter(inlineHttpConnectionManager(routeConfig, 'inbound_0.0.0.0_http'))],
  };
}

/**
 * `0.0.0.0_15006`: receives all captured inbound TCP and passes it to the app on the original destination
 * port through `InboundPassthroughClusterIpv4` (ORIGINAL_DST): HTTP through the inbound HTTP chain, anything
 * else as TCP. Nothing in it names the pod, so one resource serves every sidecar. The catch-all chains match
 * IPv4 destinations only (0.0.0.0/0) because the cluster binds to 127.0.0.6; IPv6 inbound capture is not done
 * yet. mTLS comes with a later issue.
 */
function virtualInbound(): XdsResource {
  return resource(LISTENER, VIRTUAL_INBOUND_LISTENER, {
    name: VIRTUAL_INBOUND_LISTENER,
    address: { socket_address: { address: '0.0.0.0', port_value: VIRTUAL_INBOUND_PORT } },
    traffic_direction: TrafficDirection.INBOUND,
    listener_filters: [originalDstListenerFilter(), httpInspectorListenerFilter()],
    filter_chains: [
      blackholeChain('virtualInbound-blackhole', VIRTUAL_INBOUND_PORT),
      inboundHttpChain(),
      {
        name: 'virtualInbound-catchall-tcp',
        filter_chain_match: { prefix_ranges: ALL_IPV4 },
        filters: [tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER)],
      },
    ],
  });
}

const virtualListeners = new Map<OutboundTrafficPolicy, readonly XdsResource[]>();

export function sidecarVirtualListeners(policy: OutboundTrafficPolicy): readonly XdsResource[] {
  let listeners = virtualListeners.get(policy);
  if (listeners === undefined) {
    listeners = Object.freeze([virtualOutbound(policy), virtualInbound()]);
    virtualListeners.set(policy, listeners);
  }
  return listeners;
}
