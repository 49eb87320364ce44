// The server's answer to one query, over fake zones: header flags, the question echoed as asked, EDNS, the UDP
// size limits and truncation, and the error rcodes, as tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptAnswer } from 'dns-packet';
import { FAKE_ZONE, manyA, positive, SERVFAIL } from '../../fakes/dns-zones.js';
import { decode, flagsOf, query, TCP, wire } from './wire-support.js';

const WEB = `web.${FAKE_ZONE}`;
const BIG = `big.${FAKE_ZONE}`;
const answers = {
  [`${WEB} A`]: positive([{ type: 'A', name: WEB, ttl: 5, class: 'IN', data: '10.96.0.10' }]),
  [`down.${FAKE_ZONE} A`]: SERVFAIL,
  [`${BIG} A`]: positive(manyA(BIG, 100)),
  [`huge.${FAKE_ZONE} A`]: positive(manyA(`huge.${FAKE_ZONE}`, 3000)),
};

function opt(p: ReturnType<typeof decode>): OptAnswer | undefined {
  return p.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
}

void test('a cluster answer: QR, AA from the zone, RD copied, RA set; the ID and the question echoed as asked', () => {
  const w = wire(answers);
  const p = decode(w.ask(query('Web.Cluster.TEST', { id: 4242 })));
  assert.deepEqual([p.id, flagsOf(p), p.rcode], [4242, 'qr aa rd ra', 'NOERROR']);
  assert.deepEqual(p.questions, [{ name: 'Web.Cluster.TEST', type: 'A', class: 'IN' }]);
  assert.deepEqual(p.answers?.map((a) => (a.type === 'A' ? [a.name, a.type, a.ttl, a.data] : a.type)), [['Web.Cluster.TEST', 'A', 5, '10.96.0.10']]);
  assert.deepEqual(w.zones.asked, [{ name: WEB, type: 'A', class: 'IN' }], 'the zone is asked in lower case');
  const noRd = decode(w.ask(query(WEB, { flags: 0 })));
  assert.equal(flagsOf(noRd), 'qr aa ra');
  const cd = decode(w.ask(query(WEB, { flags: 0x0010 | 0x0100 })));
  assert.equal(flagsOf(cd), 'qr aa rd ra cd');
});

void test('answers are cached per lower-cased question: the zone is asked once, each client reads its own case', () => {
  const w = wire(answers);
  for (const name of ['web.cluster.test', 'WEB.CLUSTER.TEST', 'wEb.cluster.test']) {
    const p = decode(w.ask(query(name)));
    assert.equal(p.questions?.[0]?.name, name);
    assert.equal(p.answers?.[0]?.name, name);
  }
  assert.equal(w.zones.asked.length, 1);
});

void test('SERVFAIL and NXDOMAIN from the zone; names outside go to the forwarder, unanswered here', () => {
  const w = wire(answers);
  const down = decode(w.ask(query(`down.${FAKE_ZONE}`)));
  assert.deepEqual([down.rcode, flagsOf(down)], ['SERVFAIL', 'qr rd ra']);
  const nx = decode(w.ask(query(`nope.${FAKE_ZONE}`)));
  assert.deepEqual([nx.rcode, flagsOf(nx), nx.authorities?.[0]?.type], ['NXDOMAIN', 'qr aa rd ra', 'SOA']);
  assert.equal(w.ask(query('example.com', { type: 'AAAA' })), undefined);
  assert.equal(w.forwarder.forwarded.length, 1);
});

void test('EDNS: an OPT in every answer to an EDNS query (payload 1232, version 0, DO copied); none otherwise', () => {
  const w = wire(answers);
  const plain = decode(w.ask(query(WEB)));
  assert.equal(opt(plain), undefined);
  for (const dnssecOk of [false, true]) {
    const p = decode(w.ask(query(WEB, { edns: 4096, dnssecOk })));
    const o = opt(p);
    assert.deepEqual([o?.udpPayloadSize, o?.ednsVersion, o?.flag_do, o?.options.length], [1232, 0, dnssecOk, 0]);
    assert.equal(p.additionals?.length, 1);
  }
  const nx = decode(w.ask(query(`nope.${FAKE_ZONE}`, { edns: 1232 })));
  assert.equal(opt(nx)?.udpPayloadSize, 1232, 'negative answers carry it too');
});

