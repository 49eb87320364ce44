// No input can crash the server: 100,000 random and mutated packets (from valid queries: flipped bytes, cuts,
// extensions, random lengths, bad label lengths, compression loops, wild counts, odd OPT records) go through the
// handler over the real answering core. Each gets no reply or a well-formed one (dns-packet decodes it, QR set,
// the ID and the question echoed, within the UDP limit); a normal query still works after. Upstream answers
// and TCP framing get the same treatment. Seeded: a failure names the seed and the packet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { RecordType } from 'dns-packet';
import { silentLogger } from '../../../common/log.js';
import { readUpstreamAnswer } from '../../../dns/forward/upstream-answer.js';
import { DnsHandler } from '../../../dns/server/handler.js';
import { keyScratch, parseQuery, QueryView } from '../../../dns/server/query.js';
import { TcpFramer } from '../../../dns/server/tcp-framer.js';
import { ZoneTemplates } from '../../../dns/server/zone-templates.js';
import { buildZones } from '../../../dns/zone/index.js';
import { FUZZ_TABLE } from '../../fakes/name-table.js';
import { checkReply, decode, query, RecordingForwarder, TCP, UDP } from './wire-support.js';

const SEED = Number(process.env['MESHLET_FUZZ_SEED'] ?? 20261122);
const PACKETS = 100_000;

/** xorshift32: reproducible from SEED. */
function rng(seed: number): { int(n: number): number; byte(): number; bytes(n: number): Buffer } {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  return {
    int: (n) => Math.floor(next() * n),
    byte: () => Math.floor(next() * 256),
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

const NAMES = ['web.default.svc.cluster.local', 'Peers.Default.SVC.cluster.local', '_http._tcp.web.default.svc.cluster.local', 'default.svc.cluster.local', '10.0.96.10.in-addr.arpa', 'x.y.example.com', '.', 'a'];
const TYPES: RecordType[] = ['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'SOA', 'NS', 'CNAME', 'MX', 'ANY' as RecordType];

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const name of NAMES) {
    for (const type of TYPES) {
      out.push(query(name, { type }));
      out.push(query(name, { type, edns: 1232, dnssecOk: true }));
    }
  }
  return out;
}

type Random = ReturnType<typeof rng>;

/** Offsets of the length bytes of the question name (from 12). */
function labelOffsets(msg: Buffer): number[] {
  const out: number[] = [];
  for (let at = 12, guard = 0; at < msg.length && guard < 130; guard++) {
    out.push(at);
    const len = msg[at] ?? 0;
    if (len === 0 || (len & 0xc0) !== 0) break;
    at += len + 1;
  }
  return out;
}

const MUTATIONS: ReadonlyArray<(m: Buffer, r: Random) => Buffer> = [
  (m, r) => {
    for (let i = 1 + r.int(4); i > 0; i--) m[r.int(m.length)] = r.byte();
    return m;
  },
  (m, r) => m.subarray(0, r.int(m.length)),
  (m, r) => Buffer.concat([m, r.bytes(1 + r.int(64))]),
  (_m, r) => r.bytes(r.int(600)),
  (m, r) => {
    const labels = labelOffsets(m);
    m[labels[r.int(labels.length)] ?? 12] = r.byte();
    return m;
  },
  // Compression loops: the question name pointing at itself, or a record name pointing at itself.
  (m, r) => Buffer.concat([m.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1]), r.int(2) ? Buffer.alloc(0) : m.subarray(12)]),
  (m) => {
    const at = m.length;
    const loop = Buffer.from([0xc0 | (at >> 8), at & 0xff, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0]);
    const out = Buffer.concat([m, loop]);
    if (out.length >= 12) out.writeUInt16BE((out.readUInt16BE(10) + 1) & 0xffff, 10);
    return out;
  },
  (m, r) => {
    if (m.length >= 12) m.writeUInt16BE(r.int(2) ? 0xffff : r.int(4), 4 + 2 * r.int(4));
    return m;
  },
  // The OPT record's fields: size, extended rcode, version, flags, RDLENGTH.
  (m, r) => {
    const at = m.length - 11 + 3 + r.int(8);
    if (at > 12 && at < m.length) m[at] = r.byte();
    return m;
  },
  (m, r) => {
    if (m.length >= 4) m.writeUInt16BE(r.int(0x10000), 2);
    return m;
  },
];

