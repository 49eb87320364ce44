// Upstream answers and their cache: how long an answer may be kept (positive: smallest answer TTL; negative:
// the SOA's, RFC 2308), TTLs decremented by the age when served, expiry, the bound and its LRU order, and what
// is not an acceptable answer (another question, not a response, malformed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';
import { AnswerCache } from '../../../dns/forward/answer-cache.js';
import { readUpstreamAnswer, type UpstreamAnswer } from '../../../dns/forward/upstream-answer.js';
import { compressMessage } from '../../../dns/server/compress.js';
import { keyScratch, parseQuery, QueryView } from '../../../dns/server/query.js';
import { fromTemplate } from '../../../dns/server/template.js';
import { query } from './wire-support.js';

const LIMITS = { maxTtl: 3600, maxNegativeTtl: 300 };
const NAME = 'www.example.com';

const a = (ttl: number, ip = '192.0.2.1', name = NAME): Answer => ({ type: 'A', name, ttl, class: 'IN', data: ip });
const soa = (ttl: number, minimum: number): Answer => ({
  type: 'SOA', name: 'example.com', ttl, class: 'IN',
  data: { mname: 'ns.example.com', rname: 'admin.example.com', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum },
});
const opt: Answer = { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };

interface Reply {
  readonly rcode?: number;
  readonly flags?: number;
  readonly name?: string;
  readonly answers?: Answer[];
  readonly authorities?: Answer[];
  readonly additionals?: Answer[];
}

/** An upstream's response (names compressed, as resolvers send them). */
function reply(r: Reply): Buffer {
  const flags = (r.flags ?? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE) | (r.rcode ?? 0);
  const msg = dnsPacket.encode({
    type: 'response', id: 777, flags,
    questions: [{ name: r.name ?? NAME, type: 'A', class: 'IN' }],
    answers: r.answers ?? [], authorities: r.authorities ?? [], additionals: r.additionals ?? [opt],
  });
  return compressMessage(msg);
}

function view(msg: Buffer): QueryView {
  const q = new QueryView();
  parseQuery(msg, q, keyScratch());
  return q;
}

const KEY = view(query(NAME)).key;

function read(msg: Buffer): UpstreamAnswer {
  const answer = readUpstreamAnswer(msg, KEY, LIMITS);
  assert.ok(answer, 'accepted');
  return answer;
}

void test('how long an answer is cached: positive, negative (RFC 2308 §5), capped; errors and TC not at all', () => {
  const rows: Array<[string, Reply, number]> = [
    ['smallest answer TTL', { answers: [a(300), a(60, '192.0.2.2')] }, 60],
    ['capped at 3600 s', { answers: [a(86400)] }, 3600],
    ['answer TTL 0', { answers: [a(0)] }, 0],
    ['a TTL with the top bit set reads as 0 (RFC 2181 §8)', { answers: [a(0x80000001)] }, 0],
    ['NXDOMAIN: min(SOA TTL, SOA MINIMUM)', { rcode: 3, authorities: [soa(900, 60)] }, 60],
    ['NXDOMAIN: the SOA TTL when smaller', { rcode: 3, authorities: [soa(30, 600)] }, 30],
    ['NXDOMAIN: capped at 300 s', { rcode: 3, authorities: [soa(3600, 3600)] }, 300],
    ['NODATA (NOERROR, no answer) with an SOA', { authorities: [soa(120, 120)] }, 120],
    ['NXDOMAIN without an SOA', { rcode: 3 }, 0],
    ['SERVFAIL', { rcode: 2 }, 0],
    ['REFUSED', { rcode: 5 }, 0],
    ['truncated', { flags: dnsPacket.TRUNCATED_RESPONSE, answers: [a(300)] }, 0],
  ];
  for (const [why, r, ttl] of rows) assert.equal(read(reply(r)).cacheTtl, ttl, why);
  assert.equal(read(reply({ flags: dnsPacket.TRUNCATED_RESPONSE })).truncated, true);
});

