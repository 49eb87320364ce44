import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIP, parseCidr } from '../../../control-plane/model/index.js';

describe('service CIDRs and addresses', () => {
  const cidrs: [string, string, number, bigint][] = [
    ['10.96.0.0/12', '10.96.0.0', 12, 1n << 20n],
    ['10.96.5.7/12', '10.96.0.0', 12, 1n << 20n], // host bits cleared, as net.ParseCIDR does
    ['192.168.1.0/30', '192.168.1.0', 30, 4n],
    ['fd00:10:96::/112', 'fd00:10:96::', 112, 1n << 16n],
    ['2001:db8::/64', '2001:db8::', 64, 1n << 64n],
  ];
  for (const [text, base, prefix, size] of cidrs) {
    it(`parses ${text}`, () => {
      const c = parseCidr(text);
      assert.deepEqual([canonicalIP(formatBase(c.base, c.family)), c.prefix, c.size], [base, prefix, size]);
    });
  }

  for (const bad of ['10.96.0.0', '10.96.0.0/33', 'ten/12', 'fd00::/129', '10.96.0.0/', '10.96.0.0/1a', '']) {
    it(`rejects "${bad}" with INVALID_FLAG`, () => {
      assert.throws(() => parseCidr(bad), { code: 'MESHLET_ERR_INVALID_FLAG' });
    });
  }

  const canonical: [string, string | undefined][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['FD00:0:0:0:0:0:0:1', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs is compressed (RFC 5952 4.2.3)
    ['2001:0db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['::', '::'],
    ['1::', '1::'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['fe80::1%eth0', undefined],
    ['10.0.0.256', undefined],
  ];
  for (const [input, expected] of canonical) {
    it(`canonical form of ${input}`, () => assert.equal(canonicalIP(input), expected));
  }
});

function formatBase(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}
