// What the forwarder sends upstream: a recursive query for the client's question with our own OPT record, under
// a random ID (RFC 5452 §4.3: IDs an off-path attacker cannot guess), drawn from a pool refilled 256 at a time.
import { randomFillSync } from 'node:crypto';
import { HEADER_BYTES, OPT_BYTES, RD, writeOpt } from '../server/wire.js';

/** A recursive query for `question` (the question section's bytes) with our OPT (RFC 6891), DO as asked. */
export function upstreamQuery(id: number, question: Buffer, dnssecOk: boolean): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + question.length + OPT_BYTES);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(RD, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(1, 10);
  question.copy(out, HEADER_BYTES);
  writeOpt(out, HEADER_BYTES + question.length, dnssecOk);
  return out;
}

export class RandomIds {
  private readonly pool = new Uint16Array(256);
  private at = this.pool.length;

  /** A random ID for which `taken` is false, after a few tries (a clash only costs that query a timeout). */
  next(taken: (id: number) => boolean): number {
    let id = 0;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.pool.length) {
        randomFillSync(this.pool);
        this.at = 0;
      }
      id = this.pool[this.at++] ?? 0;
      if (!taken(id)) break;
    }
    return id;
  }
}
