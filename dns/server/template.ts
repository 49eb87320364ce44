// Responses from templates. A template is a whole response to one question (lower-cased), with ID 0, without
// the client's RD/CD bits and without an OPT record; answering a query copies it and patches in the query's
// ID, bits, question-name case (RFC 4343: the question is echoed as asked) and OPT, and, for cached upstream
// answers, the TTLs decremented by the age. Names in templates are compressed, so owner names that are the
// question point at it and read back in the client's case too. Too large for the client's limit → the TC form
// (RFC 2181 §9).
import type { Asker } from './query.js';
import { COPIED_FLAGS, HEADER_BYTES, OPT_BYTES, QR, RA, TC, readCount, writeOpt } from './wire.js';

/** A response the server can send to any query with the template's key. */
export interface Template {
  readonly bytes: Buffer;
  /** Upstream answers: offsets of every record's TTL (the OPT record excluded); empty for zone answers. */
  readonly ttlOffsets: readonly number[];
}

/** The response to `q` from `t`, within `limit` bytes; `ageSeconds` is subtracted from every TTL. */
export function fromTemplate(t: Template, q: Asker, limit: number, ageSeconds = 0): Buffer {
  const bytes = t.bytes;
  const size = bytes.length + (q.edns ? OPT_BYTES : 0);
  if (size > limit) return truncated(bytes, q);
  const out = Buffer.allocUnsafe(size);
  bytes.copy(out, 0, 0, bytes.length);
  personalize(out, q);
  if (q.edns) {
    writeOpt(out, bytes.length, q.dnssecOk);
    out.writeUInt16BE(readCount(bytes, 3) + 1, 10);
  }
  if (ageSeconds > 0) {
    for (const at of t.ttlOffsets) out.writeUInt32BE(Math.max(0, bytes.readUInt32BE(at) - ageSeconds), at);
  }
  return out;
}

/** The query's ID, RD and CD bits and question name (with its case) over a copy of a template. */
function personalize(out: Buffer, q: Asker): void {
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(out.readUInt16BE(2) | (q.flags & COPIED_FLAGS), 2);
  q.buf.copy(out, HEADER_BYTES, HEADER_BYTES, q.qnameEnd);
}


/** Header and question only, TC set, so that the client asks again over TCP (RFC 7766 §5). */
function truncated(bytes: Buffer, q: Asker): Buffer {
  const out = Buffer.alloc(q.questionEnd + (q.edns ? OPT_BYTES : 0));
  bytes.copy(out, 0, 0, q.questionEnd);
  personalize(out, q);
  out.writeUInt16BE(out.readUInt16BE(2) | TC, 2);
  out.writeUInt32BE(0, 6); // ANCOUNT, NSCOUNT
  out.writeUInt16BE(q.edns ? 1 : 0, 10);
  if (q.edns) writeOpt(out, q.questionEnd, q.dnssecOk);
  return out;
}

export interface ErrorOptions {
  /** Echo the question section (it was read whole). */
  readonly question: boolean;
  /** The upper 8 bits of an extended rcode, carried in the OPT record (BADVERS). */
  readonly upperRcode?: number;
}

/**
 * A response carrying only an rcode: FORMERR and NOTIMP (header only, opcode echoed), REFUSED and SERVFAIL
 * (with the question, and an OPT when the query had one).
 */
export function errorResponse(q: Asker, rcode: number, options: ErrorOptions): Buffer {
  const questionEnd = options.question ? q.questionEnd : HEADER_BYTES;
  const opt = options.question && q.edns;
  const out = Buffer.alloc(questionEnd + (opt ? OPT_BYTES : 0));
  q.buf.copy(out, 0, 0, questionEnd);
  out.writeUInt16BE(QR | (q.flags & (0x7800 | COPIED_FLAGS)) | RA | (rcode & 0xf), 2);
  out.writeUInt16BE(options.question ? 1 : 0, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  if (opt) writeOpt(out, questionEnd, q.dnssecOk, options.upperRcode ?? 0);
  return out;
}
