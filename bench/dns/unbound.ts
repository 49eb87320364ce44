// unbound in two parts: the peer (127.0.0.54; the cluster zone as `local-data` in a `static` local zone, so that
// misses get NXDOMAIN from it as they do from meshlet's authoritative zone; everything else forwarded, with its
// cache) and the upstream (127.0.0.55; `bench.test` as local data), which plays the internet for both servers.
// Every instance runs in the foreground (-d) with logs off, no chroot, no user switch, no DNSSEC validation
// (module-config iterator), and answers 127.0.0.0/8 only. The upstream has remote control on a Unix socket so
// that the bench can count the queries it received during a run (how many forwards the caches did not absorb).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorldProcess } from '../../test/support/world.js';
import { CLUSTER_DOMAIN, UPSTREAM_ZONE, type BenchData } from './data.js';
import { start } from './procs.js';
import type { Address } from './probe.js';

/** TTL of the cluster records (meshlet dns runs with --ttl 5 too) and of the upstream's records. */
export const CLUSTER_TTL = 5;
const UPSTREAM_TTL = 3600;

const soa = (zone: string, ttl: number): string => `${zone}. ${ttl} IN SOA ns.dns.${zone}. hostmaster.${zone}. 1 7200 1800 86400 ${ttl}`;

/** The cluster zone as unbound local-data: A, headless endpoint A, SRV (weights as CoreDNS: 100 split evenly). */
export function clusterLocalData(data: BenchData): string[] {
  const rr = (name: string, type: string, value: string): string => `${name}. ${CLUSTER_TTL} IN ${type} ${value}`;
  const out = [soa(CLUSTER_DOMAIN, CLUSTER_TTL)];
  for (const s of data.services) {
    const srv = `_${s.portName}._tcp.${s.fqdn}`;
    if (s.clusterIP !== undefined) {
      out.push(rr(s.fqdn, 'A', s.clusterIP), rr(srv, 'SRV', `0 100 ${s.srvPort} ${s.fqdn}.`));
      continue;
    }
    const weight = Math.floor(100 / s.endpoints.length);
    for (const e of s.endpoints) {
      const host = `${e.hostname}.${s.fqdn}`;
      out.push(rr(s.fqdn, 'A', e.ip), rr(host, 'A', e.ip), rr(srv, 'SRV', `0 ${weight} ${s.srvPort} ${host}.`));
    }
  }
  return out;
}

export function upstreamLocalData(data: BenchData): string[] {
  return [soa(UPSTREAM_ZONE, UPSTREAM_TTL), ...data.upstream.map((u) => `${u.fqdn}. ${UPSTREAM_TTL} IN A ${u.ip}`)];
}

export interface UnboundSpec {
  readonly label: string;
  /** Where its configuration (and control socket) is written. */
  readonly dir: string;
  readonly listen: Address;
  readonly threads: number;
  readonly zone: string;
  readonly localData: readonly string[];
  /** Forward everything outside `zone` here (the peer); undefined: answer local data only (the upstream). */
  readonly forwardTo: Address | undefined;
  /** Remote control on a Unix socket in `dir` (the upstream: query counts). */
  readonly control: boolean;
}

export function unboundConf(s: UnboundSpec, controlSocket: string): string {
  const lines = [
    'server:',
    `  interface: ${s.listen.host}@${s.listen.port}`,
    `  port: ${s.listen.port}`,
    '  do-ip4: yes', '  do-ip6: no', '  do-udp: yes', '  do-tcp: yes',
    '  do-daemonize: no', '  chroot: ""', '  username: ""', `  directory: "${s.dir}"`, '  pidfile: ""',
    '  use-syslog: no', '  logfile: ""', '  verbosity: 0', '  log-queries: no', '  log-replies: no', '  statistics-interval: 0',
    `  num-threads: ${s.threads}`,
    '  so-reuseport: yes',
    '  access-control: 0.0.0.0/0 refuse', '  access-control: 127.0.0.0/8 allow',
    '  module-config: "iterator"',
    '  do-not-query-localhost: no',
    `  local-zone: "${s.zone}." static`,
    ...s.localData.map((rr) => `  local-data: "${rr}"`),
  ];
  if (s.control) lines.push('remote-control:', '  control-enable: yes', `  control-interface: ${controlSocket}`, '  control-use-cert: no');
  if (s.forwardTo) {
    // unbound answers `test.` itself (RFC 6761 default local zone, NXDOMAIN): let bench.test. be forwarded.
    lines.splice(lines.indexOf(`  local-zone: "${s.zone}." static`), 0, '  local-zone: "test." nodefault');
    lines.push('forward-zone:', '  name: "."', `  forward-addr: ${s.forwardTo.host}@${s.forwardTo.port}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface Unbound {
  readonly label: string;
  readonly proc: WorldProcess;
  readonly address: Address;
  readonly threads: number;
  /** total.num.queries so far (remote control only). */
  queries(): number;
}

export function startUnbound(s: UnboundSpec): Unbound {
  const file = path.join(s.dir, `${s.label.replace(/\W+/g, '-')}.conf`);
  const socket = `${file}.ctl`;
  writeFileSync(file, unboundConf(s, socket));
  const check = spawnSync('unbound-checkconf', [file], { encoding: 'utf8', timeout: 30_000 });
  if (check.status !== 0) throw new Error(`unbound-checkconf ${file}: ${check.stdout}${check.stderr}`);
  const proc = start(s.label, 'unbound', ['-d', '-c', file]);
  return {
    label: s.label,
    proc,
    address: s.listen,
    threads: s.threads,
    queries: () => {
      if (!s.control) throw new Error(`${s.label} has no remote control`);
      const r = spawnSync('unbound-control', ['-c', file, 'stats_noreset'], { encoding: 'utf8', timeout: 10_000 });
      const m = /^total\.num\.queries=(\d+)$/m.exec(r.stdout ?? '');
      if (!m) throw new Error(`unbound-control stats_noreset (${s.label}): ${r.stdout}${r.stderr}`);
      return Number(m[1]);
    },
  };
}
