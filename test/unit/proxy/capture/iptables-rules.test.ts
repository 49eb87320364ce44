// The capture rules as istio-init writes them: a table of options → the exact iptables-restore text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captureOptions, captureRules, removalCommands, type CaptureOptions } from '../../../../proxy/capture/iptables-rules.js';

const HEAD = [
  '*nat',
  ':MESHLET_OUTPUT - [0:0]',
  ':MESHLET_REDIRECT - [0:0]',
  ':MESHLET_INBOUND - [0:0]',
  ':MESHLET_IN_REDIRECT - [0:0]',
  '-A MESHLET_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
  '-A MESHLET_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
];
const INBOUND_DEFAULT = [15000, 15001, 15006, 15020, 15021, 15090].map((p) => `-A MESHLET_INBOUND -p tcp --dport ${p} -j RETURN`);
const INBOUND_TAIL = ['-A MESHLET_INBOUND -p tcp -j MESHLET_IN_REDIRECT', '-A PREROUTING -p tcp -j MESHLET_INBOUND'];
const owner = (uid: number, gid: number): string[] => [
  '-A MESHLET_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN',
  `-A MESHLET_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner ${uid} -j MESHLET_IN_REDIRECT`,
  `-A MESHLET_OUTPUT -o lo -m owner ! --uid-owner ${uid} -j RETURN`,
  `-A MESHLET_OUTPUT -m owner --uid-owner ${uid} -j RETURN`,
  `-A MESHLET_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --gid-owner ${gid} -j MESHLET_IN_REDIRECT`,
  `-A MESHLET_OUTPUT -o lo -m owner ! --gid-owner ${gid} -j RETURN`,
  `-A MESHLET_OUTPUT -m owner --gid-owner ${gid} -j RETURN`,
  '-A MESHLET_OUTPUT -d 127.0.0.1/32 -j RETURN',
];
const OUTPUT_TAIL = ['-A OUTPUT -p tcp -j MESHLET_OUTPUT', 'COMMIT'];
const text = (...lines: string[][]): string => `${lines.flat().join('\n')}\n`;

const cases: Array<{ name: string; options: Partial<CaptureOptions>; expected: string }> = [
  {
    name: 'defaults: everything TCP captured except the proxy (1337) and loopback',
    options: {},
    expected: text(HEAD, INBOUND_DEFAULT, INBOUND_TAIL, owner(1337, 1337), ['-A MESHLET_OUTPUT -j MESHLET_REDIRECT'], OUTPUT_TAIL),
  },
  {
    name: 'other proxy uid/gid and capture ports; the capture ports are excluded inbound too',
    options: { proxyUid: 101, proxyGid: 102, outboundPort: 16001, inboundPort: 16006 },
    expected: text(
      HEAD.map((l) => l.replace('15001', '16001').replace('15006', '16006')),
      INBOUND_DEFAULT,
      ['-A MESHLET_INBOUND -p tcp --dport 16001 -j RETURN', '-A MESHLET_INBOUND -p tcp --dport 16006 -j RETURN'],
      INBOUND_TAIL,
      owner(101, 102),
      ['-A MESHLET_OUTPUT -j MESHLET_REDIRECT'],
      OUTPUT_TAIL,
    ),
  },
  {
    name: 'excluded outbound ports come first, excluded CIDRs before the redirect, inbound exclusions deduplicated',
    options: { excludeOutboundPorts: [5432, 5432, 6379], excludeOutboundCidrs: ['169.254.169.254/32'], excludeInboundPorts: [22, 15021] },
    expected: text(
      HEAD,
      INBOUND_DEFAULT,
      ['-A MESHLET_INBOUND -p tcp --dport 22 -j RETURN'],
      INBOUND_TAIL,
      ['-A MESHLET_OUTPUT -p tcp --dport 5432 -j RETURN', '-A MESHLET_OUTPUT -p tcp --dport 6379 -j RETURN'],
      owner(1337, 1337),
      ['-A MESHLET_OUTPUT -d 169.254.169.254/32 -j RETURN', '-A MESHLET_OUTPUT -j MESHLET_REDIRECT'],
      OUTPUT_TAIL,
    ),
  },
  {
    name: 'an inclusion list captures only those CIDRs',
    options: { includeOutboundCidrs: ['10.96.0.0/12', '10.244.0.0/16'] },
    expected: text(
      HEAD,
      INBOUND_DEFAULT,
      INBOUND_TAIL,
      owner(1337, 1337),
      ['-A MESHLET_OUTPUT -d 10.96.0.0/12 -j MESHLET_REDIRECT', '-A MESHLET_OUTPUT -d 10.244.0.0/16 -j MESHLET_REDIRECT'],
      OUTPUT_TAIL,
    ),
  },
  {
    name: 'outbound only: no inbound chains, no PREROUTING jump, no self-call redirect to inbound',
    options: { captureInbound: false },
    expected: text(
      ['*nat', ':MESHLET_OUTPUT - [0:0]', ':MESHLET_REDIRECT - [0:0]', '-A MESHLET_REDIRECT -p tcp -j REDIRECT --to-ports 15001'],
      owner(1337, 1337).filter((l) => !l.includes('MESHLET_IN_REDIRECT')),
      ['-A MESHLET_OUTPUT -j MESHLET_REDIRECT'],
      OUTPUT_TAIL,
    ),
  },
];

