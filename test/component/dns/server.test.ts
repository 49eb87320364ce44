// The DNS server on the wire (127.0.0.1, a random port) with the real answering core over a small NameTable,
// asked with dig over UDP and TCP, and with raw clients: truncation and the TCP retry, EDNS, rcodes, pipelined
// and split TCP queries, the idle timeout and the connection cap.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { DnsServer } from '../../../dns/index.js';
import { FUZZ_TABLE } from '../../fakes/name-table.js';
import { frame } from '../../../dns/server/tcp-framer.js';
import { a, dig, startFakeUpstream, startTestDns, tcpClient, type FakeUpstream } from './support.js';

const WEB = 'web.default.svc.cluster.local';
const PEERS = 'peers.default.svc.cluster.local';

describe('the DNS server on the wire', () => {
  let dns: DnsServer;
  let upstream: FakeUpstream;
  let port: number;

  before(async () => {
    upstream = await startFakeUpstream();
    upstream.set('www.example.com', { kind: 'answer', answers: [a('www.example.com', '192.0.2.10')] });
    dns = await startTestDns({ upstreams: [{ host: upstream.host, port: upstream.port }], tcpIdleMs: 400, maxTcpConnections: 4 });
    dns.setTables([FUZZ_TABLE]);
    port = dns.udpAddress.port;
  });
  after(async () => {
    await dns.close();
    await upstream.close();
  });

  test('UDP and TCP listen on the same port', () => {
    assert.deepEqual([dns.udpAddress.host, dns.tcpAddress.port], ['127.0.0.1', port]);
  });

  test('a Service name over UDP and over TCP: its ClusterIP, authoritative, TTL 5', async () => {
    for (const transport of ['+notcp', '+tcp']) {
      const d = await dig(port, WEB, 'A', transport);
      assert.equal(d.status, 'NOERROR');
      assert.deepEqual(d.flags, ['qr', 'aa', 'rd', 'ra']);
      assert.deepEqual(d.answers, [`${WEB}. 5 IN A 10.96.0.10`]);
      assert.equal(d.transport, transport === '+tcp' ? 'TCP' : 'UDP');
      assert.equal(d.ednsUdp, 1232, 'dig asks with EDNS; we answer with our OPT');
    }
  });

  test('the question`s case is echoed in the question and the answer', async () => {
    const d = await dig(port, 'WeB.Default.SVC.cluster.local', 'A');
    assert.equal(d.question, 'WeB.Default.SVC.cluster.local. IN A');
    assert.deepEqual(d.answers, ['WeB.Default.SVC.cluster.local. 5 IN A 10.96.0.10']);
  });

  test('too large for 512 bytes without EDNS: TC with no answers; dig then retries over TCP and gets them all', async () => {
    const cut = await dig(port, PEERS, 'A', '+noedns', '+ignore');
    assert.ok(cut.flags.includes('tc'), cut.text);
    assert.deepEqual([cut.answers.length, cut.transport], [0, 'UDP']);
    const retried = await dig(port, PEERS, 'A', '+noedns');
    assert.ok(retried.retriedOverTcp, retried.text);
    assert.deepEqual([retried.transport, retried.answers.length, retried.flags.includes('tc')], ['TCP', 60, false]);
  });

  test('with EDNS the limit is the client`s size within [512, 1232]', async () => {
    const fits = await dig(port, PEERS, 'A', '+bufsize=1232', '+ignore');
    assert.deepEqual([fits.flags.includes('tc'), fits.answers.length, fits.transport], [false, 60, 'UDP']);
    const small = await dig(port, PEERS, 'A', '+bufsize=600', '+ignore');
    assert.deepEqual([small.flags.includes('tc'), small.answers.length, small.ednsUdp], [true, 0, 1232]);
  });

  test('rcodes: NXDOMAIN with the SOA, REFUSED for CHAOS, HINFO for ANY, forwarded names from upstream', async () => {
    const nx = await dig(port, `nope.default.svc.cluster.local`, 'A');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.match(nx.authority[0] ?? '', /^cluster\.local\. 5 IN SOA /);
    const ch = await dig(port, 'version.bind', 'TXT', 'CH');
    assert.equal(ch.status, 'REFUSED');
    const any = await dig(port, WEB, 'ANY');
    assert.deepEqual(any.answers, [`${WEB}. 8482 IN HINFO "ANY obsoleted" "See RFC 8482"`]);
    const www = await dig(port, 'www.example.com', 'A');
    assert.deepEqual([www.status, www.flags, www.answers], ['NOERROR', ['qr', 'rd', 'ra'], ['www.example.com. 60 IN A 192.0.2.10']]);
  });

  test('TCP: pipelined queries in one write, a forwarded one among them, each answered with its ID', async () => {
    const c = await tcpClient(port);
    const names = [WEB, 'www.example.com', PEERS, 'nope.default.svc.cluster.local'];
    c.socket.write(Buffer.concat(names.map((name, i) => frame(dnsPacket.encode({ type: 'query', id: 100 + i, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] })))));
    const replies = (await c.waitFor(4)).map((r) => dnsPacket.decode(r));
    assert.deepEqual(replies.map((r) => r.id).sort(), [100, 101, 102, 103]);
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.equal(byId.get(101)?.answers?.length, 1);
    assert.equal(byId.get(102)?.answers?.length, 60);
    c.socket.destroy();
  });

  test('TCP: a query written a byte at a time (and its length split) is answered', async () => {
    const c = await tcpClient(port);
    const bytes = frame(dnsPacket.encode({ type: 'query', id: 7, questions: [{ name: WEB, type: 'A' }] }));
    for (const byte of bytes) {
      c.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const [reply] = await c.waitFor(1);
    assert.equal(dnsPacket.decode(reply!).answers?.length, 1);
    c.socket.destroy();
  });

  test('TCP: an idle connection is closed after the idle timeout', async () => {
    const c = await tcpClient(port);
    const start = Date.now();
    await c.closed;
    const waited = Date.now() - start;
    assert.ok(waited >= 300 && waited < 2000, `${waited} ms`);
  });

  test('TCP: connections beyond the cap are closed at once; the others keep working', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => tcpClient(port)));
    await new Promise((r) => setTimeout(r, 50));
    const extra = await tcpClient(port);
    await extra.closed;
    held[0]!.socket.write(frame(dnsPacket.encode({ type: 'query', id: 9, questions: [{ name: WEB, type: 'A' }] })));
    assert.equal((await held[0]!.waitFor(1)).length, 1);
    for (const h of held) h.socket.destroy();
  });
});

describe('before the first NameTable', () => {
  test('cluster names get SERVFAIL (not NXDOMAIN, which resolvers would cache); others are forwarded', async () => {
    const upstream = await startFakeUpstream();
    upstream.set('www.example.com', { kind: 'answer', answers: [a('www.example.com', '192.0.2.10')] });
    const dns = await startTestDns({ upstreams: [{ host: upstream.host, port: upstream.port }] });
    try {
      const d = await dig(dns.udpAddress.port, WEB, 'A');
      assert.deepEqual([d.status, d.flags.includes('aa')], ['SERVFAIL', false]);
      assert.equal((await dig(dns.udpAddress.port, 'www.example.com', 'A')).answers.length, 1);
      dns.setTables([FUZZ_TABLE]);
      await dns.synced;
      assert.deepEqual((await dig(dns.udpAddress.port, WEB, 'A')).answers, [`${WEB}. 5 IN A 10.96.0.10`]);
    } finally {
      await dns.close();
      await upstream.close();
    }
  });
});
