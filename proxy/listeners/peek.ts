// Reading the first bytes of a paused connection without consuming them (what Envoy's listener filters do):
// read until `classify` can decide, then pause the socket and put every byte back (unshift) so that whoever
// takes the connection next reads them from the start. Bounded in time and in bytes; a client that ends or sends
// nothing in time gets the `silent` answer.
import type { Socket } from 'node:net';

export interface PeekOptions<T> {
  /** What the bytes so far say, or undefined to read more. */
  readonly classify: (head: Buffer) => T | undefined;
  /** The answer when the client ends, closes or stays silent until the timeout. */
  readonly silent: T;
  /** The answer when more than `maxBytes` arrive without a decision (no limit when absent). */
  readonly tooLarge?: T;
  readonly maxBytes?: number;
  readonly timeoutMs: number;
}

class Peek<T> {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;
  private done = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: PeekOptions<T>,
    private readonly callback: (answer: T, head: Buffer | undefined) => void,
  ) {
    this.timer = setTimeout(() => this.finish(options.silent), options.timeoutMs);
    socket.on('data', this.onData);
    socket.once('end', this.onEnd);
    socket.once('close', this.onEnd);
    socket.resume(); // listeners accept with pauseOnConnect
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const { maxBytes, tooLarge } = this.options;
    if (maxBytes !== undefined && tooLarge !== undefined && this.size > maxBytes) return this.finish(tooLarge);
    const answer = this.options.classify(this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks));
    if (answer !== undefined) this.finish(answer);
  };

  private readonly onEnd = (): void => this.finish(this.options.silent);

  private finish(answer: T): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.pause();
    const head = this.chunks.length === 0 ? undefined : this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    if (head !== undefined) socket.unshift(head);
    this.chunks = [];
    this.callback(answer, head);
  }
}

/** Calls back once with the answer and the bytes read (already put back into the paused socket). */
export function peek<T>(socket: Socket, options: PeekOptions<T>, callback: (answer: T, head: Buffer | undefined) => void): void {
  new Peek(socket, options, callback);
}
