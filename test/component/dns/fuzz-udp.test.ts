// The fuzz of test/unit/dns/wire-fuzz.test.ts, smaller, over a real UDP socket: 3,000 mutated packets to the
// running server (forwarded ones reach a fake upstream); every reply is well-formed and answers a packet that
// was sent; the server still answers a normal query after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUZZ_TABLE } from '../../fakes/name-table.js';
import { checkReply, query } from '../../unit/dns/wire-support.js';
import { dig, startFakeUpstream, startTestDns, udpExchange } from './support.js';

const NAMES = ['web.default.svc.cluster.local', 'peers.default.svc.cluster.local', 'www.example.com', 'x.default.svc.cluster.local'];

void test('3,000 mutated packets over UDP: well-formed replies only, and the server still answers', async () => {
  const upstream = await startFakeUpstream();
  const dns = await startTestDns({ upstreams: [{ host: upstream.host, port: upstream.port }], upstreamTimeoutMs: 200 });
  dns.setTables([FUZZ_TABLE]);
  try {
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let sentCount = 0;
    let replyCount = 0;
    for (let batch = 0; batch < 30; batch++) {
      const sent = new Map<number, Buffer>();
      for (let i = 0; i < 100; i++) {
        const base = query(NAMES[random(NAMES.length)]!, { edns: random(2) ? 1232 : undefined });
        const m = Buffer.from(base);
        for (let f = 1 + random(3); f > 0; f--) m[12 + random(m.length - 12)] = random(256);
        const msg = random(4) === 0 ? m.subarray(0, 12 + random(m.length - 12)) : m;
        const id = sentCount++; // unique over the run: a late reply cannot be taken for another packet's
        msg.writeUInt16BE(id, 0);
        sent.set(id, msg);
      }
      const replies = await udpExchange(dns.udpAddress.port, [...sent.values()], 250);
      for (const reply of replies) {
        const msg = sent.get(reply.readUInt16BE(0));
        assert.ok(msg, `a reply to a packet of this batch (ID ${reply.readUInt16BE(0)})`);
        checkReply(msg, reply, 1232);
        replyCount++;
      }
    }
    assert.ok(replyCount > 1000, `${replyCount} replies to ${sentCount} packets`);
    const d = await dig(dns.udpAddress.port, 'web.default.svc.cluster.local', 'A');
    assert.deepEqual(d.answers, ['web.default.svc.cluster.local. 5 IN A 10.96.0.10']);
  } finally {
    await dns.close();
    await upstream.close();
  }
});
