// Name compression (RFC 1035 §4.1.4) for the responses the server builds: dns-packet writes every name in full,
// so a template is rewritten once, when it is built, with each name that repeats (a suffix of) an earlier one
// turned into a pointer. Owner names equal to the question become pointers to offset 12, so they follow the
// case the client asked in. Names inside RDATA are compressed only for the types RFC 3597 §4 allows (NS, CNAME,
// SOA, PTR, MX); SRV targets are written in full (RFC 2782) but may be pointed at.
import { HEADER_BYTES, readCount } from './wire.js';

const COMPRESSIBLE_RDATA = new Map<number, { readonly before: number; readonly names: number; readonly after: number }>([
  [2, { before: 0, names: 1, after: 0 }], // NS
  [5, { before: 0, names: 1, after: 0 }], // CNAME
  [6, { before: 0, names: 2, after: 20 }], // SOA
  [12, { before: 0, names: 1, after: 0 }], // PTR
  [15, { before: 2, names: 1, after: 0 }], // MX
]);
const SRV = 33;
/** Pointers hold 14 bits. */
const MAX_POINTER = 0x3fff;

class Compressor {
  readonly out: Buffer;
  at = 0;
  /** Wire form of a name suffix (latin1) → where it was written. */
  private readonly seen = new Map<string, number>();

  constructor(size: number) {
    this.out = Buffer.alloc(size);
  }

  copy(src: Buffer, start: number, end: number): void {
    src.copy(this.out, this.at, start, end);
    this.at += end - start;
  }

  /** Writes the uncompressed name at `src[start]`, compressed if `compress`; returns the offset after it in src. */
  name(src: Buffer, start: number, compress: boolean): number {
    let at = start;
    for (let guard = 0; guard < 128; guard++) {
      const len = src[at] ?? 0;
      if (len === 0) break;
      if ((len & 0xc0) !== 0) throw new Error('compressed name in an uncompressed message');
      at += len + 1;
    }
    const end = at + 1;
    for (let label = start; label < end - 1; label += (src[label] ?? 0) + 1) {
      const suffix = src.toString('latin1', label, end);
      const earlier = this.seen.get(suffix);
      if (compress && earlier !== undefined) {
        this.out.writeUInt16BE(0xc000 | earlier, this.at);
        this.at += 2;
        return end;
      }
      if (earlier === undefined && this.at <= MAX_POINTER) this.seen.set(suffix, this.at);
      this.copy(src, label, label + (src[label] ?? 0) + 1);
    }
    this.out[this.at++] = 0;
    return end;
  }
}

/**
 * `msg` (header, one question, records; no name compressed, as dns-packet writes them) with names compressed.
 * Throws on a message not in that form.
 */
export function compressMessage(msg: Buffer): Buffer {
  const c = new Compressor(msg.length);
  c.copy(msg, 0, HEADER_BYTES);
  let at = c.name(msg, HEADER_BYTES, false);
  c.copy(msg, at, at + 4);
  at += 4;
  const records = readCount(msg, 1) + readCount(msg, 2) + readCount(msg, 3);
  for (let i = 0; i < records; i++) {
    at = c.name(msg, at, true);
    const type = msg.readUInt16BE(at);
    const rdlength = msg.readUInt16BE(at + 8);
    const rdata = at + 10;
    c.copy(msg, at, at + 8);
    const lengthAt = c.at;
    c.at += 2;
    const shape = COMPRESSIBLE_RDATA.get(type);
    if (shape !== undefined) {
      c.copy(msg, rdata, rdata + shape.before);
      let p = rdata + shape.before;
      for (let n = 0; n < shape.names; n++) p = c.name(msg, p, true);
      c.copy(msg, p, p + shape.after);
    } else if (type === SRV) {
      c.copy(msg, rdata, rdata + 6);
      c.name(msg, rdata + 6, false);
    } else {
      c.copy(msg, rdata, rdata + rdlength);
    }
    c.out.writeUInt16BE(c.at - lengthAt - 2, lengthAt);
    at = rdata + rdlength;
  }
  return Buffer.from(c.out.subarray(0, c.at));
}
