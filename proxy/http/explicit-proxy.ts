// The outbound port as an explicit HTTP proxy, for apps that cannot be captured (no root, macOS): with
// HTTP_PROXY=http://127.0.0.1:15001 they send absolute-form requests (`GET http://reviews:9080/ HTTP/1.1`) and
// CONNECT, and get the same routing as captured traffic. The target host becomes an address the way the pod's
// DNS would make it one — cluster names through the NameTable (short names in the pod's namespace), literals
// as they are, anything else through the system resolver — and that address picks the listener, exactly as an
// original destination does.
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import type { NameService, NameTable } from '../xds/types.js';

export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** `http://host:port/path` → host, port (default 80) and the origin-form path; undefined when malformed. */
export function parseAbsoluteForm(url: string): { target: ProxyTarget; path: string; authority: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' || parsed.hostname === '') return undefined;
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { target: { host, port: parsed.port === '' ? 80 : Number(parsed.port) }, path: `${parsed.pathname}${parsed.search}`, authority: parsed.host };
}

/** `host:port` of a CONNECT request; undefined when malformed. */
export function parseConnectTarget(authority: string | undefined): ProxyTarget | undefined {
  if (authority === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(authority);
  const port = Number(m?.[3]);
  if (m === null || !(port > 0 && port < 65536)) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}

/** The ClusterIP a cluster name stands for, trying the names the pod's search path would (svc, svc.ns, ...). */
export function clusterAddress(tables: Iterable<NameTable>, host: string, namespace: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  for (const table of tables) {
    const suffix = `.svc.${table.clusterDomain}`;
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : name.endsWith('.svc') ? name.slice(0, -4) : name;
    const [svc = '', ns = namespace, ...rest] = base.split('.');
    if (rest.length > 0) continue;
    const found = table.services.find((s: NameService) => s.name === svc && s.namespace === ns);
    const ip = found?.clusterIps[0] ?? found?.endpoints.find((e) => e.ready)?.ip;
    if (ip !== undefined) return ip;
  }
  return undefined;
}

export type ResolveCallback = (address: string | undefined) => void;

export function resolveTarget(host: string, tables: Iterable<NameTable>, namespace: string, callback: ResolveCallback): void {
  if (isIP(host) !== 0) return callback(host);
  const cluster = clusterAddress(tables, host, namespace);
  if (cluster !== undefined) return callback(cluster);
  lookup(host, (err, address) => callback(err ? undefined : address));
}
