// DNS over TCP frames every message with a two-byte length (RFC 1035 §4.2.2, RFC 7766 §8). Chunks arrive cut
// anywhere: a length split in two, several messages in one chunk (pipelining), a message over many chunks.
// A message that lies in one chunk is handed on as a view of it; one that spans chunks is gathered into a
// buffer of its announced size, so that tiny chunks cost no re-copying.

export class TcpFramer {
  /** The first byte of a length that was split from its second. */
  private lengthHigh = -1;
  private body: Buffer | undefined;
  private filled = 0;

  /** `onFrame` gets each whole message, in order. */
  constructor(private readonly onFrame: (message: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body !== undefined) {
        const n = Math.min(this.body.length - this.filled, chunk.length - at);
        chunk.copy(this.body, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.body.length) this.finish();
        continue;
      }
      if (this.lengthHigh >= 0) {
        this.begin((this.lengthHigh << 8) | (chunk[at] ?? 0));
        this.lengthHigh = -1;
        at += 1;
        continue;
      }
      if (chunk.length - at < 2) {
        this.lengthHigh = chunk[at] ?? 0;
        return;
      }
      const end = at + 2 + chunk.readUInt16BE(at);
      if (end <= chunk.length) {
        this.onFrame(chunk.subarray(at + 2, end));
        at = end;
      } else {
        this.begin(chunk.readUInt16BE(at));
        at += 2;
      }
    }
  }

  private begin(length: number): void {
    this.body = Buffer.allocUnsafe(length);
    this.filled = 0;
    if (length === 0) this.finish();
  }

  private finish(): void {
    const body = this.body;
    this.body = undefined;
    if (body !== undefined) this.onFrame(body);
  }
}

/** `message` with its two-byte length in front. */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(message.length + 2);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}
