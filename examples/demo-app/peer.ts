// Where a hop came from and where it went, for the "layers" the demo's replies report: the caller (first entry of
// `x-forwarded-for`, which the sidecar adds on inbound HTTP/1 and HTTP/2, else the socket's peer) and the `via`
// of an outgoing call (the address the app's own socket was connected to: with iptables REDIRECT that is still the
// original destination, e.g. the Service's ClusterIP, not the sidecar).
import net from 'node:net';

/** `address:port` with IPv6 bracketed; '' when the address is unknown. */
export function hostPort(address: string | undefined, port: number | undefined): string {
  if (address === undefined || address === '') return '';
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

/** The first entry of an `x-forwarded-for` value (header or gRPC metadata), trimmed; undefined when there is none. */
export function firstForwardedFor(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const entry = first?.split(',')[0]?.trim();
  return entry === undefined || entry === '' ? undefined : entry;
}

/** A gRPC peer string without its `ipv4:` / `ipv6:` scheme: `ipv4:10.96.0.5:50051` → `10.96.0.5:50051`. */
export function stripPeerScheme(peer: string): string {
  return peer.replace(/^ipv[46]:/, '');
}

/** Whether `s` is `ip:port` or `[ipv6]:port` (not a name, not `unknown`). */
export function isIpPort(s: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(s);
  return m !== null && net.isIP(m[1] ?? m[2] ?? '') !== 0;
}
