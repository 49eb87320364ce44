// Name compression of the server's templates: the same records after decoding, fewer bytes, owner names that
// are the question pointing at it, SRV targets in full.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer } from 'dns-packet';
import { compressMessage } from '../../../dns/server/compress.js';

const Q = 'web.default.svc.cluster.local';
const records: Answer[] = [
  { type: 'A', name: Q, ttl: 5, class: 'IN', data: '10.96.0.10' },
  { type: 'CNAME', name: `alias.default.svc.cluster.local`, ttl: 5, class: 'IN', data: Q },
  { type: 'SRV', name: `_http._tcp.${Q}`, ttl: 5, class: 'IN', data: { priority: 0, weight: 100, port: 80, target: Q } },
  { type: 'PTR', name: '10.0.96.10.in-addr.arpa', ttl: 5, class: 'IN', data: Q },
  { type: 'MX', name: Q, ttl: 5, class: 'IN', data: { preference: 10, exchange: `mail.${Q}` } },
  { type: 'TXT', name: Q, ttl: 5, class: 'IN', data: ['v=1'] },
  { type: 'AAAA', name: 'other.example', ttl: 5, class: 'IN', data: 'fd00::1' },
];
const soa: Answer = {
  type: 'SOA', name: 'cluster.local', ttl: 5, class: 'IN',
  data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 9, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
};

void test('compressed messages decode to the same records, in fewer bytes', () => {
  const msg = dnsPacket.encode({ type: 'response', id: 0, questions: [{ name: Q, type: 'A', class: 'IN' }], answers: records, authorities: [soa] });
  const small = compressMessage(msg);
  assert.ok(small.length < msg.length * 0.6, `${small.length} of ${msg.length}`);
  const [a, b] = [dnsPacket.decode(msg), dnsPacket.decode(small)];
  assert.deepEqual(b.answers, a.answers);
  assert.deepEqual(b.authorities, a.authorities);
  assert.deepEqual(b.questions, a.questions);
});

void test('an owner name equal to the question is a pointer to offset 12; an SRV target is written in full', () => {
  const msg = dnsPacket.encode({ type: 'response', questions: [{ name: Q, type: 'A', class: 'IN' }], answers: [records[0]!, records[2]!] });
  const small = compressMessage(msg);
  const questionEnd = 12 + Q.length + 2 + 4;
  assert.deepEqual([...small.subarray(questionEnd, questionEnd + 2)], [0xc0, 12]);
  // The SRV record: owner `_http._tcp` + pointer, then priority/weight/port and the full target.
  const target = Buffer.from([...Q.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]), 0]);
  assert.ok(small.indexOf(target, questionEnd) > 0, 'the target is spelled out');
});

void test('a message without records, and the root name', () => {
  const msg = dnsPacket.encode({ type: 'response', questions: [{ name: '.', type: 'NS', class: 'IN' }] });
  assert.deepEqual(compressMessage(msg), msg);
});
