// The dnsperf query files, one per query set, and what each query must get back (the run is checked by rcode
// counts; a sample of each set is checked answer by answer before any load, see verify.ts).
//   cluster      A of every service (ClusterIP: its address; headless: every endpoint), A of every headless
//                endpoint's hostname, SRV `_<port>._tcp.<svc>` of every tenth service
//   miss         A `nosuch-N.<ns>.svc.cluster.local` in namespaces that exist: NXDOMAIN from the cluster zone
//   forward      A `h-N.bench.test`: forwarded upstream (cached after the first query by both servers)
//   search walk  what a pod's stub resolver with `ndots:5` sends for `h-N.bench.test` from namespace <ns>:
//                `.<ns>.svc.cluster.local`, `.svc.cluster.local`, `.cluster.local` (3 NXDOMAIN), then the name
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_DOMAIN, type BenchData } from './data.js';

export type SetName = 'cluster' | 'miss' | 'forward' | 'search walk';
export type Rcode = 'NOERROR' | 'NXDOMAIN';

export interface Query {
  readonly qname: string;
  readonly qtype: 'A' | 'SRV';
  readonly rcode: Rcode;
  /** A: the addresses expected, sorted; SRV: the targets expected, sorted. */
  readonly data: readonly string[];
}

export interface QuerySet {
  readonly name: SetName;
  readonly queries: readonly Query[];
  /** The dnsperf input file (`<name> <type>` per line). */
  readonly file: string;
}

const sorted = (values: string[]): string[] => values.sort();

function clusterQueries(data: BenchData): Query[] {
  const out: Query[] = [];
  data.services.forEach((s, i) => {
    const ips = s.clusterIP !== undefined ? [s.clusterIP] : s.endpoints.map((e) => e.ip);
    out.push({ qname: s.fqdn, qtype: 'A', rcode: 'NOERROR', data: sorted(ips) });
    for (const e of s.endpoints) out.push({ qname: `${e.hostname}.${s.fqdn}`, qtype: 'A', rcode: 'NOERROR', data: [e.ip] });
    if (i % 10 === 0) {
      const targets = s.clusterIP !== undefined ? [s.fqdn] : s.endpoints.map((e) => `${e.hostname}.${s.fqdn}`);
      out.push({ qname: `_${s.portName}._tcp.${s.fqdn}`, qtype: 'SRV', rcode: 'NOERROR', data: sorted(targets) });
    }
  });
  return out;
}

function missQueries(data: BenchData): Query[] {
  return Array.from({ length: data.services.length }, (_, i) => ({
    qname: `nosuch-${i}.${data.namespaces[i % data.namespaces.length]}.svc.${CLUSTER_DOMAIN}`,
    qtype: 'A' as const,
    rcode: 'NXDOMAIN' as const,
    data: [],
  }));
}

function forwardQueries(data: BenchData): Query[] {
  return data.upstream.map((u) => ({ qname: u.fqdn, qtype: 'A' as const, rcode: 'NOERROR' as const, data: [u.ip] }));
}

function searchWalkQueries(data: BenchData): Query[] {
  const out: Query[] = [];
  data.upstream.slice(0, Math.ceil(data.upstream.length / 4)).forEach((u, i) => {
    const ns = data.namespaces[i % data.namespaces.length] as string;
    for (const suffix of [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN]) {
      out.push({ qname: `${u.fqdn}.${suffix}`, qtype: 'A', rcode: 'NXDOMAIN', data: [] });
    }
    out.push({ qname: u.fqdn, qtype: 'A', rcode: 'NOERROR', data: [u.ip] });
  });
  return out;
}

/** Builds every query set and writes its dnsperf file into `dir`. */
export function writeQuerySets(data: BenchData, dir: string): QuerySet[] {
  const sets: Array<[SetName, Query[]]> = [
    ['cluster', clusterQueries(data)],
    ['miss', missQueries(data)],
    ['forward', forwardQueries(data)],
    ['search walk', searchWalkQueries(data)],
  ];
  return sets.map(([name, queries]) => {
    const file = path.join(dir, `queries-${name.replace(' ', '-')}.txt`);
    writeFileSync(file, queries.map((q) => `${q.qname} ${q.qtype}\n`).join(''));
    return { name, queries, file };
  });
}

/** The share of each rcode a pass over the set must show. */
export function expectedRcodes(set: QuerySet): ReadonlyMap<Rcode, number> {
  const counts = new Map<Rcode, number>();
  for (const q of set.queries) counts.set(q.rcode, (counts.get(q.rcode) ?? 0) + 1);
  return new Map([...counts].map(([rcode, n]) => [rcode, n / set.queries.length]));
}
