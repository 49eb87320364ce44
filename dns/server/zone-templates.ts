// Cluster-zone answers as templates (template.ts), built once per (name, type, class) from the answering core
// and kept until the zones are swapped. A miss asks the core; a hit is a Map lookup and a copy.
import dnsPacket from 'dns-packet';
import types from 'dns-packet/types.js';
import type { Answer, Question, RecordType } from 'dns-packet';
import type { ClusterZones, ZoneAnswer } from '../answer-types.js';
import type { Logger } from '../../common/log.js';
import { presentationName, type QueryView } from './query.js';
import type { Template } from './template.js';
import { compressMessage } from './compress.js';
import { AA, HEADER_BYTES, QR, RA, RCODE, TYPE } from './wire.js';

/** What the cluster zones say: a template to answer from, or that the question goes upstream. */
export type ZoneLookup = Template | 'forward';

/** RFC 8482 §4.2 as CoreDNS's `any` plugin answers ANY: one synthesized HINFO, for every name. */
const ANY_TTL = 8482;

const NO_OFFSETS: readonly number[] = Object.freeze([]);

export class ZoneTemplates {
  private zones: ClusterZones;
  private cache = new Map<string, ZoneLookup>();

  /** `maxEntries` bounds the cache; the oldest entry leaves first (names asked once are not worth more). */
  constructor(
    zones: ClusterZones,
    private readonly log: Logger,
    private readonly maxEntries = 10_000,
  ) {
    this.zones = zones;
  }

  /** New zones: every template goes, as it was built from the old ones. */
  swap(zones: ClusterZones): void {
    this.zones = zones;
    this.cache = new Map();
  }

  lookup(q: QueryView): ZoneLookup {
    const hit = this.cache.get(q.key);
    if (hit !== undefined) return hit;
    const built = this.build(q);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(q.key, built);
    return built;
  }

  private build(q: QueryView): ZoneLookup {
    const name = presentationName(q);
    if (q.qtype === TYPE.ANY) return anyTemplate(q, name);
    // dns-packet names unknown types `UNKNOWN_<n>`, as its decoder would hand them to the core.
    const question: Question = { name, type: types.toString(q.qtype) as RecordType, class: 'IN' };
    try {
      const resolution = this.zones.resolve(question);
      return resolution.kind === 'forward' ? 'forward' : zoneTemplate(q, resolution);
    } catch (err) {
      this.log.error({ err, name, type: question.type }, 'cannot answer from the cluster zones; SERVFAIL');
      return zoneTemplate(q, servfail());
    }
  }
}

function servfail(): ZoneAnswer {
  return { kind: 'answer', rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] };
}

function anyTemplate(q: QueryView, name: string): Template {
  const hinfo: Answer = { type: 'HINFO', name, ttl: ANY_TTL, class: 'IN', data: { cpu: 'ANY obsoleted', os: 'See RFC 8482' } };
  return zoneTemplate(q, { kind: 'answer', rcode: 'NOERROR', authoritative: false, answers: [hinfo], authorities: [], additionals: [] });
}

/**
 * Header, the lower-cased question (the key's bytes) and the records dns-packet encodes (it never compresses
 * names, so they can follow any question), then compressed. Throws when dns-packet cannot encode a record (bad
 * data from the core).
 */
export function zoneTemplate(q: QueryView, answer: ZoneAnswer): Template {
  const additionals = answer.additionals.filter((a) => a.type !== 'OPT');
  const records = dnsPacket.encode({ type: 'response', answers: [...answer.answers], authorities: [...answer.authorities], additionals });
  const questionBytes = q.questionEnd - HEADER_BYTES;
  const bytes = Buffer.alloc(q.questionEnd + records.length - HEADER_BYTES);
  const flags = QR | (answer.authoritative ? AA : 0) | RA | RCODE[answer.rcode];
  bytes.writeUInt16BE(flags, 2);
  bytes.writeUInt16BE(1, 4);
  records.copy(bytes, 6, 6, HEADER_BYTES); // ANCOUNT, NSCOUNT, ARCOUNT
  bytes.write(q.key, HEADER_BYTES, questionBytes, 'latin1');
  records.copy(bytes, q.questionEnd, HEADER_BYTES);
  return { bytes: compressMessage(bytes), ttlOffsets: NO_OFFSETS };
}
