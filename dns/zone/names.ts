// Domain names as the zones hold them: lower case, no trailing dot, labels joined with '.' (dns-packet encodes
// names in that form). Plus the three names derived from an address: the dashed endpoint/pod label
// (`10-244-1-7`, `2001-db8--1`, as CoreDNS spells them) and the reverse-lookup names (RFC 1035 §3.5, RFC 3596 §2.5).
import { isIP, isIPv4, isIPv6 } from 'node:net';

export const IN_ADDR_ARPA = 'in-addr.arpa';
export const IP6_ARPA = 'ip6.arpa';

/** The name as dns-packet would encode it: without the trailing dot (allocates only when there is one). */
export function withoutDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** The zone's spelling of a name from a table: lower case, no trailing dot. */
export function canonical(name: string): string {
  return withoutDot(name).toLowerCase();
}

/** `labels...` joined, each canonical: `fqdn('web', 'default', 'svc', 'cluster.local')`. */
export function fqdn(...labels: readonly string[]): string {
  return labels.map(canonical).join('.');
}

/** `true` when `name` is `apex` or below it (both canonical). */
export function inZone(name: string, apex: string): boolean {
  return name === apex || (name.endsWith(apex) && name.charCodeAt(name.length - apex.length - 1) === 46 /* . */);
}

/** The parent of a name (`a.b.c` → `b.c`); '' for a single label. */
export function parent(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/**
 * The label that stands for an endpoint without a hostname and for a pod: the address with '.' or ':' turned into
 * '-' (CoreDNS's endpointHostname; the Kubernetes DNS specification leaves the identifier to implementations).
 */
export function dashedIp(ip: string): string {
  return ip.toLowerCase().replace(isIPv4(ip) ? /\./g : /:/g, '-');
}

/**
 * The address a pod label stands for (`10-244-1-7` → 10.244.1.7, `2001-db8--1` → 2001:db8::1), or undefined. As
 * CoreDNS's findPods: three dashes and no '--' is IPv4, anything else is read as IPv6.
 */
export function podAddress(label: string): string | undefined {
  const dashes = label.split('-').length - 1;
  const ip = dashes === 3 && !label.includes('--') ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  return isIP(ip) === 0 ? undefined : ip;
}

/** The 8 groups of an IPv6 address as 32 hex digits (expects text node:net accepted as IPv6). */
function ipv6Nibbles(ip: string): string {
  let text = ip.toLowerCase();
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    const hex = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, text.length - tail.length)}${hex(a, b)}:${hex(c, d)}`;
  }
  const [left = '', right] = text.split('::');
  const head = left === '' ? [] : left.split(':');
  const rest = right === undefined || right === '' ? [] : right.split(':');
  const zeros = right === undefined ? [] : new Array<string>(8 - head.length - rest.length).fill('0');
  return [...head, ...zeros, ...rest].map((g) => g.padStart(4, '0')).join('');
}

/** `10.0.96.10.in-addr.arpa` for 10.96.0.10, the 32-nibble `ip6.arpa` name for IPv6; undefined for non-IPs. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.${IN_ADDR_ARPA}`;
  if (isIPv6(ip) && !ip.includes('%')) return `${[...ipv6Nibbles(ip)].reverse().join('.')}.${IP6_ARPA}`;
  return undefined;
}

/** The reverse zone a canonical name is in, or undefined. */
export function reverseZoneOf(name: string): string | undefined {
  if (inZone(name, IN_ADDR_ARPA)) return IN_ADDR_ARPA;
  if (inZone(name, IP6_ARPA)) return IP6_ARPA;
  return undefined;
}
