// Reading a query: what the view holds after parseQuery (EDNS size and DO, the cache key), and the presentation
// name the answering core is asked with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyScratch, parseQuery, PARSED, presentationName, QueryView } from '../../../dns/server/query.js';
import { udpLimit } from '../../../dns/server/wire.js';
import { query } from './wire-support.js';

function parse(msg: Buffer): QueryView & { result: number } {
  const q = new QueryView();
  const result = parseQuery(msg, q, keyScratch());
  return Object.assign(q, { result });
}

void test('the view: ID, flags, question bounds, type, class, EDNS size and DO', () => {
  const q = parse(query('Web.Default.svc', { id: 99, type: 'AAAA', edns: 4000, dnssecOk: true }));
  assert.equal(q.result, PARSED.OK);
  assert.deepEqual([q.id, q.flags, q.qnameEnd, q.questionEnd, q.qtype, q.qclass], [99, 0x0100, 12 + 17, 12 + 21, 28, 1]);
  assert.deepEqual([q.edns, q.udpSize, q.dnssecOk], [true, 4000, true]);
  const plain = parse(query('web'));
  assert.deepEqual([plain.edns, plain.udpSize, plain.dnssecOk], [false, 512, false]);
});

void test('the key: the lower-cased wire name, type and class; the same for every spelling', () => {
  const a = parse(query('Web.Default.SVC')).key;
  const b = parse(query('web.default.svc')).key;
  assert.equal(a, b);
  assert.equal(a, '\x03web\x07default\x03svc\x00\x00\x01\x00\x01');
  assert.notEqual(parse(query('web.default.svc', { type: 'AAAA' })).key, a);
  assert.notEqual(parse(query('web.default.sv')).key.length, a.length);
});

void test('presentation names: lower case, no trailing dot, "." for the root, odd bytes escaped as \\DDD', () => {
  const name = (labels: number[][]): string => {
    const body = labels.flatMap((l) => [l.length, ...l]);
    const msg = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...body, 0, 0, 1, 0, 1]);
    const q = parse(msg);
    assert.equal(q.result, PARSED.OK);
    return presentationName(q);
  };
  const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];
  assert.equal(name([ascii('Web'), ascii('Default')]), 'web.default');
  assert.equal(name([]), '.');
  assert.equal(name([ascii('a.b'), ascii('c')]), 'a\\046b.c', 'a dot inside a label is not a separator');
  assert.equal(name([ascii('_http'), ascii('*'), [0xc3, 0xa9, 0x20, 0x5c]]), '_http.*.\\195\\169\\032\\092');
});

void test('udpLimit: 512 without EDNS; EDNS sizes clamped to [512, 1232]', () => {
  assert.deepEqual(
    [udpLimit(false, 4096), udpLimit(true, 0), udpLimit(true, 512), udpLimit(true, 800), udpLimit(true, 1232), udpLimit(true, 65535)],
    [512, 512, 512, 800, 1232, 1232],
  );
});
