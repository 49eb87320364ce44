// What happens to an accepted connection before any byte is forwarded (Envoy's listener filters and filter
// chain match): find the original destination, the listener that owns it, sniff when a chain depends on the
// protocol, pick the chain, and hand the connection to the HTTP connection manager or the TCP proxy.
//
//   captured outbound  → SO_ORIGINAL_DST → listener <ip>_<port> (HTTP or TCP) | 0.0.0.0_15001 passthrough chain
//   captured inbound   → SO_ORIGINAL_DST → 0.0.0.0_15006 chains (HTTP sniffed, else TCP) → the app
//   not redirected to 15001 → an explicit HTTP proxy request (absolute-form, CONNECT), else the blackhole chain
import type { Socket } from 'node:net';
import type { ProxyFilterChain } from '../xds/types.js';
import type { ChainMatcher } from './chain-match.js';
import type { Downstream, Direction } from './downstream.js';
import { readFirstBytes } from './first-bytes.js';
import type { ListenerTable } from './listener-table.js';
import type { SniffedProtocol } from './sniff.js';

export interface OriginalDestination {
  readonly address: string;
  readonly port: number;
}

export interface ConnectionSink {
  /** An HTTP chain matched; `protocol` tells the HTTP/1 and h2c servers apart. The socket is paused. */
  http(socket: Socket, downstream: Downstream, protocol: 'h2c' | 'http/1.1' | 'http/1.0'): void;
  /** A TCP proxy chain matched. The socket is paused; bytes already read were put back. */
  tcp(socket: Socket, downstream: Downstream, cluster: string): void;
}

export interface AcceptOptions {
  /** SO_ORIGINAL_DST of the socket, null when it was not redirected. */
  readonly originalDst: (socket: Socket) => OriginalDestination | null;
  /** How long to wait for the first bytes when a chain depends on the protocol (Istio's protocol detection). */
  readonly sniffTimeoutMs: number;
}

export class ConnectionAcceptor {
  constructor(
    private readonly table: () => ListenerTable,
    private readonly sink: ConnectionSink,
    private readonly options: AcceptOptions,
  ) {}

  accept(bound: ChainMatcher, socket: Socket): void {
    const l = bound.listener;
    const virtual = l.kind === 'virtual-outbound' || l.kind === 'virtual-inbound';
    const original = virtual ? this.options.originalDst(socket) : null;
    const destination = original ?? { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.acceptAt(bound, socket, destination, original !== null);
  }

  /**
   * A connection bound for `destination`: redirected by iptables, or (CONNECT through the explicit proxy) a
   * tunnel the HTTP layer opened. `bound` is the listener that owns the socket.
   */
  acceptAt(bound: ChainMatcher, socket: Socket, destination: OriginalDestination, redirected: boolean): void {
    const l = bound.listener;
    const matcher = (l.kind === 'virtual-outbound' && redirected && this.table().forDestination(destination.address, destination.port)) || bound;
    const direction: Direction = l.kind === 'virtual-inbound' || l.direction === 'INBOUND' ? 'inbound' : 'outbound';
    const explicitProxy = l.kind === 'virtual-outbound' && !redirected;
    const route = (protocol: SniffedProtocol | undefined): void => {
      const chain = explicitProxy && protocol?.startsWith('http/') ? EXPLICIT_PROXY_CHAIN : matcher.select(destination.address, destination.port, protocol);
      if (chain === undefined) {
        socket.destroy();
        return;
      }
      const downstream: Downstream = {
        listener: matcher.listener,
        chain,
        direction,
        destinationAddress: destination.address,
        destinationPort: destination.port,
        remoteAddress: socket.remoteAddress ?? '',
        remotePort: socket.remotePort ?? 0,
        explicitProxy: chain === EXPLICIT_PROXY_CHAIN,
      };
      this.dispatch(socket, downstream, chain, protocol);
    };
    socket.on('error', ignore);
    if (matcher.sniffs || explicitProxy) readFirstBytes(socket, this.options.sniffTimeoutMs, route);
    else route(undefined);
  }

  /**
   * The Downstream an explicit-proxy request to `destination` would have had if it had been captured: the
   * listener for the address and its HTTP chain; a destination the mesh does not know gets an HTTP route to
   * the cluster of the virtual outbound listener's catch-all chain (PassthroughCluster when the mesh allows
   * any destination, BlackHoleCluster under REGISTRY_ONLY).
   */
  explicitDownstream(base: Downstream, destination: OriginalDestination): Downstream {
    const matcher = this.table().forDestination(destination.address, destination.port);
    let chain = matcher?.select(destination.address, destination.port, 'http/1.1');
    if (chain?.target.kind !== 'http') {
      const fallback = base.listener.filterChains.find((c) => c.destinationPort === undefined && c.prefixRanges.length === 0);
      chain = catchAllHttpChain(fallback?.target.kind === 'tcp' ? fallback.target.cluster : 'BlackHoleCluster');
    }
    return {
      ...base,
      listener: matcher?.listener ?? base.listener,
      chain,
      destinationAddress: destination.address,
      destinationPort: destination.port,
      explicitProxy: false,
    };
  }

  private dispatch(socket: Socket, downstream: Downstream, chain: ProxyFilterChain, protocol: SniffedProtocol | undefined): void {
    const target = chain.target;
    if (target.kind === 'tcp') {
      this.sink.tcp(socket, downstream, target.cluster);
      return;
    }
    // An HTTP chain needs to know HTTP/1 from h2c even where nothing asked for sniffing: clients speak first.
    if (protocol !== undefined && protocol !== 'tcp') this.sink.http(socket, downstream, protocol);
    else readFirstBytes(socket, 10_000, (p) => (p === 'tcp' ? socket.destroy() : this.sink.http(socket, downstream, p)));
  }
}

/**
 * The explicit proxy has no chain of its own in LDS: requests are routed by their absolute-form URI, so the
 * HTTP layer is handed a synthetic HTTP chain (routes are looked up per request from the target authority).
 */
const EXPLICIT_PROXY_CHAIN: ProxyFilterChain = Object.freeze({
  name: 'explicit-http-proxy',
  prefixRanges: [],
  applicationProtocols: [],
  target: Object.freeze({ kind: 'http' as const, routeConfigName: '', statPrefix: 'explicit_proxy' }),
});

const catchAll = new Map<string, ProxyFilterChain>();

/** An HTTP chain whose inline route sends everything to `cluster` (the explicit proxy's passthrough). */
function catchAllHttpChain(cluster: string): ProxyFilterChain {
  let chain = catchAll.get(cluster);
  if (chain === undefined) {
    const routeConfig = {
      name: `explicit-proxy|${cluster}`,
      virtualHosts: [
        {
          name: cluster,
          domains: ['*'],
          routes: [
            { name: cluster, path: { kind: 'prefix' as const, value: '/', caseSensitive: true }, headers: [], action: { kind: 'cluster' as const, cluster }, timeoutMs: 0, hashPolicy: [] },
          ],
        },
      ],
    };
    chain = { name: routeConfig.name, prefixRanges: [], applicationProtocols: [], target: { kind: 'http', routeConfigName: '', routeConfig, statPrefix: cluster } };
    catchAll.set(cluster, chain);
  }
  return chain;
}

function ignore(): void {}