describe('captureRules: options → iptables-restore text', () => {
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(captureRules(c.options), c.expected);
    });
  }

  test('the app reaching 127.0.0.1 is never redirected: loopback RETURNs come before any jump to MESHLET_REDIRECT', () => {
    const lines = captureRules().split('\n');
    const firstRedirect = lines.findIndex((l) => l.startsWith('-A MESHLET_OUTPUT') && l.endsWith('-j MESHLET_REDIRECT'));
    assert.ok(lines.indexOf('-A MESHLET_OUTPUT -d 127.0.0.1/32 -j RETURN') < firstRedirect);
    assert.ok(lines.indexOf('-A MESHLET_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN') < firstRedirect);
  });
});

describe('captureOptions: bad options are refused, every problem named at once', () => {
  test('ports, ids and CIDRs', () => {
    assert.throws(
      () => captureOptions({ proxyUid: -1, outboundPort: 0, excludeOutboundPorts: [70000], excludeOutboundCidrs: ['10.0.0.0/33'], includeOutboundCidrs: ['fd00::/8', '10.1.2.3'] }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'MESHLET_ERR_INVALID_FLAG');
        for (const part of ['proxyUid -1', 'outboundPort 0', 'excludeOutboundPorts[0] 70000', 'excludeOutboundCidrs[0] "10.0.0.0/33"', 'includeOutboundCidrs[0] "fd00::/8"', 'includeOutboundCidrs[1] "10.1.2.3"']) {
          assert.match(e.message, new RegExp(part.replace(/[[\]]/g, '\\$&')));
        }
        return true;
      },
    );
  });

  test('good CIDRs pass', () => {
    assert.doesNotThrow(() => captureOptions({ excludeOutboundCidrs: ['0.0.0.0/0', '255.255.255.255/32', '10.96.0.0/12'] }));
  });
});

test('removalCommands deletes the jumps (DNS ones too), then flushes and deletes all five chains', () => {
  assert.deepEqual(removalCommands().map((a) => a.join(' ')), [
    '-t nat -D PREROUTING -p tcp -j MESHLET_INBOUND',
    '-t nat -D OUTPUT -p tcp -j MESHLET_OUTPUT',
    '-t nat -D OUTPUT -p udp --dport 53 -j MESHLET_DNS',
    '-t nat -D OUTPUT -p tcp --dport 53 -j MESHLET_DNS',
    '-t nat -F MESHLET_OUTPUT',
    '-t nat -F MESHLET_REDIRECT',
    '-t nat -F MESHLET_INBOUND',
    '-t nat -F MESHLET_IN_REDIRECT',
    '-t nat -F MESHLET_DNS',
    '-t nat -X MESHLET_OUTPUT',
    '-t nat -X MESHLET_REDIRECT',
    '-t nat -X MESHLET_INBOUND',
    '-t nat -X MESHLET_IN_REDIRECT',
    '-t nat -X MESHLET_DNS',
  ]);
});

test('DNS capture: queries to port 53 (UDP and TCP) go to the resolver port, except the proxy’s own, before the TCP jump', () => {
  const lines = captureRules({ dnsPort: 15053 }).split('\n');
  assert.ok(lines.includes(':MESHLET_DNS - [0:0]'));
  const dns = lines.filter((l) => l.includes('MESHLET_DNS') && !l.startsWith(':'));
  assert.deepEqual(dns, [
    '-A MESHLET_DNS -m owner --uid-owner 1337 -j RETURN',
    '-A MESHLET_DNS -m owner --gid-owner 1337 -j RETURN',
    '-A MESHLET_DNS -p udp -j REDIRECT --to-ports 15053',
    '-A MESHLET_DNS -p tcp -j REDIRECT --to-ports 15053',
    '-A OUTPUT -p udp --dport 53 -j MESHLET_DNS',
    '-A OUTPUT -p tcp --dport 53 -j MESHLET_DNS',
  ]);
  assert.ok(lines.indexOf('-A OUTPUT -p tcp --dport 53 -j MESHLET_DNS') < lines.indexOf('-A OUTPUT -p tcp -j MESHLET_OUTPUT'));
  assert.ok(!captureRules({}).includes('MESHLET_DNS'), 'no DNS rules unless asked');
  assert.throws(() => captureRules({ dnsPort: 70000 }), /dnsPort 70000: port must be/);
});