void test('the template: the upstream`s OPT cut off, AA cleared, AD kept, rcode kept; extended rcodes → SERVFAIL', () => {
  const r = read(reply({ flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.AUTHENTIC_DATA, answers: [a(60)], additionals: [a(60, '192.0.2.9', 'ns.example.com'), opt] }));
  const t = dnsPacket.decode(r.template.bytes);
  assert.deepEqual([t.id, t.flag_aa, t.flag_ad, t.flag_ra, t.additionals?.map((x) => x.type)], [0, false, true, true, ['A']]);
  // OPT before another additional record: it and what follows go (the pointers before it stay valid).
  const middle = read(reply({ answers: [a(60)], additionals: [opt, a(60, '192.0.2.9', 'ns.example.com')] }));
  assert.deepEqual(dnsPacket.decode(middle.template.bytes).additionals, []);
  const badCookie = Buffer.from(reply({ answers: [a(60)], additionals: [{ ...opt, extendedRcode: 1 }] }));
  badCookie[3] = (badCookie[3]! & 0xf0) | 7; // rcode 23 = BADCOOKIE: upper bits 1, lower 7
  const bc = read(badCookie);
  assert.deepEqual([bc.rcode, (dnsPacket.decode(bc.template.bytes) as DecodedPacket & { rcode: string }).rcode, bc.cacheTtl], [23, 'SERVFAIL', 0]);
});

void test('served from the cache: every TTL less the age (never below 0), the client`s ID, case, bits and OPT', () => {
  const r = read(reply({ answers: [a(60), a(10, '192.0.2.2')], authorities: [soa(30, 30)] }));
  const client = view(query('WWW.example.COM', { id: 31, edns: 1232, dnssecOk: true }));
  const out = dnsPacket.decode(fromTemplate(r.template, client, 1232, 15));
  assert.equal(out.id, 31);
  assert.deepEqual(out.questions?.map((x) => x.name), ['WWW.example.COM']);
  assert.deepEqual(out.answers?.map((x) => [x.name, x.type === 'A' ? x.ttl : undefined]), [['WWW.example.COM', 45], ['WWW.example.COM', 0]]);
  assert.deepEqual(out.authorities?.map((x) => (x.type === 'SOA' ? x.ttl : undefined)), [15]);
  const o = out.additionals?.[0];
  assert.deepEqual(o?.type === 'OPT' ? [o.udpPayloadSize, o.flag_do] : undefined, [1232, true]);
  assert.deepEqual([out.flag_rd, out.flag_ra, out.flag_aa], [true, true, false]);
});

void test('not an answer to our question: another name or type, a query, a cut message → ignored', () => {
  assert.equal(readUpstreamAnswer(reply({ name: 'www.example.org', answers: [a(60, '192.0.2.1', 'www.example.org')] }), KEY, LIMITS), undefined);
  const aaaa = view(query(NAME, { type: 'AAAA' })).key;
  assert.equal(readUpstreamAnswer(reply({ answers: [a(60)] }), aaaa, LIMITS), undefined);
  assert.ok(readUpstreamAnswer(reply({ name: 'WWW.Example.com', answers: [a(60, '192.0.2.1', 'WWW.Example.com')] }), KEY, LIMITS), 'case differs: fine');
  const asQuery = Buffer.from(reply({ answers: [a(60)] }));
  asQuery[2] = asQuery[2]! & 0x7f;
  assert.equal(readUpstreamAnswer(asQuery, KEY, LIMITS), undefined);
  const whole = reply({ answers: [a(60)], authorities: [soa(30, 30)] });
  for (let n = 0; n < whole.length - 11; n++) assert.equal(readUpstreamAnswer(whole.subarray(0, n), KEY, LIMITS), undefined, `cut at ${n}`);
});

const template = { bytes: Buffer.from('x'), ttlOffsets: [] };

void test('the cache: hits with their age, expiry at the TTL, nothing kept for TTL 0', () => {
  const cache = new AnswerCache(10);
  cache.set('k', template, 30, 1000);
  assert.deepEqual(cache.get('k', 1000), { template, ageSeconds: 0 });
  assert.deepEqual(cache.get('k', 30_999)?.ageSeconds, 29);
  assert.equal(cache.get('k', 31_000), undefined, 'expired');
  assert.equal(cache.size, 0, 'an expired entry leaves');
  cache.set('zero', template, 0, 1000);
  assert.equal(cache.get('zero', 1000), undefined);
});

void test('the cache is bounded: the least recently used entry leaves first', () => {
  const cache = new AnswerCache(3);
  for (const k of ['a', 'b', 'c']) cache.set(k, template, 60, 0);
  assert.ok(cache.get('a', 1));
  cache.set('d', template, 60, 2);
  assert.equal(cache.size, 3);
  assert.equal(cache.get('b', 3), undefined, 'b was least recently used');
  assert.ok(cache.get('a', 3) && cache.get('c', 3) && cache.get('d', 3));
  cache.set('a', template, 60, 4);
  assert.equal(cache.size, 3, 'replacing an entry does not evict another');
});
