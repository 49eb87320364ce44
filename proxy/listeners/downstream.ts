// What the listener learned about an accepted connection, handed to the HTTP and TCP layers: which listener
// and chain matched, where the app was going (the original destination), and who is calling. One object per
// connection; HTTP requests on the connection find it through the socket (downstreamOf).
import type { Socket } from 'node:net';
import type { ProxyFilterChain, ProxyListener } from '../xds/types.js';

export type Direction = 'inbound' | 'outbound';

export interface Downstream {
  /** The listener whose chain matched: a per-service listener, or a virtual one for passthrough. */
  readonly listener: ProxyListener;
  readonly chain: ProxyFilterChain;
  readonly direction: Direction;
  /** The original destination (SO_ORIGINAL_DST), or the socket's local address when it was not redirected. */
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Explicit HTTP proxy mode: absolute-form requests and CONNECT on the outbound port, not redirected. */
  readonly explicitProxy: boolean;
  /** The chain terminated TLS (DownstreamTlsContext): requests came over https (x-forwarded-proto). */
  readonly tls: boolean;
  /** SNI of the ClientHello, lower-cased, when the listener inspected TLS and the client sent one. */
  readonly serverName?: string;
  /** The protocol ALPN negotiated (`h2`, `http/1.1`) on a TLS-terminated connection. */
  readonly alpnProtocol?: string;
}

/**
 * The Downstream travels on the socket under a symbol. HTTP/2's compatibility API hands requests a Proxy of the
 * session socket that forwards property reads, so the same lookup works for HTTP/1.1 and h2c.
 */
const DOWNSTREAM = Symbol('meshlet.downstream');

type Tagged = Socket & { [DOWNSTREAM]?: Downstream };

export function attachDownstream(socket: Socket, downstream: Downstream): void {
  (socket as Tagged)[DOWNSTREAM] = downstream;
}

export function downstreamOf(socket: Socket | null | undefined): Downstream | undefined {
  return (socket as Tagged | null | undefined)?.[DOWNSTREAM];
}

/** `address:port` with IPv6 bracketed, the key of listeners and endpoints alike. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