void test('UDP size limits: 512 without EDNS, else the advertised size within [512, 1232]; TC with empty sections', () => {
  const w = wire(answers);
  // 100 compressed A records: 16 bytes each after the question.
  const full = w.ask(query(BIG), TCP)?.length ?? 0;
  assert.ok(full > 1232 && full < 2000, `${full}`);
  const rows: Array<[edns: number | undefined, limit: number]> = [[undefined, 512], [100, 512], [512, 512], [1000, 1000], [1232, 1232], [4096, 1232], [65535, 1232]];
  for (let n = 20; n <= 100; n += 8) {
    const name = `n${n}.${FAKE_ZONE}`;
    const sized = wire({ [`${name} A`]: positive(manyA(name, n)) });
    const length = (sized.ask(query(name), TCP)?.length ?? 0);
    for (const [edns, limit] of rows) {
      const response = sized.ask(query(name, { ...(edns !== undefined && { edns }) }));
      const p = decode(response);
      const size = length + (edns === undefined ? 0 : 11);
      const row = `${n} records (${size} bytes), EDNS ${edns ?? 'none'}`;
      assert.equal(p.flag_tc, size > limit, row);
      assert.equal(p.answers?.length, size > limit ? 0 : n, row);
      assert.ok((response?.length ?? 0) <= limit, row);
      assert.equal(p.questions?.length, 1, row);
      assert.equal(opt(p) !== undefined, edns !== undefined, row);
    }
  }
});

void test('TCP: answers up to 65535 bytes are never truncated', () => {
  const w = wire(answers);
  const p = decode(w.ask(query(`huge.${FAKE_ZONE}`, { edns: 1232 }), TCP));
  assert.deepEqual([p.flag_tc, p.answers?.length], [false, 3000]);
});

void test('ANY: one HINFO record, as CoreDNS`s any plugin (RFC 8482 §4.2), for cluster and outside names alike', () => {
  const w = wire(answers);
  for (const name of ['Web.cluster.test', 'example.com']) {
    const p = decode(w.ask(query(name, { type: 'ANY' as 'A' })));
    assert.deepEqual(
      p.answers?.map((a) => (a.type === 'HINFO' ? [a.name, a.type, a.ttl, [a.data.cpu, a.data.os]] : a.type)),
      [[name, 'HINFO', 8482, ['ANY obsoleted', 'See RFC 8482']]],
    );
    assert.equal(p.rcode, 'NOERROR');
  }
  assert.deepEqual([w.zones.asked.length, w.forwarder.forwarded.length], [0, 0]);
});

void test('class other than IN → REFUSED; AXFR/IXFR → REFUSED; MAILA/MAILB → NOTIMP; the question echoed', () => {
  const w = wire(answers);
  const rows: Array<[Parameters<typeof query>[1], string]> = [
    [{ class: 'CH', type: 'TXT' }, 'REFUSED'],
    [{ class: 'HS' }, 'REFUSED'],
    [{ class: 'ANY' }, 'REFUSED'],
    [{ type: 'AXFR' }, 'REFUSED'],
    [{ type: 'IXFR' }, 'REFUSED'],
    [{ type: 'UNKNOWN_254' as 'A' }, 'NOTIMP'],
  ];
  for (const [o, rcode] of rows) {
    const p = decode(w.ask(query(WEB, { ...o, id: 7, edns: 1232 })));
    assert.deepEqual([p.id, p.rcode, p.questions?.length, opt(p)?.udpPayloadSize], [7, rcode, 1, 1232], JSON.stringify(o));
  }
  assert.equal(w.zones.asked.length, 0);
});

/** A header with the given ID, flags and counts, then `rest`. */
function raw(flags: number, counts: [number, number, number, number], rest: number[] = []): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0xbeef, 0);
  h.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => h.writeUInt16BE(c, 4 + 2 * i));
  return Buffer.concat([h, Buffer.from(rest)]);
}

const WEB_QUESTION = [3, 0x77, 0x65, 0x62, 0, 0, 1, 0, 1]; // web. A IN
const OPT_RR = [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0];

