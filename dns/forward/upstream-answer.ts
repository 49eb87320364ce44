// Reading an upstream's response into a template (../server/template.ts) and a time to cache it. The upstream's
// bytes are kept as they came, compression pointers and all: the question we put in front of them has the
// same length as the one the upstream echoed (same name, maybe another case), so every pointer still lands.
// The upstream's OPT record is cut off (and whatever follows it), as the client gets our own.
import type { Template } from '../server/template.js';
import { AD, HEADER_BYTES, QR, RA, RCODE, TC, TYPE, readCount, skipName } from '../server/wire.js';

export interface CacheLimits {
  /** Cap of a positive answer's time in the cache (seconds). */
  readonly maxTtl: number;
  /** Cap of NXDOMAIN/NODATA (RFC 2308 §5; RFC 2308 suggests 1-3 hours, resolvers use minutes). */
  readonly maxNegativeTtl: number;
}

export interface UpstreamAnswer {
  readonly template: Template;
  /** The rcode, extended ones included (OPT); above 15 the template says SERVFAIL. */
  readonly rcode: number;
  readonly truncated: boolean;
  /** Seconds it may be cached; 0: not at all. */
  readonly cacheTtl: number;
}

/**
 * The answer in `msg` to the question `key` (lower-cased wire name + type + class, QueryView.key), or undefined
 * when `msg` is malformed, not a response, or answers another question (a stray or forged datagram).
 */
export function readUpstreamAnswer(msg: Buffer, key: string, limits: CacheLimits): UpstreamAnswer | undefined {
  if (msg.length < HEADER_BYTES + key.length) return undefined;
  const flags = msg.readUInt16BE(2);
  if ((flags & QR) === 0 || ((flags >> 11) & 0xf) !== 0 || readCount(msg, 0) !== 1) return undefined;
  if (!sameQuestion(msg, key)) return undefined;
  const records = scanRecords(msg, HEADER_BYTES + key.length);
  if (records === undefined) return undefined;
  const rcode = (records.upperRcode << 4) | (flags & 0xf);
  const bytes = Buffer.from(msg.subarray(0, records.end));
  bytes.writeUInt16BE(0, 0);
  bytes.writeUInt16BE(QR | RA | (flags & AD) | (rcode > 15 ? RCODE.SERVFAIL : rcode), 2);
  bytes.writeUInt16BE(records.arcount, 10);
  const truncated = (flags & TC) !== 0;
  return { template: { bytes, ttlOffsets: records.ttlOffsets }, rcode, truncated, cacheTtl: truncated ? 0 : cacheTtl(rcode, records, limits) };
}

/** The question section equals `key` but for the ASCII case of the name, written without compression. */
function sameQuestion(msg: Buffer, key: string): boolean {
  const nameEnd = key.length - 4;
  for (let i = 0; i < key.length; i++) {
    const c = msg[HEADER_BYTES + i] ?? 0;
    const folded = i < nameEnd && c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    if (folded !== key.charCodeAt(i)) return false;
  }
  return true;
}

interface Records {
  /** Offset just after the last record kept. */
  readonly end: number;
  readonly arcount: number;
  readonly upperRcode: number;
  readonly ttlOffsets: number[];
  /** Smallest TTL of the answer section; Infinity when empty. */
  readonly minAnswerTtl: number;
  /** min(SOA TTL, SOA MINIMUM) of the authority section's SOA (RFC 2308 §5), when there is one. */
  readonly negativeTtl: number | undefined;
}

/** Walks every record (bounds-checked); undefined when one runs past the end. */
function scanRecords(msg: Buffer, start: number): Records | undefined {
  const ancount = readCount(msg, 1);
  const nscount = readCount(msg, 2);
  const total = ancount + nscount + readCount(msg, 3);
  const ttlOffsets: number[] = [];
  let at = start;
  let minAnswerTtl = Infinity;
  let negativeTtl: number | undefined;
  for (let i = 0; i < total; i++) {
    const nameEnd = skipName(msg, at);
    if (nameEnd < 0 || nameEnd + 10 > msg.length) return undefined;
    const type = msg.readUInt16BE(nameEnd);
    const rdlength = msg.readUInt16BE(nameEnd + 8);
    const next = nameEnd + 10 + rdlength;
    if (next > msg.length) return undefined;
    if (type === TYPE.OPT) {
      if (i < ancount + nscount) return undefined;
      return { end: at, arcount: i - ancount - nscount, upperRcode: msg[nameEnd + 4] ?? 0, ttlOffsets, minAnswerTtl, negativeTtl };
    }
    const ttl = ttlOf(msg.readUInt32BE(nameEnd + 4));
    ttlOffsets.push(nameEnd + 4);
    if (i < ancount) minAnswerTtl = Math.min(minAnswerTtl, ttl);
    else if (i < ancount + nscount && type === TYPE.SOA && rdlength >= 22) {
      negativeTtl = Math.min(ttl, ttlOf(msg.readUInt32BE(next - 4)));
    }
    at = next;
  }
  return { end: at, arcount: total - ancount - nscount, upperRcode: 0, ttlOffsets, minAnswerTtl, negativeTtl };
}

/** RFC 2181 §8: a TTL with the top bit set is read as 0. */
function ttlOf(raw: number): number {
  return raw > 0x7fffffff ? 0 : raw;
}

/** Positive: the answer's smallest TTL; NXDOMAIN / NODATA: the SOA's negative TTL; anything else: not cached. */
function cacheTtl(rcode: number, r: Records, limits: CacheLimits): number {
  const nodata = rcode === RCODE.NOERROR && r.minAnswerTtl === Infinity;
  if (rcode === RCODE.NXDOMAIN || nodata) return Math.min(r.negativeTtl ?? 0, limits.maxNegativeTtl);
  if (rcode === RCODE.NOERROR) return Math.min(r.minAnswerTtl, limits.maxTtl);
  return 0;
}
