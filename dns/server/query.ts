// Reading a query off the wire: only what answering needs (header, the one question, the OPT record), into one
// reusable view per server. No allocation but the cache key string; names are never decoded on this path.
import { DO_BIT, HEADER_BYTES, QR, TYPE, readCount, skipName } from './wire.js';

export const PARSED = { OK: 0, DROP: 1, FORMERR: 2, NOTIMP: 3, BADVERS: 4 } as const;
export type ParseResult = (typeof PARSED)[keyof typeof PARSED];

const MAX_NAME_BYTES = 255;

/** What a response needs of its query: the QueryView itself, or a copy kept while an answer is awaited. */
export interface Asker {
  /** The query; at least its header and question (`[0, questionEnd)`). */
  readonly buf: Buffer;
  readonly id: number;
  readonly flags: number;
  readonly qnameEnd: number;
  readonly questionEnd: number;
  readonly edns: boolean;
  readonly dnssecOk: boolean;
}

/** A copy of what a later response needs of `q` (the view itself is reused by the next query). */
export function keepAsker(q: QueryView): Asker {
  return {
    buf: Buffer.from(q.buf.subarray(0, q.questionEnd)),
    id: q.id,
    flags: q.flags,
    qnameEnd: q.qnameEnd,
    questionEnd: q.questionEnd,
    edns: q.edns,
    dnssecOk: q.dnssecOk,
  };
}

/** The parsed query. Filled in place by `parseQuery`; valid until the next call. */
export class QueryView {
  buf: Buffer = Buffer.alloc(0);
  id = 0;
  /** The header's flag word as received. */
  flags = 0;
  /** Offset just after the question name's zero byte; the name starts at 12. */
  qnameEnd = 0;
  /** Offset just after QCLASS: `buf[12, questionEnd)` is the question as the client wrote it. */
  questionEnd = 0;
  qtype = 0;
  qclass = 0;
  edns = false;
  /** The client's advertised UDP payload size (OPT class); 512 without EDNS. */
  udpSize = 512;
  dnssecOk = false;
  /** Lower-cased wire name + QTYPE + QCLASS, as a latin1 string: the key of every cache. */
  key = '';
}

/** Scratch space for building keys: one per server, reused by every query. */
export function keyScratch(): Buffer {
  return Buffer.alloc(MAX_NAME_BYTES + 4);
}

/**
 * Reads `msg` into `q`. DROP: not even a header, or a response (never answer those: no loops). FORMERR and
 * NOTIMP: a header was read (q.id, q.flags are set) but the rest is malformed or not a QUERY. BADVERS: EDNS
 * version above 0 (RFC 6891 §6.1.3).
 */
export function parseQuery(msg: Buffer, q: QueryView, scratch: Buffer): ParseResult {
  if (msg.length < HEADER_BYTES) return PARSED.DROP;
  q.buf = msg;
  q.id = msg.readUInt16BE(0);
  q.flags = msg.readUInt16BE(2);
  q.edns = false;
  q.udpSize = 512;
  q.dnssecOk = false;
  q.questionEnd = HEADER_BYTES;
  if ((q.flags & QR) !== 0) return PARSED.DROP;
  if (((q.flags >> 11) & 0xf) !== 0) return PARSED.NOTIMP;
  if (readCount(msg, 0) !== 1) return PARSED.FORMERR;
  const nameLength = readQuestionName(msg, scratch);
  if (nameLength < 0) return PARSED.FORMERR;
  const end = HEADER_BYTES + nameLength;
  if (end + 4 > msg.length) return PARSED.FORMERR;
  q.qnameEnd = end;
  q.questionEnd = end + 4;
  q.qtype = msg.readUInt16BE(end);
  q.qclass = msg.readUInt16BE(end + 2);
  if (q.qtype === TYPE.OPT) return PARSED.FORMERR;
  msg.copy(scratch, nameLength, end, end + 4);
  q.key = scratch.toString('latin1', 0, nameLength + 4);
  return readRecords(msg, q);
}

/**
 * Copies the question name, lower-cased (ASCII only, RFC 4343), into `scratch`; its wire length, or -1 when it
 * is malformed. A compression pointer in the question can only point into the header: malformed.
 */
function readQuestionName(msg: Buffer, scratch: Buffer): number {
  let at = HEADER_BYTES;
  let n = 0;
  for (;;) {
    if (at >= msg.length) return -1;
    const len = msg[at] ?? 0;
    if ((len & 0xc0) !== 0) return -1;
    if (n + len + 1 > MAX_NAME_BYTES || at + len + 1 > msg.length) return -1;
    scratch[n++] = len;
    at++;
    for (let i = 0; i < len; i++) {
      const c = msg[at++] ?? 0;
      scratch[n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    if (len === 0) return n;
  }
}

/** Walks the answer, authority and additional sections to find the OPT record (RFC 6891 §6.1.1). */
function readRecords(msg: Buffer, q: QueryView): ParseResult {
  const total = readCount(msg, 1) + readCount(msg, 2) + readCount(msg, 3);
  const firstAdditional = readCount(msg, 1) + readCount(msg, 2);
  let at = q.questionEnd;
  for (let i = 0; i < total; i++) {
    const nameEnd = skipName(msg, at);
    if (nameEnd < 0 || nameEnd + 10 > msg.length) return PARSED.FORMERR;
    const type = msg.readUInt16BE(nameEnd);
    const next = nameEnd + 10 + msg.readUInt16BE(nameEnd + 8);
    if (next > msg.length) return PARSED.FORMERR;
    if (type === TYPE.OPT) {
      // One OPT, in the additional section, owned by the root (RFC 6891 §6.1.1).
      if (q.edns || i < firstAdditional || nameEnd !== at + 1) return PARSED.FORMERR;
      q.edns = true;
      q.udpSize = msg.readUInt16BE(nameEnd + 2);
      q.dnssecOk = (msg.readUInt16BE(nameEnd + 6) & DO_BIT) !== 0;
      if (msg[nameEnd + 5] !== 0) return PARSED.BADVERS;
    }
    at = next;
  }
  return PARSED.OK;
}

/**
 * The question name in presentation form for the answering core: lower-cased, no trailing dot (as dns-packet
 * decodes names), `.` for the root; bytes that are not letters, digits, `-`, `_` or `*` escaped as `\DDD`
 * (RFC 4343 §2.1), so that a label holding a dot cannot pose as two labels.
 */
export function presentationName(q: Asker): string {
  const buf = q.buf;
  const labels: string[] = [];
  let at = HEADER_BYTES;
  while (at < q.qnameEnd) {
    const len = buf[at] ?? 0;
    if (len === 0) break;
    let label = '';
    for (let i = at + 1; i <= at + len; i++) label += printable(buf[i] ?? 0);
    labels.push(label);
    at += len + 1;
  }
  return labels.length === 0 ? '.' : labels.join('.');
}

function printable(c: number): string {
  const lower = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  const plain = (lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39) || lower === 0x2d || lower === 0x5f || lower === 0x2a;
  return plain ? String.fromCharCode(lower) : `\\${String(c).padStart(3, '0')}`;
}