void test('malformed queries with a readable header → FORMERR echoing the ID; unreadable or responses → dropped', () => {
  const w = wire(answers);
  const formerr: Array<[string, Buffer]> = [
    ['no question', raw(0x0100, [0, 0, 0, 0])],
    ['two questions', raw(0x0100, [2, 0, 0, 0], [...WEB_QUESTION, ...WEB_QUESTION])],
    ['question cut short', raw(0x0100, [1, 0, 0, 0], [3, 0x77, 0x65])],
    ['no type and class', raw(0x0100, [1, 0, 0, 0], [3, 0x77, 0x65, 0x62, 0, 0, 1])],
    ['pointer in the question', raw(0x0100, [1, 0, 0, 0], [0xc0, 0x0c, 0, 1, 0, 1])],
    ['reserved label type', raw(0x0100, [1, 0, 0, 0], [0x40, 0, 1, 0, 1])],
    ['label past the end', raw(0x0100, [1, 0, 0, 0], [63, 0x77, 0, 1, 0, 1])],
    ['name over 255 bytes', raw(0x0100, [1, 0, 0, 0], [...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(0x61)]).flat(), 0, 0, 1, 0, 1])],
    ['QTYPE OPT', raw(0x0100, [1, 0, 0, 0], [3, 0x77, 0x65, 0x62, 0, 0, 41, 0, 1])],
    ['missing additional record', raw(0x0100, [1, 0, 0, 1], WEB_QUESTION)],
    ['two OPT records', raw(0x0100, [1, 0, 0, 2], [...WEB_QUESTION, ...OPT_RR, ...OPT_RR])],
    ['OPT in the answer section', raw(0x0100, [1, 1, 0, 0], [...WEB_QUESTION, ...OPT_RR])],
    ['OPT not owned by the root', raw(0x0100, [1, 0, 0, 1], [...WEB_QUESTION, 1, 0x61, 0, ...OPT_RR.slice(1)])],
    ['RDATA past the end', raw(0x0100, [1, 0, 0, 1], [...WEB_QUESTION, ...OPT_RR.slice(0, 9), 0, 9])],
  ];
  for (const [why, msg] of formerr) {
    const p = decode(w.ask(msg));
    assert.deepEqual([p.id, p.rcode, p.flag_qr, p.flag_rd, p.questions?.length], [0xbeef, 'FORMERR', true, true, 0], why);
  }
  const dropped: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['11 bytes', Buffer.alloc(11)],
    ['a response', raw(0x8100, [1, 0, 0, 0], WEB_QUESTION)],
  ];
  for (const [why, msg] of dropped) assert.equal(w.ask(msg), undefined, why);
  assert.equal(w.zones.asked.length, 0);
});

void test('opcodes other than QUERY → NOTIMP with the opcode echoed', () => {
  const w = wire(answers);
  for (const [opcode, name] of [[1, 'IQUERY'], [2, 'STATUS'], [4, 'NOTIFY'], [5, 'UPDATE'], [15, 'OPCODE_15']] as const) {
    const p = decode(w.ask(raw(opcode << 11, [1, 0, 0, 0], WEB_QUESTION)));
    assert.deepEqual([p.rcode, p.opcode, p.id], ['NOTIMP', name, 0xbeef]);
  }
});

void test('EDNS version 1 → BADVERS (extended rcode 16) with an OPT of version 0 (RFC 6891 §6.1.3)', () => {
  const w = wire(answers);
  const msg = raw(0x0100, [1, 0, 0, 1], [...WEB_QUESTION, 0, 0, 41, 0x10, 0, 0, 1, 0, 0, 0, 0]);
  const p = decode(w.ask(msg));
  const o = opt(p);
  assert.deepEqual([p.rcode, o?.extendedRcode, o?.ednsVersion, p.answers?.length], ['NOERROR', 1, 0, 0]);
});

void test('unknown record types reach the zone under dns-packet`s name for them', () => {
  const w = wire(answers);
  decode(w.ask(query(WEB, { type: 'UNKNOWN_65280' as 'A' })));
  assert.equal(w.zones.asked[0]?.type, 'UNKNOWN_65280');
});