function mutate(seedsList: readonly Buffer[], r: Random): Buffer {
  let m = Buffer.from(seedsList[r.int(seedsList.length)]!);
  for (let n = 1 + r.int(3); n > 0; n--) m = Buffer.from(MUTATIONS[r.int(MUTATIONS.length)]!(m, r));
  return m;
}

function fuzzHandler(): DnsHandler {
  const zones = new ZoneTemplates(buildZones([FUZZ_TABLE], { ttl: 5 }), silentLogger(), 500);
  return new DnsHandler(zones, new RecordingForwarder());
}

void test(`${PACKETS} random and mutated packets: no crash, every reply well-formed, a normal query works after`, () => {
  const handler = fuzzHandler();
  const r = rng(SEED);
  const base = seeds();
  let replies = 0;
  for (let i = 0; i < PACKETS; i++) {
    const msg = mutate(base, r);
    const sink = i % 10 === 0 ? TCP : UDP;
    let reply: Buffer | undefined;
    try {
      reply = handler.handle(msg, sink, '127.0.0.1', 5353);
      if (reply !== undefined) checkReply(msg, reply, sink.tcp ? 65535 : 1232);
    } catch (err) {
      assert.fail(`seed ${SEED}, packet ${i} (${msg.toString('hex')}): ${(err as Error).message}`);
    }
    if (reply !== undefined) replies++;
  }
  assert.ok(replies > PACKETS / 4, `${replies} replies`);
  const p = decode(handler.handle(query('web.default.svc.cluster.local'), UDP, '127.0.0.1', 5353));
  assert.deepEqual(p.answers?.map((a) => (a.type === 'A' ? a.data : a.type)), ['10.96.0.10']);
});

void test('20,000 mutated upstream answers: accepted ones are well-formed templates, nothing throws', () => {
  const r = rng(SEED + 1);
  const question = query('www.example.com');
  const q = new QueryView();
  parseQuery(question, q, keyScratch());
  const key = q.key;
  const good = dnsPacket.encode({
    type: 'response', id: 1, flags: dnsPacket.RECURSION_AVAILABLE,
    questions: [{ name: 'www.example.com', type: 'A', class: 'IN' }],
    answers: [{ type: 'CNAME', name: 'www.example.com', ttl: 60, class: 'IN', data: 'web.example.com' }, { type: 'A', name: 'web.example.com', ttl: 30, class: 'IN', data: '192.0.2.1' }],
    authorities: [{ type: 'SOA', name: 'example.com', ttl: 60, class: 'IN', data: { mname: 'ns.example.com', rname: 'a.example.com', serial: 1, minimum: 30 } }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const msg = mutate([good], r);
    const answer = readUpstreamAnswer(msg, key, { maxTtl: 3600, maxNegativeTtl: 300 });
    if (answer === undefined) continue;
    accepted++;
    for (const at of answer.template.ttlOffsets) assert.ok(at + 4 <= answer.template.bytes.length);
    assert.ok(answer.cacheTtl >= 0 && answer.cacheTtl <= 3600);
  }
  assert.ok(accepted > 0);
});

void test('TCP framing of random chunks of random bytes never throws and never holds more than one message', () => {
  const r = rng(SEED + 2);
  let frames = 0;
  const framer = new TcpFramer((m) => {
    frames++;
    assert.ok(m.length <= 65535);
  });
  for (let i = 0; i < 5_000; i++) framer.push(r.bytes(r.int(3000)));
  assert.ok(frames > 0);
});
