// Helpers of the DNS wire tests: queries built with dns-packet, a handler over fake zones with a recording
// forwarder, and responses decoded back.
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, RecordClass, RecordType } from 'dns-packet';
import { silentLogger } from '../../../common/log.js';
import type { ZoneAnswer } from '../../../dns/answer-types.js';
import { DnsHandler, type Forwarding, type ReplySink } from '../../../dns/server/handler.js';
import type { QueryView } from '../../../dns/server/query.js';
import { ZoneTemplates } from '../../../dns/server/zone-templates.js';
import { FakeZones } from '../../fakes/dns-zones.js';

export interface QueryOptions {
  readonly id?: number;
  readonly flags?: number;
  readonly type?: RecordType;
  readonly class?: RecordClass;
  /** EDNS: the advertised UDP payload size; undefined: no OPT record. */
  readonly edns?: number;
  readonly dnssecOk?: boolean;
}

export function query(name: string, o: QueryOptions = {}): Buffer {
  const packet: Packet = {
    type: 'query',
    id: o.id ?? 0x1234,
    flags: o.flags ?? dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: o.type ?? 'A', class: o.class ?? 'IN' }],
  };
  if (o.edns !== undefined) {
    packet.additionals = [{ type: 'OPT', name: '.', udpPayloadSize: o.edns, extendedRcode: 0, ednsVersion: 0, flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: o.dnssecOk ?? false, options: [] }];
  }
  return dnsPacket.encode(packet);
}

export class RecordingForwarder implements Forwarding {
  readonly forwarded: string[] = [];
  answer(q: QueryView): Buffer | undefined {
    this.forwarded.push(q.key);
    return undefined;
  }
}

export const UDP: ReplySink = { tcp: false, reply: () => {} };
export const TCP: ReplySink = { tcp: true, reply: () => {} };

export interface Wire {
  readonly handler: DnsHandler;
  readonly zones: FakeZones;
  readonly forwarder: RecordingForwarder;
  /** The handler's response to `msg` over UDP (or TCP), undefined when none. */
  ask(msg: Buffer, sink?: ReplySink): Buffer | undefined;
}

export function wire(answers: Record<string, ZoneAnswer> = {}): Wire {
  const zones = new FakeZones(new Map(Object.entries(answers)));
  const forwarder = new RecordingForwarder();
  const handler = new DnsHandler(new ZoneTemplates(zones, silentLogger()), forwarder);
  return { handler, zones, forwarder, ask: (msg, sink = UDP) => handler.handle(msg, sink, '127.0.0.1', 5353) };
}

export function decode(response: Buffer | undefined): DecodedPacket & { rcode: string; opcode: string } {
  if (response === undefined) throw new Error('no response');
  return dnsPacket.decode(response) as DecodedPacket & { rcode: string; opcode: string };
}

/** The response's flags as dig prints them: `qr aa tc rd ra`. */
export function flagsOf(p: DecodedPacket): string {
  const names: Array<[boolean, string]> = [[p.flag_qr, 'qr'], [p.flag_aa, 'aa'], [p.flag_tc, 'tc'], [p.flag_rd, 'rd'], [p.flag_ra, 'ra'], [p.flag_ad, 'ad'], [p.flag_cd, 'cd']];
  return names.filter(([on]) => on).map(([, n]) => n).join(' ');
}

/** Where the question section of `msg` ends (its name uncompressed), or 12 without one. */
function questionEnd(msg: Buffer): number {
  if (msg.readUInt16BE(4) === 0) return 12;
  let at = 12;
  for (let guard = 0; guard < 130 && at < msg.length; guard++) {
    const len = msg[at] ?? 0;
    at += len + 1;
    if (len === 0) break;
  }
  return at + 4;
}

/** `reply` answers `msg`: dns-packet decodes it, QR set, same ID, at most one question, echoed byte for byte. */
export function checkReply(msg: Buffer, reply: Buffer, limit: number): void {
  const p = decode(reply);
  assert.ok(p.flag_qr, 'QR');
  assert.equal(p.id, msg.readUInt16BE(0), 'ID');
  assert.ok(reply.length <= limit, `${reply.length} > ${limit}`);
  assert.ok((p.questions?.length ?? 0) <= 1, 'one question at most');
  const end = questionEnd(reply);
  assert.deepEqual(reply.subarray(12, end), msg.subarray(12, end), 'question echoed');
}
