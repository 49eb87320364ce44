// TLS termination on a filter chain (transport socket envoy.transport_sockets.tls): wraps the raw socket, whose
// ClientHello the tls_inspector put back, in a server TLSSocket with the chain's certificate and ALPN. node's
// TLSSocket feeds bytes already buffered in the wrapped socket to the handshake. A handshake that fails or does
// not finish in time destroys the connection quietly (counted by the caller).
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ChainTls } from '../xds/types.js';

export type HandshakeFailure = 'handshake-error' | 'handshake-timeout';

export interface TerminateCallbacks {
  /** The handshake finished; `secure.alpnProtocol` is the negotiated protocol (false without ALPN). */
  secure(secure: TLSSocket): void;
  failed(reason: HandshakeFailure, secure: TLSSocket): void;
}

export function terminateTls(socket: Socket, tls: ChainTls, timeoutMs: number, callbacks: TerminateCallbacks): void {
  const secure = new TLSSocket(socket, {
    isServer: true,
    secureContext: tls.secureContext,
    ...(tls.alpn.length > 0 && { ALPNProtocols: [...tls.alpn] }),
  });
  let settled = false;
  const fail = (reason: HandshakeFailure): void => {
    secure.on('error', ignore); // late errors of a dead connection
    secure.destroy();
    socket.destroy();
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    callbacks.failed(reason, secure);
  };
  const onError = (): void => fail('handshake-error');
  const timer = setTimeout(() => fail('handshake-timeout'), timeoutMs);
  secure.once('error', onError);
  secure.once('close', onError);
  secure.once('secure', () => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    secure.off('error', onError);
    secure.off('close', onError);
    secure.on('error', ignore); // the HTTP / TCP layers add their own
    // node clears this only for sockets of a tls.Server (_tls_wrap.js onServerSocketSecure); the HTTP/2 session
    // otherwise waits for a 'secureConnect' that a server-side socket never emits.
    (secure as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
    secure.pause();
    callbacks.secure(secure);
  });
}

function ignore(): void {}
