// The NameTable the zone tests answer from, and a renderer of answers as zone-file text, so that each test is a
// table of (qname, qtype) → the lines a dig-like tool would print.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Answer, Question, RecordType } from 'dns-packet';
import type { ClusterZones, Resolution } from '../../../dns/answer-types.js';
import type { NameEndpoint, NamePort, NameService, NameTable } from '../../../proxy/xds/types.js';

export const tcp = (name: string, port: number): NamePort => ({ name, protocol: 'tcp', port });
export const udp = (name: string, port: number): NamePort => ({ name, protocol: 'udp', port });

export function ep(ip: string, hostname: string, ports: readonly NamePort[], ready = true): NameEndpoint {
  return { ip, hostname, ready, ports };
}

export function svc(name: string, namespace: string, fields: Partial<NameService>): NameService {
  return {
    name,
    namespace,
    kind: 'CLUSTER_IP',
    clusterIps: [],
    externalName: '',
    ports: [],
    endpoints: [],
    imported: false,
    clustersetIps: [],
    clusterIds: [],
    ...fields,
  };
}

const PEER = [tcp('peer', 7000)];
const PG = [tcp('pg', 5432)];

/**
 * cluster.local of cluster `east`: a ClusterIP service with tcp, udp and unnamed ports; dual-stack and IPv6-only
 * services; a headless service with hostnames, a hostname-less endpoint and a not-ready one; a headless service
 * with no ready endpoint; an ExternalName; and in clusterset.local an imported ClusterSetIP service and a headless
 * import with endpoints in clusters `east` and `west` (its local twin `db` is here too). Namespace `empty` has
 * nothing in it.
 */
export const TABLE: NameTable = {
  clusterDomain: 'cluster.local',
  clustersetDomain: 'clusterset.local',
  clusterId: 'east',
  namespaces: ['default', 'empty', 'shop'],
  schemaVersion: '1.1.0',
  services: [
    svc('web', 'default', { clusterIps: ['10.96.0.10'], ports: [tcp('http', 80), udp('dns', 53), tcp('', 9000)] }),
    svc('dual', 'default', { clusterIps: ['10.96.0.11', 'fd00:10:96::b'], ports: [tcp('grpc', 9090)] }),
    svc('six', 'shop', { clusterIps: ['fd00:10:96::c'] }),
    svc('peers', 'default', {
      kind: 'HEADLESS',
      ports: PEER,
      endpoints: [
        ep('10.244.1.7', 'peer-0', PEER),
        ep('10.244.1.10', '', PEER),
        ep('10.244.2.8', 'peer-1', PEER),
        ep('10.244.3.9', 'peer-2', PEER, false),
      ],
    }),
    svc('idle', 'default', { kind: 'HEADLESS', ports: PEER, endpoints: [ep('10.244.1.20', 'idle-0', PEER, false)] }),
    svc('search', 'shop', { kind: 'EXTERNAL_NAME', externalName: 'Search.Example.com.', ports: [tcp('https', 443)] }),
    svc('db', 'shop', { kind: 'HEADLESS', ports: PG, endpoints: [ep('10.244.1.30', 'db-0', PG)] }),
    svc('cart', 'shop', { imported: true, clustersetIps: ['10.112.0.5'], ports: [tcp('http', 8080)], clusterIds: ['east', 'west'] }),
    svc('db', 'shop', {
      kind: 'HEADLESS',
      imported: true,
      ports: PG,
      endpoints: [ep('10.244.1.30', 'db-0', PG), ep('10.245.1.30', 'db-0', PG), ep('10.245.1.31', '', PG), ep('10.245.1.32', 'db-2', PG, false)],
      clusterIds: ['east', 'west', 'west', 'west'],
    }),
  ],
};

function rdata(r: Answer): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return `${r.data}.`;
    case 'SRV':
      return `${r.data.priority ?? ''} ${r.data.weight ?? ''} ${r.data.port} ${r.data.target}.`;
    case 'SOA': {
      const d = r.data;
      return `${d.mname}. ${d.rname}. SERIAL ${d.refresh ?? ''} ${d.retry ?? ''} ${d.expire ?? ''} ${d.minimum ?? ''}`;
    }
    case 'TXT':
      return JSON.stringify(typeof r.data === 'string' ? r.data : String(r.data));
    default:
      throw new Error(`no rendering for ${r.type}`);
  }
}

function line(r: Answer): string {
  if (r.type === 'OPT') throw new Error('OPT in a zone answer');
  if (r.type === 'SOA') assert.ok(Number.isInteger(r.data.serial) && (r.data.serial ?? 0) > 0, 'SOA serial');
  return `${r.name}. ${r.ttl ?? ''} ${r.class ?? ''} ${r.type} ${rdata(r)}`;
}

/** `NOERROR aa`, the answers, then `; authority` and `; additional` sections when not empty; or `FORWARD`. */
export function render(r: Resolution): string {
  if (r.kind === 'forward') return 'FORWARD';
  const lines = [`${r.rcode}${r.authoritative ? ' aa' : ''}`, ...r.answers.map(line)];
  if (r.authorities.length > 0) lines.push('; authority', ...r.authorities.map(line));
  if (r.additionals.length > 0) lines.push('; additional', ...r.additionals.map(line));
  return lines.join('\n');
}

export const q = (name: string, type: string): Question => ({ name, type: type as RecordType, class: 'IN' });

const soaLine = (zone: string, ttl = 5): string =>
  `${zone}. ${ttl} IN SOA ns.dns.${zone}. hostmaster.${zone}. SERIAL 7200 1800 86400 ${ttl}`;

export const nxdomain = (zone: string): string[] => ['NXDOMAIN aa', '; authority', soaLine(zone)];
export const nodata = (zone: string): string[] => ['NOERROR aa', '; authority', soaLine(zone)];
export { soaLine };

/** A row: the question, then the expected answer, one zone-file line per element. */
export type Row = readonly [qname: string, qtype: string, ...expected: string[]];

/** One test per row, named after the question. */
export function table(title: string, zones: () => ClusterZones, rows: readonly Row[]): void {
  for (const [qname, qtype, ...expected] of rows) {
    void test(`${title}: ${qname} ${qtype}`, () => {
      assert.equal(render(zones().resolve(q(qname, qtype))), expected.join('\n'));
    });
  }
}
