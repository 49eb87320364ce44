// Forwarding through the real server to fake upstream resolvers on 127.0.0.2 and 127.0.0.3: the cache
// (positive and negative, TTLs counting down), the timeout (SERVFAIL), fail-over between upstreams, the TCP
// retry of a truncated answer, coalescing of identical questions, and answers that are not ours ignored.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { DnsServer } from '../../../dns/index.js';
import { FUZZ_TABLE } from '../../fakes/name-table.js';
import { a, dig, startFakeUpstream, startTestDns, udpExchange, type FakeUpstream } from './support.js';

describe('forwarding', () => {
  let first: FakeUpstream;
  let second: FakeUpstream;
  let dns: DnsServer | undefined;

  before(async () => {
    first = await startFakeUpstream('127.0.0.2');
    second = await startFakeUpstream('127.0.0.3');
  });
  after(async () => {
    await first.close();
    await second.close();
  });
  afterEach(async () => {
    await dns?.close();
    dns = undefined;
    first.received.length = 0;
    second.received.length = 0;
  });

  async function server(upstreams: FakeUpstream[], timeoutMs = 600): Promise<number> {
    await dns?.close();
    dns = await startTestDns({ upstreams: upstreams.map((u) => ({ host: u.host, port: u.port })), upstreamTimeoutMs: timeoutMs });
    dns.setTables([FUZZ_TABLE]);
    return dns.udpAddress.port;
  }

  test('an answer is cached: the second query is not sent upstream, and its TTL has counted down', async () => {
    first.set('cached.example.com', { kind: 'answer', answers: [a('cached.example.com', '192.0.2.1', 30)] });
    const port = await server([first]);
    const one = await dig(port, 'cached.example.com', 'A');
    assert.deepEqual(one.answers, ['cached.example.com. 30 IN A 192.0.2.1']);
    await new Promise((r) => setTimeout(r, 1100));
    const two = await dig(port, 'Cached.Example.com', 'A');
    assert.deepEqual(two.answers, ['Cached.Example.com. 29 IN A 192.0.2.1']);
    assert.equal(first.count('cached.example.com'), 1);
    assert.equal(dns?.counters().cacheHits, 1);
  });

  test('NXDOMAIN is cached for the SOA`s negative TTL (RFC 2308)', async () => {
    first.set('gone.example.com', { kind: 'nxdomain', soaTtl: 60 });
    const port = await server([first]);
    for (let i = 0; i < 3; i++) assert.equal((await dig(port, 'gone.example.com', 'A')).status, 'NXDOMAIN');
    assert.equal(first.count('gone.example.com'), 1);
  });

  test('an upstream that never answers → SERVFAIL within the timeout; the answer is not cached', async () => {
    first.set('slow.example.com', { kind: 'silent' });
    const port = await server([first], 600);
    const start = Date.now();
    const d = await dig(port, 'slow.example.com', 'A');
    const took = Date.now() - start;
    assert.equal(d.status, 'SERVFAIL');
    assert.ok(took >= 550 && took < 1500, `${took} ms`);
    assert.equal(first.count('slow.example.com'), 2, 'one upstream gets a second try');
    assert.equal(dns?.counters().timeouts, 1);
  });

  test('fail-over: the first upstream silent, the second answers; later questions go to the second first', async () => {
    first.set('fo.example.com', { kind: 'silent' });
    first.set('next.example.com', { kind: 'silent' });
    second.set('fo.example.com', { kind: 'answer', answers: [a('fo.example.com', '192.0.2.2')] });
    second.set('next.example.com', { kind: 'answer', answers: [a('next.example.com', '192.0.2.3')] });
    const port = await server([first, second], 1000);
    assert.deepEqual((await dig(port, 'fo.example.com', 'A')).answers, ['fo.example.com. 60 IN A 192.0.2.2']);
    const start = Date.now();
    assert.deepEqual((await dig(port, 'next.example.com', 'A')).answers, ['next.example.com. 60 IN A 192.0.2.3']);
    assert.ok(Date.now() - start < 400, 'no wait for the silent upstream');
    assert.deepEqual([first.count('next.example.com'), second.count('next.example.com')], [0, 1]);
  });

  test('SERVFAIL from one upstream: the next is asked at once', async () => {
    first.set('flaky.example.com', { kind: 'servfail' });
    second.set('flaky.example.com', { kind: 'answer', answers: [a('flaky.example.com', '192.0.2.4')] });
    const port = await server([first, second], 2000);
    const start = Date.now();
    assert.deepEqual((await dig(port, 'flaky.example.com', 'A')).answers, ['flaky.example.com. 60 IN A 192.0.2.4']);
    assert.ok(Date.now() - start < 500);
  });

  test('a truncated upstream answer is asked again over TCP; the client gets it whole', async () => {
    const many = Array.from({ length: 40 }, (_, i) => a('big.example.com', `192.0.2.${i + 1}`));
    first.set('big.example.com', { kind: 'truncate', answers: many });
    const port = await server([first]);
    const d = await dig(port, 'big.example.com', 'A', '+bufsize=1232', '+ignore');
    assert.deepEqual([d.status, d.answers.length, d.flags.includes('tc')], ['NOERROR', 40, false]);
    assert.deepEqual([first.count('big.example.com', 'udp'), first.count('big.example.com', 'tcp')], [1, 1]);
    const plain = await dig(port, 'big.example.com', 'A', '+noedns');
    assert.ok(plain.retriedOverTcp, 'over 512 bytes: the client is told to use TCP');
    assert.equal(plain.answers.length, 40);
    assert.equal(first.count('big.example.com'), 2, 'both served from the cache afterwards');
  });

  test('identical questions in flight share one upstream query; each client gets its own ID', async () => {
    first.set('burst.example.com', { kind: 'answer', answers: [a('burst.example.com', '192.0.2.5')], delayMs: 200 });
    const port = await server([first]);
    const queries = Array.from({ length: 20 }, (_, i) => dnsPacket.encode({ type: 'query', id: 500 + i, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'burst.example.com', type: 'A' }] }));
    const replies = (await udpExchange(port, queries)).map((r) => dnsPacket.decode(r));
    assert.deepEqual(replies.map((r) => r.id).sort(), queries.map((_, i) => 500 + i));
    assert.ok(replies.every((r) => r.answers?.[0]?.type === 'A' && r.answers[0].data === '192.0.2.5'));
    assert.equal(first.count('burst.example.com'), 1);
    assert.equal(dns?.counters().coalesced, 19);
  });

  test('an upstream answer to another question is ignored (a stray or forged datagram) → SERVFAIL', async () => {
    first.set('odd.example.com', { kind: 'wrong-question' });
    const port = await server([first], 500);
    assert.equal((await dig(port, 'odd.example.com', 'A')).status, 'SERVFAIL');
  });

  test('no upstream at all: SERVFAIL at once; cluster names are never forwarded', async () => {
    const port = await server([]);
    assert.equal((await dig(port, 'www.example.com', 'A')).status, 'SERVFAIL');
    const cluster = await server([first]);
    assert.equal((await dig(cluster, 'nope.default.svc.cluster.local', 'A')).status, 'NXDOMAIN');
    assert.equal(first.received.length, 0);
  });
});
