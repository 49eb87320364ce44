// DNS message layout (RFC 1035 §4.1) and EDNS(0) (RFC 6891): the numbers the server reads and writes itself,
// and the few small responses it builds without a template (errors, truncation).
import type { Rcode } from '../answer-types.js';

export const HEADER_BYTES = 12;

/** Header flag bits (the 16-bit word at offset 2). */
export const QR = 0x8000;
export const AA = 0x0400;
export const TC = 0x0200;
export const RD = 0x0100;
export const RA = 0x0080;
export const AD = 0x0020;
export const CD = 0x0010;
/** The bits a response copies from the query (RFC 1035 RD; RFC 4035 §3.1.6 CD). */
export const COPIED_FLAGS = RD | CD;

export const RCODE: Readonly<Record<Rcode, number>> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
/** RFC 6891 §9: extended rcode 16, carried as 1 in the OPT record's upper rcode bits. */
export const BADVERS_UPPER = 1;

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, HINFO: 13, AAAA: 28, OPT: 41, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 } as const;
export const CLASS_IN = 1;

/** Without EDNS a UDP response may be 512 bytes (RFC 1035 §4.2.1). */
export const PLAIN_UDP_LIMIT = 512;
/** The payload size we advertise and accept at most over UDP: the DNS flag day 2020 value. */
export const OUR_UDP_SIZE = 1232;
export const TCP_LIMIT = 65535;
/** An OPT record with no options: root name, type, class (size), TTL (ext rcode, version, flags), rdlength. */
export const OPT_BYTES = 11;
/** The DO bit in the OPT record's flags (RFC 3225). */
export const DO_BIT = 0x8000;

/** The largest UDP response a client takes: 512 without EDNS, else its advertised size within [512, 1232]. */
export function udpLimit(edns: boolean, advertised: number): number {
  if (!edns) return PLAIN_UDP_LIMIT;
  return Math.min(OUR_UDP_SIZE, Math.max(PLAIN_UDP_LIMIT, advertised));
}

/** Writes our OPT record at `offset` (RFC 6891 §6.1.2); the DO bit is copied from the query (RFC 3225 §3). */
export function writeOpt(out: Buffer, offset: number, dnssecOk: boolean, upperRcode = 0): void {
  out[offset] = 0; // root
  out.writeUInt16BE(TYPE.OPT, offset + 1);
  out.writeUInt16BE(OUR_UDP_SIZE, offset + 3);
  out[offset + 5] = upperRcode;
  out[offset + 6] = 0; // version
  out.writeUInt16BE(dnssecOk ? DO_BIT : 0, offset + 7);
  out.writeUInt16BE(0, offset + 9); // no options
}

export function readCount(buf: Buffer, index: 0 | 1 | 2 | 3): number {
  return buf.readUInt16BE(4 + 2 * index);
}

/**
 * Skips a name that may end in a compression pointer (RFC 1035 §4.1.4); the offset after it, or -1 when the
 * name runs past the end or uses a reserved label type. Pointers are not followed: skipping needs no loop guard.
 */
export function skipName(buf: Buffer, offset: number): number {
  let at = offset;
  for (let guard = 0; guard < 128; guard++) {
    if (at >= buf.length) return -1;
    const len = buf[at] ?? 0;
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2 <= buf.length ? at + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    at += len + 1;
  }
  return -1;
}
