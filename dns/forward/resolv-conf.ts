// The upstreams a host names in /etc/resolv.conf (resolv.conf(5)): its `nameserver` lines, in order, port 53.
// Used when no --upstream is given; the DNS server itself is left out when it is listed (no forwarding loop).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { canonicalIp, DNS_PORT, type Upstream } from './upstream.js';

export const RESOLV_CONF = '/etc/resolv.conf';

/** `nameserver` lines with a valid address; comments (`#`, `;`) and every other keyword are ignored. */
export function parseResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, address] = line.split(/\s+/);
    if (keyword !== 'nameserver' || address === undefined || isIP(address) === 0) continue;
    out.push({ host: canonicalIp(address), port: DNS_PORT });
  }
  return out;
}

/**
 * Drops the upstreams that are this server: its listen address and port, or, when it listens on every address
 * (0.0.0.0 or ::), any of this host's addresses (`localAddresses`, loopback included) on its port.
 */
export function withoutSelf(upstreams: readonly Upstream[], listen: Upstream, localAddresses: readonly string[]): Upstream[] {
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::';
  const local = new Set(localAddresses.map(canonicalIp));
  const isSelf = (u: Upstream): boolean =>
    u.port === listen.port && (u.host === canonicalIp(listen.host) || (wildcard && (local.has(u.host) || isLoopback(u.host))));
  return upstreams.filter((u) => !isSelf(u));
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/** This host's nameservers (/etc/resolv.conf), without the server listening on `listen` itself. */
export function resolvConfUpstreams(listen: Upstream): Upstream[] {
  let text = '';
  try {
    text = readFileSync(RESOLV_CONF, 'utf8');
  } catch {
    return [];
  }
  const local = Object.values(networkInterfaces()).flatMap((ifs) => (ifs ?? []).map((i) => i.address));
  return withoutSelf(parseResolvConf(text), listen, local);
}
