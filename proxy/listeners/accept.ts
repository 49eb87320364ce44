// What happens to an accepted connection before any byte is forwarded (Envoy's listener filters and filter
// chain match): find the original destination, the listener that owns it, sniff when a chain depends on the
// protocol, pick the chain, and hand the connection to the HTTP connection manager or the TCP proxy.
//
//   captured outbound  → SO_ORIGINAL_DST → listener <ip>_<port> (HTTP or TCP) | 0.0.0.0_15001 passthrough chain
//   captured inbound   → SO_ORIGINAL_DST → 0.0.0.0_15006 chains (HTTP sniffed, else TCP) → the app
//   not redirected to 15001 → an explicit HTTP proxy request (absolute-form, CONNECT), else the blackhole chain
//   gateway HTTPS listener → tls_inspector (SNI) → chain by server_names → TLS handshake with the chain's
//                            certificate → HTTP/2 (ALPN h2) or HTTP/1 on the decrypted stream
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ClientHelloResult } from '../tls/client-hello.js';
import type { ChainTls, ProxyFilterChain } from '../xds/types.js';
import type { ChainMatcher, TlsInspection } from './chain-match.js';
import type { Downstream, Direction } from './downstream.js';
import { readFirstBytes } from './first-bytes.js';
import type { ListenerTable } from './listener-table.js';
import type { SniffedProtocol } from './sniff.js';
import { inspectTls } from './tls-inspect.js';
import { terminateTls, type HandshakeFailure } from './tls-terminate.js';

/** How long the tls_inspector waits for a complete ClientHello, and the TLS handshake may take. */
const TLS_TIMEOUT_MS = 10_000;

/** Connections the TLS path closed, by reason (Envoy: tls_inspector and ssl stats). */
export interface TlsStats {
  /** A chain that terminates TLS matched a client that did not send a ClientHello (or no SNI under require_sni). */
  notTls: number;
  /** The ClientHello exceeded 16 KiB (tls_inspector client_hello_too_large). */
  clientHelloTooLarge: number;
  'handshake-error': number;
  'handshake-timeout': number;
}

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
  /** How long an HTTP chain waits for the client's first bytes; default 10 s (the gateway: its header deadline). */
  readonly httpFirstBytesTimeoutMs?: number;
}

export class ConnectionAcceptor {
  readonly tlsStats: TlsStats = { notTls: 0, clientHelloTooLarge: 0, 'handshake-error': 0, 'handshake-timeout': 0 };

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
    const route = (protocol: SniffedProtocol | undefined, hello?: ClientHelloResult): void => {
      const inspection = hello === undefined ? undefined : inspectionOf(hello);
      const chain = explicitProxy && protocol?.startsWith('http/') ? EXPLICIT_PROXY_CHAIN : matcher.select(destination.address, destination.port, protocol, inspection);
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
        tls: false,
        ...(inspection?.serverName !== undefined && { serverName: inspection.serverName }),
      };
      if (chain.tls !== undefined) this.terminate(socket, downstream, chain.tls, hello);
      else this.dispatch(socket, downstream, chain, protocol);
    };
    socket.on('error', ignore);
    if (matcher.inspectsTls) inspectTls(socket, TLS_TIMEOUT_MS, (hello) => this.inspected(socket, matcher, hello, route));
    else if (matcher.sniffs || explicitProxy) readFirstBytes(socket, this.options.sniffTimeoutMs, (p) => route(p));
    else route(undefined);
  }

  /** After the tls_inspector: TLS goes on to chain selection; plaintext is sniffed first if chains need it. */
  private inspected(socket: Socket, matcher: ChainMatcher, hello: ClientHelloResult, route: (p: SniffedProtocol | undefined, h: ClientHelloResult) => void): void {
    if (hello.kind === 'not-tls' && hello.reason === 'too-large') {
      this.tlsStats.clientHelloTooLarge++;
      socket.destroy();
    } else if (hello.kind === 'not-tls' && matcher.sniffs) readFirstBytes(socket, this.options.sniffTimeoutMs, (p) => route(p, hello));
    else route(undefined, hello);
  }

  /** The chain terminates TLS: handshake with its certificate, then hand the decrypted stream on. */
  private terminate(socket: Socket, downstream: Downstream, tls: ChainTls, hello: ClientHelloResult | undefined): void {
    if (hello?.kind !== 'tls' || (tls.requireSni && downstream.serverName === undefined)) {
      this.tlsStats.notTls++;
      socket.destroy();
      return;
    }
    terminateTls(socket, tls, TLS_TIMEOUT_MS, {
      secure: (secure: TLSSocket) => {
        const alpn = secure.alpnProtocol;
        const decrypted: Downstream = { ...downstream, tls: true, ...(typeof alpn === 'string' && { alpnProtocol: alpn }) };
        // ALPN decides HTTP/2 vs HTTP/1 (the h2 server takes a TLSSocket as its connection); without ALPN the
        // decrypted bytes are sniffed as on a plaintext connection.
        this.dispatch(secure, decrypted, downstream.chain, alpn === 'h2' ? 'h2c' : alpn === 'http/1.1' ? 'http/1.1' : undefined);
      },
      failed: (reason: HandshakeFailure) => {
        this.tlsStats[reason]++;
      },
    });
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
    // Bytes that are not HTTP still go to the HTTP/1 parser, which answers 400 and logs the error; a client that
    // sends nothing within the wait is closed.
    if (protocol !== undefined && protocol !== 'tcp') this.sink.http(socket, downstream, protocol);
    else {
      readFirstBytes(socket, this.options.httpFirstBytesTimeoutMs ?? 10_000, (p, head) => {
        if (head === undefined) socket.destroy();
        else this.sink.http(socket, downstream, p === 'tcp' ? 'http/1.1' : p);
      });
    }
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
  serverNames: [],
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
    chain = { name: routeConfig.name, prefixRanges: [], applicationProtocols: [], serverNames: [], target: { kind: 'http', routeConfigName: '', routeConfig, statPrefix: cluster } };
    catchAll.set(cluster, chain);
  }
  return chain;
}

/** What chain selection needs from the tls_inspector's result. */
function inspectionOf(hello: ClientHelloResult): TlsInspection {
  if (hello.kind !== 'tls') return { transportProtocol: 'raw_buffer' };
  return { transportProtocol: 'tls', ...(hello.serverName !== undefined && { serverName: hello.serverName }) };
}

function ignore(): void {}
