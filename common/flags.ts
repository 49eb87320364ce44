// Parsers for command-line flags (and their MESHLET_<FLAG> environment twins). Each throws a MeshletError
// with code MESHLET_ERR_INVALID_FLAG naming the flag and what is wrong with the value.
import net from 'node:net';
import { ErrorCode, MeshletError } from './errors.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

function invalid(flag: string, value: string, why: string): MeshletError {
  return new MeshletError(ErrorCode.INVALID_FLAG, `--${flag} "${value}": ${why}`);
}

/** `shown` is the whole flag value when the port is part of it (HOST:PORT), so the message quotes what was typed. */
export function parsePort(flag: string, value: string, { allowZero = false, shown = value } = {}): number {
  if (!/^\d+$/.test(value)) throw invalid(flag, shown, 'port must be a whole number');
  const port = Number(value);
  if (port > 65535 || (port === 0 && !allowZero)) throw invalid(flag, shown, `port must be ${allowZero ? 0 : 1}-65535`);
  return port;
}

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all addresses). Port 0 asks the kernel for a free port. */
export function parseHostPort(flag: string, value: string, defaultHost = '0.0.0.0'): HostPort {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  if (bracketed) {
    const [, host = '', port = ''] = bracketed;
    if (!net.isIPv6(host)) throw invalid(flag, value, `"${host}" is not an IPv6 address`);
    return { host, port: parsePort(flag, port, { allowZero: true, shown: value }) };
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0) throw invalid(flag, value, 'expected HOST:PORT');
  const host = value.slice(0, colon) || defaultHost;
  if (host.includes(':')) throw invalid(flag, value, 'write IPv6 addresses in brackets: [::1]:15010');
  if (!net.isIP(host) && !/^[A-Za-z0-9.-]+$/.test(host)) throw invalid(flag, value, `"${host}" is not a host name or IP`);
  return { host, port: parsePort(flag, value.slice(colon + 1), { allowZero: true, shown: value }) };
}

export function parseIntInRange(flag: string, value: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(value)) throw invalid(flag, value, 'must be a whole number');
  const n = Number(value);
  if (n < min || n > max) throw invalid(flag, value, `must be between ${min} and ${max}`);
  return n;
}

/** A DNS name such as `cluster.local` (RFC 1123 labels). */
export function parseDomain(flag: string, value: string): string {
  const name = value.toLowerCase().replace(/\.$/, '');
  const ok = name.length > 0 && name.length <= 253 && name.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  if (!ok) throw invalid(flag, value, 'must be a DNS name made of RFC 1123 labels, e.g. cluster.local');
  return name;
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
