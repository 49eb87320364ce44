// Reads the first bytes of a connection until sniff() can decide, then pauses the socket and puts the bytes
// back (unshift) so that whoever takes the connection next reads them again. The wait is bounded: a client
// that sends nothing (server-first protocols such as MySQL or SMTP) is treated as TCP once it ends.
import type { Socket } from 'node:net';
import { sniff, type SniffedProtocol } from './sniff.js';

export type FirstBytesCallback = (protocol: SniffedProtocol, head: Buffer | undefined) => void;

class FirstBytesReader {
  private chunks: Buffer[] = [];
  private readonly timer: NodeJS.Timeout;
  private done = false;

  constructor(
    private readonly socket: Socket,
    timeoutMs: number,
    private readonly callback: FirstBytesCallback,
  ) {
    this.timer = setTimeout(() => this.finish('tcp'), timeoutMs);
    socket.on('data', this.onData);
    socket.once('end', this.onEnd);
    socket.once('close', this.onEnd);
    socket.resume(); // listeners accept with pauseOnConnect
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
    const protocol = sniff(head);
    if (protocol !== undefined) this.finish(protocol);
  };

  private readonly onEnd = (): void => this.finish('tcp');

  private finish(protocol: SniffedProtocol): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.pause();
    const head = this.chunks.length === 0 ? undefined : Buffer.concat(this.chunks);
    if (head !== undefined) socket.unshift(head);
    this.callback(protocol, head);
  }
}

/** Calls back once with the protocol and the bytes read (already unshifted back into the paused socket). */
export function readFirstBytes(socket: Socket, timeoutMs: number, callback: FirstBytesCallback): void {
  new FirstBytesReader(socket, timeoutMs, callback);
}
