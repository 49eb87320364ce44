// Envoy's tls_inspector listener filter on a paused socket: reads until the ClientHello is complete (or the bytes
// are plainly not TLS), then pauses the socket again and puts every byte back (unshift), so the TLS handshake, or
// the plaintext chain, reads them from the start. Bounded in time and in bytes.
import type { Socket } from 'node:net';
import { parseClientHello, MAX_CLIENT_HELLO, type ClientHelloResult } from '../tls/client-hello.js';
import { peek } from './peek.js';

/** Bytes read at most while looking for a ClientHello (records of 1 byte each would carry 16 KiB in ~96 KiB). */
const MAX_INSPECTED = 8 * MAX_CLIENT_HELLO;

const SILENT: ClientHelloResult = Object.freeze({ kind: 'not-tls', reason: 'not-tls' });
const TOO_LARGE: ClientHelloResult = Object.freeze({ kind: 'not-tls', reason: 'too-large' });

export type InspectCallback = (hello: ClientHelloResult) => void;

/** Calls back once with what the ClientHello says; the bytes read are back in the paused socket. */
export function inspectTls(socket: Socket, timeoutMs: number, callback: InspectCallback): void {
  peek<ClientHelloResult>(socket, { classify, silent: SILENT, tooLarge: TOO_LARGE, maxBytes: MAX_INSPECTED, timeoutMs }, (hello) => callback(hello));
}

function classify(head: Buffer): ClientHelloResult | undefined {
  const hello = parseClientHello(head);
  return hello.kind === 'need-more' ? undefined : hello;
}
