// Upstream resolvers: `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address, port 53 unless given. Addresses
// are kept in the form the kernel reports answers from (IPv6 compressed, lower case), so that an answer's
// source can be compared with a string compare.
import { isIP, isIPv6 } from 'node:net';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export const DNS_PORT = 53;

export type UpstreamParse = { readonly ok: true; readonly upstream: Upstream } | { readonly ok: false; readonly error: string };

export function parseUpstream(text: string): UpstreamParse {
  const value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(value);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    [, host = '', port] = bracketed;
    if (!isIPv6(host)) return { ok: false, error: `"${host}" is not an IPv6 address (brackets are for IPv6)` };
  } else if (isIPv6(value)) host = value;
  else {
    const colon = value.lastIndexOf(':');
    host = colon < 0 ? value : value.slice(0, colon);
    port = colon < 0 ? undefined : value.slice(colon + 1);
    if (host.includes(':')) return { ok: false, error: 'write an IPv6 address with a port in brackets: [2001:db8::1]:53' };
  }
  if (isIP(host) === 0) return { ok: false, error: `"${host}" is not an IP address` };
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    return { ok: false, error: `port "${port}" must be 1-65535` };
  }
  return { ok: true, upstream: { host: canonicalIp(host), port: port === undefined ? DNS_PORT : Number(port) } };
}

/** IPv6 in RFC 5952 form (as the kernel prints a datagram's source); IPv4 and scoped IPv6 as given. */
export function canonicalIp(ip: string): string {
  return isIPv6(ip) && !ip.includes('%') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

export function formatUpstream(u: Upstream): string {
  return isIPv6(u.host) ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}
