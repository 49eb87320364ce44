// Reads the first bytes of a connection until sniff() can decide, then pauses the socket and puts the bytes
// back (unshift) so that whoever takes the connection next reads them again. The wait is bounded: a client
// that sends nothing (server-first protocols such as MySQL or SMTP) is treated as TCP once it ends.
import type { Socket } from 'node:net';
import { peek } from './peek.js';
import { sniff, type SniffedProtocol } from './sniff.js';

export type FirstBytesCallback = (protocol: SniffedProtocol, head: Buffer | undefined) => void;

/** Calls back once with the protocol and the bytes read (already unshifted back into the paused socket). */
export function readFirstBytes(socket: Socket, timeoutMs: number, callback: FirstBytesCallback): void {
  peek<SniffedProtocol>(socket, { classify: sniff, silent: 'tcp', timeoutMs }, callback);
}
