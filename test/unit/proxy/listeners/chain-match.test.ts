// Filter chain selection in Envoy's order: destination port, then the longest prefix range, then the sniffed
// application protocol; the most specific candidate wins at each step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainMatcher } from '../../../../proxy/listeners/chain-match.js';
import type { ProxyFilterChain, ProxyListener } from '../../../../proxy/xds/types.js';

function chain(name: string, match: Partial<Pick<ProxyFilterChain, 'destinationPort' | 'prefixRanges' | 'applicationProtocols'>>): ProxyFilterChain {
  return { name, prefixRanges: [], applicationProtocols: [], serverNames: [], ...match, target: { kind: 'tcp', cluster: name, statPrefix: name } };
}

const listener: ProxyListener = {
  name: '0.0.0.0_15006',
  address: '0.0.0.0',
  port: 15006,
  kind: 'virtual-inbound',
  direction: 'INBOUND',
  bindToPort: true,
  filterChains: [
    chain('blackhole', { destinationPort: 15006 }),
    chain('http', { prefixRanges: ['0.0.0.0/0'], applicationProtocols: ['http/1.0', 'http/1.1', 'h2c'] }),
    chain('tcp', { prefixRanges: ['0.0.0.0/0'] }),
    chain('pod-net', { prefixRanges: ['10.244.0.0/16'] }),
    chain('one-pod', { prefixRanges: ['10.244.1.7/32'] }),
    chain('v6', { prefixRanges: ['fd00::/8'] }),
    chain('any', {}),
  ],
};

const CASES: readonly [string, string, number, Parameters<ChainMatcher['select']>[2], string | undefined][] = [
  ['the listener port itself: blackhole, whatever the protocol', '10.0.0.1', 15006, 'http/1.1', 'blackhole'],
  ['HTTP sniffed: the chain naming it', '192.168.1.1', 8080, 'http/1.1', 'http'],
  ['h2c sniffed', '192.168.1.1', 8080, 'h2c', 'http'],
  ['not HTTP: the chain naming no protocol', '192.168.1.1', 8080, 'tcp', 'tcp'],
  ['no sniffing done', '192.168.1.1', 8080, undefined, 'tcp'],
  ['a longer prefix beats 0.0.0.0/0, even for HTTP', '10.244.3.3', 80, 'http/1.1', 'pod-net'],
  ['/32 beats /16', '10.244.1.7', 80, 'tcp', 'one-pod'],
  ['IPv6 destination: only IPv6 ranges match; else the chain without ranges', 'fd00::1', 80, 'tcp', 'v6'],
  ['IPv6 outside every range', '2001:db8::1', 80, 'tcp', 'any'],
];

void test('ChainMatcher.select: port, then prefix length, then application protocol', () => {
  const m = new ChainMatcher(listener);
  assert.equal(m.sniffs, true);
  for (const [name, address, port, protocol, expected] of CASES) assert.equal(m.select(address, port, protocol)?.name, expected, name);
});

void test('a listener whose chains name no protocol does not sniff', () => {
  const m = new ChainMatcher({ ...listener, filterChains: [chain('tcp', {})] });
  assert.equal(m.sniffs, false);
  assert.equal(m.select('1.2.3.4', 1, undefined)?.name, 'tcp');
});

void test('no chain matches: undefined (the connection is closed)', () => {
  const m = new ChainMatcher({ ...listener, filterChains: [chain('only-443', { destinationPort: 443 }), chain('pods', { prefixRanges: ['10.0.0.0/8'] })] });
  assert.equal(m.select('192.168.0.1', 80, undefined), undefined);
});
