// IPv4 / IPv6 addresses as bigints, and service CIDRs: enough arithmetic for ClusterIP allocation.
import { isIP } from 'node:net';
import { ErrorCode, MeshletError } from '../../common/errors.js';

export type Family = 4 | 6;

export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: Family;
  /** The network address (host bits cleared). */
  readonly base: bigint;
  readonly prefix: number;
  /** Number of addresses in the range (2^(bits - prefix)). */
  readonly size: bigint;
  /** As given, for messages. */
  readonly text: string;
}

const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

export function parseAddress(ip: string): Address | undefined {
  const family = isIP(ip);
  if (family === 4) return { family, value: parseIPv4(ip) };
  if (family === 6 && !ip.includes('%')) return { family, value: parseIPv6(ip) };
  return undefined;
}

function parseIPv4(ip: string): bigint {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return BigInt(a * 0x1000000 + b * 0x10000 + c * 0x100 + d);
}

/** Expects text that node:net accepted as IPv6: groups, at most one '::', maybe a dotted IPv4 tail. */
function parseIPv6(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const zeros = right === undefined ? [] : new Array<string>(8 - leftGroups.length - rightGroups.length).fill('0');
  return [...leftGroups, ...zeros, ...rightGroups].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function formatAddress(a: Address): string {
  if (a.family === 4) {
    const n = Number(a.value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: lower case, no leading zeros, the longest run (first if tied) of two or more zero groups as '::'.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The canonical text of an address (`10.96.0.1`, `fd00::1`), or undefined when it is not one. */
export function canonicalIP(ip: string): string | undefined {
  const a = parseAddress(ip);
  return a && formatAddress(a);
}

/** Parses `10.96.0.0/12` or `fd00:10:96::/112`; host bits are cleared, as net.ParseCIDR does. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = slash < 0 ? undefined : parseAddress(text.slice(0, slash));
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (address === undefined || !(prefix <= BITS[address.family])) {
    throw new MeshletError(ErrorCode.INVALID_FLAG, `service CIDR must look like 10.96.0.0/12 or fd00::/108, got "${text}"`);
  }
  const hostBits = BigInt(BITS[address.family] - prefix);
  const size = 1n << hostBits;
  return { family: address.family, base: (address.value >> hostBits) << hostBits, prefix, size, text };
}

export function cidrContains(cidr: Cidr, a: Address): boolean {
  return a.family === cidr.family && a.value >= cidr.base && a.value < cidr.base + cidr.size;
}
