// The built index, frozen: per name, the whole answer for each type computed once, so that a query is two Map
// gets and no allocation (the answers are shared between queries and must not be mutated).
import type { Answer } from 'dns-packet';
import type { ZoneAnswer } from '../answer-types.js';
import { negatives, positive, type Negatives } from './answers.js';
import type { Draft, IndexBuilder } from './builder.js';
import { ns, soa, srv } from './records.js';

export interface NameNode {
  /** The answer per question type, including `ANY`. */
  readonly byType: ReadonlyMap<string, ZoneAnswer>;
  /** Every other type: the zone's NODATA, or the CNAME answer of an ExternalName service (RFC 1034 §3.6.2). */
  readonly fallback: ZoneAnswer;
  readonly podNamespace: boolean;
}

export interface FrozenIndex {
  readonly nodes: ReadonlyMap<string, NameNode>;
  /** Per zone apex (the served zones, and the reverse zones that hold records): NXDOMAIN and NODATA. */
  readonly negatives: ReadonlyMap<string, Negatives>;
}

type ByType = Map<string, Answer[]>;

/**
 * Records grouped by type in order of first appearance. The SRV records of a name share a weight of 100 among
 * their targets, as CoreDNS's plugin.SRV does (floor(100 / n), at least 1), all at priority 0.
 */
function group(name: string, draft: Draft, ttl: number): ByType {
  const out: ByType = new Map();
  const push = (r: Answer): void => {
    const list = out.get(r.type);
    if (list) list.push(r);
    else out.set(r.type, [r]);
  };
  draft.records.forEach(push);
  const weight = Math.max(1, Math.floor(100 / draft.srv.length));
  for (const s of draft.srv) push(srv(name, s.port, s.target, weight, ttl));
  return out;
}

/** The A and AAAA records of each SRV target, once per target (the Additional section, spec 2.3.2 / 2.4.2). */
function targetAddresses(records: readonly Answer[], grouped: ReadonlyMap<string, ByType>): Answer[] {
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r.type !== 'SRV' || seen.has(r.data.target)) continue;
    seen.add(r.data.target);
    const target = grouped.get(r.data.target);
    out.push(...(target?.get('A') ?? []), ...(target?.get('AAAA') ?? []));
  }
  return out;
}

function node(byType: ByType, grouped: ReadonlyMap<string, ByType>, nodata: ZoneAnswer, podNamespace: boolean): NameNode {
  const cname = byType.get('CNAME');
  if (cname) return { byType: new Map(), fallback: positive(cname), podNamespace };
  const answers = new Map<string, ZoneAnswer>();
  for (const [type, records] of byType) {
    answers.set(type, type === 'SRV' ? positive(records, targetAddresses(records, grouped)) : positive(records));
  }
  // RFC 8482 minimal ANY: one answer, here the addresses (A and AAAA together), else the name's first RRset.
  const addresses = [...(byType.get('A') ?? []), ...(byType.get('AAAA') ?? [])];
  const first = answers.values().next().value;
  if (addresses.length > 0) answers.set('ANY', positive(addresses));
  else if (first) answers.set('ANY', first);
  return { byType: answers, fallback: nodata, podNamespace };
}

/** Writes the apex records (SOA, NS) and the PTRs, then computes every answer. */
export function freeze(b: IndexBuilder, serial: number): FrozenIndex {
  for (const apex of b.zones) {
    b.add(apex, soa(apex, serial, b.ttl));
    b.add(apex, ns(apex, b.ttl));
  }
  b.writePtrs();
  const zoneNegatives = new Map<string, Negatives>();
  const grouped = new Map<string, ByType>();
  for (const [name, draft] of b.drafts) {
    grouped.set(name, group(name, draft, b.ttl));
    if (!zoneNegatives.has(draft.zone)) zoneNegatives.set(draft.zone, negatives(soa(draft.zone, serial, b.ttl)));
  }
  const nodes = new Map<string, NameNode>();
  for (const [name, draft] of b.drafts) {
    const nodata = zoneNegatives.get(draft.zone)?.nodata;
    const byType = grouped.get(name);
    if (nodata && byType) nodes.set(name, node(byType, grouped, nodata, draft.podNamespace));
  }
  return { nodes, negatives: zoneNegatives };
}
