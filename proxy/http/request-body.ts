// A request body that can be sent more than once, for retries. Envoy retries only while it still holds the
// whole body (under the per-connection buffer limit); so do we: chunks are recorded up to `limit` bytes while
// they stream to the first attempt, and each retry gets a fresh stream that replays them and then carries the
// rest as it arrives. Past the limit the body is no longer replayable and the request is not retried.
import { PassThrough, type Readable } from 'node:stream';

export class ReplayableBody {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflowed = false;
  private ended = false;
  private current: PassThrough | undefined;

  constructor(
    private readonly source: Readable,
    private readonly limit: number,
  ) {
    source.on('data', this.onData);
    source.once('end', this.onEnd);
  }

  /** Whether another attempt can be given the whole body. */
  get replayable(): boolean {
    return !this.overflowed;
  }

  /** A stream for the next attempt: what was recorded so far, then the rest. */
  attempt(): Readable {
    this.current?.off('drain', this.onDrain);
    const stream = new PassThrough();
    for (const c of this.chunks) stream.write(c);
    if (this.ended) stream.end();
    this.current = stream;
    this.source.resume();
    return stream;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.overflowed) {
      this.size += chunk.length;
      if (this.size > this.limit) {
        this.overflowed = true;
        this.chunks = [];
      } else this.chunks.push(chunk);
    }
    const current = this.current;
    if (current !== undefined && !current.write(chunk)) {
      this.source.pause();
      current.once('drain', this.onDrain);
    }
  };

  private readonly onDrain = (): void => {
    this.source.resume();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.current?.end();
  };
}
