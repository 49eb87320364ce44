// FNV-1a 64 over the UTF-8 bytes of a string, computed in four 16-bit limbs so that no BigInt (and no
// allocation) is needed per request. The result is left in `hashResult` as two unsigned 32-bit halves.
// FNV-1a mixes its last bytes poorly into the high bits (keys like `h1:80_7` cluster on a ring ordered by them),
// so the balancer hashes with `hash64`: FNV-1a 64 followed by a two-round Feistel of murmur3's fmix32, a
// bijection on 64 bits (no new collisions) with full avalanche.

const PRIME_LOW = 0x1b3; // the FNV 64 prime is 2^40 + 0x1b3

let l0 = 0;
let l1 = 0;
let l2 = 0;
let l3 = 0;

/** The last hash computed by fnv1a64: read it right away (it is overwritten by the next call). */
export const hashResult = { hi: 0, lo: 0 };

function mix(byte: number): void {
  l0 ^= byte;
  // h * (2^40 + 0x1b3) mod 2^64: every limb times 0x1b3, plus h shifted left by 40 bits (two limbs and 8 bits).
  const t0 = l0 * PRIME_LOW;
  let t1 = l1 * PRIME_LOW;
  let t2 = l2 * PRIME_LOW + (l0 << 8);
  let t3 = l3 * PRIME_LOW + (l1 << 8);
  t1 += t0 >>> 16;
  l0 = t0 & 0xffff;
  t2 += t1 >>> 16;
  l1 = t1 & 0xffff;
  t3 += t2 >>> 16;
  l2 = t2 & 0xffff;
  l3 = t3 & 0xffff;
}

/** FNV-1a 64 of `s` encoded as UTF-8; the answer is in `hashResult`. */
export function fnv1a64(s: string): void {
  l0 = 0x2325;
  l1 = 0x8422;
  l2 = 0x9ce4;
  l3 = 0xcbf2;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      mix(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate pair is one code point; a lone surrogate becomes U+FFFD, as TextEncoder and Buffer do.
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x800) {
      mix(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      mix(0xe0 | (c >> 12));
      mix(0x80 | ((c >> 6) & 0x3f));
    } else {
      mix(0xf0 | (c >> 18));
      mix(0x80 | ((c >> 12) & 0x3f));
      mix(0x80 | ((c >> 6) & 0x3f));
    }
    mix(0x80 | (c & 0x3f));
  }
  hashResult.hi = ((l3 << 16) | l2) >>> 0;
  hashResult.lo = ((l1 << 16) | l0) >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The balancer's hash: FNV-1a 64 of `s`, then the fmix32 Feistel finalizer; the answer is in `hashResult`. */
export function hash64(s: string): void {
  fnv1a64(s);
  const hi = fmix32(hashResult.hi ^ Math.imul(hashResult.lo, 0x9e3779b1)) >>> 0;
  hashResult.lo = fmix32(hashResult.lo ^ Math.imul(hi, 0x27d4eb2f)) >>> 0;
  hashResult.hi = hi;
}

/** (hi * 2^32 + lo) mod m, exactly, for m < 2^21 (every product stays below 2^53). */
export function mod64(hi: number, lo: number, m: number): number {
  return ((hi % m) * (4294967296 % m) + (lo % m)) % m;
}

/** The 64-bit hash as a double: rounding is monotonic, so ring order is kept (ties within 2^11 aside). */
export function toDouble(hi: number, lo: number): number {
  return hi * 4294967296 + lo;
}

/** Hex of the last hash, for tests. */
export function hashHex(): string {
  return hashResult.hi.toString(16).padStart(8, '0') + hashResult.lo.toString(16).padStart(8, '0');
}
