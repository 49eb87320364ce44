// FNV-1a 64 in 16-bit limbs agrees with the reference (BigInt over UTF-8 bytes) and the published vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a64, hashHex, hashResult, mod64 } from '../../../../proxy/balancer/hash.js';

function reference(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

void test('fnv1a64: published test vectors', () => {
  const table: [string, string][] = [
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ];
  for (const [input, want] of table) {
    fnv1a64(input);
    assert.equal(hashHex(), want, JSON.stringify(input));
  }
});

void test('fnv1a64: equals the BigInt reference over UTF-8, including multi-byte and surrogate pairs', () => {
  for (const s of ['10.0.0.1:80_0', 'x-user=ünïcødé', '日本語', 'emoji 🚀 ok', 'lone \ud800 surrogate', 'a'.repeat(300)]) {
    fnv1a64(s);
    const want = reference(s);
    assert.equal((BigInt(hashResult.hi) << 32n) | BigInt(hashResult.lo), want, s);
    for (const m of [100, 65537, 65536, 1024]) {
      assert.equal(mod64(hashResult.hi, hashResult.lo, m), Number(want % BigInt(m)), `${s} mod ${m}`);
    }
  }
});
