// The index under construction: every name that exists, with its records, in canonical form. Adding a name adds
// its ancestors up to the zone apex, so empty non-terminals (`svc.<zone>`, `_tcp.<svc>.<ns>.svc.<zone>`, the
// `<clusterid>` label of a multi-cluster hostname) exist by construction and answer NODATA rather than NXDOMAIN.
import type { Answer, OptAnswer } from 'dns-packet';
import { address, nameServer, ptr } from './records.js';
import { parent, reverseName, reverseZoneOf } from './names.js';

/** Every record type but the EDNS pseudo-record, which a zone never holds. */
export type ZoneRecord = Exclude<Answer, OptAnswer>;

/** A name being built: its zone's apex, its records, and the SRV targets whose weights are set at the end. */
export interface Draft {
  readonly zone: string;
  readonly records: ZoneRecord[];
  readonly srv: { readonly port: number; readonly target: string }[];
  /** Keys of the records and SRV targets above, so that a repeat is kept once. */
  readonly seen: Set<string>;
  /** `<ns>.pod.<zone>`: pod names `<dashed-ip>.<ns>.pod.<zone>` below it are answered from the label. */
  podNamespace: boolean;
}

/**
 * Which PTR an address gets when several names claim it, best first. A ClusterIP names one service (the first,
 * as CoreDNS's serviceRecordForIP); endpoint addresses keep one PTR per service that selects them; the clusterset
 * names come only where the cluster-local ones are absent (MCS DNS specification, "Limitations").
 */
export const PtrRank = { ClusterIp: 0, Endpoint: 1, ClustersetIp: 2, ImportedEndpoint: 3 } as const;
export type PtrRank = (typeof PtrRank)[keyof typeof PtrRank];

/** True the first time `key` is seen at `draft`. */
function first(draft: Draft, key: string): boolean {
  if (draft.seen.has(key)) return false;
  draft.seen.add(key);
  return true;
}

const SINGLE: ReadonlySet<PtrRank> = new Set([PtrRank.ClusterIp, PtrRank.ClustersetIp]);

export class IndexBuilder {
  readonly drafts = new Map<string, Draft>();
  /** The apexes of the zones served with SOA and NS (cluster and clusterset domains, not the reverse zones). */
  readonly zones = new Set<string>();
  private readonly ptrs = new Map<string, { rank: PtrRank; targets: string[] }>();

  constructor(readonly ttl: number) {}

  /**
   * A served zone. Its name server `ns.dns.<zone>` (the NS record's target) exists but has no address: the
   * answering core does not know the server's own address, so A/AAAA there are NODATA.
   */
  zone(apex: string): void {
    this.zones.add(apex);
    this.name(nameServer(apex), apex);
  }

  /** `name` exists in the zone `apex` (and so do its ancestors up to the apex). */
  name(name: string, apex: string): Draft {
    let draft = this.drafts.get(name);
    if (draft === undefined) {
      draft = { zone: apex, records: [], srv: [], seen: new Set(), podNamespace: false };
      this.drafts.set(name, draft);
      if (name !== apex && name !== '' && reverseZoneOf(name) === undefined) this.name(parent(name), apex);
    }
    return draft;
  }

  /** A record at its owner name; the same type and data twice is kept once. */
  add(apex: string, record: ZoneRecord): void {
    const draft = this.name(record.name, apex);
    if (first(draft, `${record.type} ${JSON.stringify(record.data)}`)) draft.records.push(record);
  }

  /** A or AAAA at `name`. */
  address(apex: string, name: string, ip: string): void {
    this.add(apex, address(name, ip, this.ttl));
  }

  /** An SRV record at `name` (its weight is set when the index is frozen, from the number of targets). */
  srv(apex: string, name: string, port: number, target: string): void {
    const draft = this.name(name, apex);
    if (first(draft, `srv ${port} ${target}`)) draft.srv.push({ port, target });
  }

  podNamespace(apex: string, name: string): void {
    this.name(name, apex).podNamespace = true;
  }

  /** Claims the PTR record of `ip` for `target`; resolved by rank when the reverse names are written. */
  ptr(ip: string, target: string, rank: PtrRank): void {
    const key = ip.toLowerCase();
    const held = this.ptrs.get(key);
    if (held === undefined || rank < held.rank) this.ptrs.set(key, { rank, targets: [target] });
    else if (rank === held.rank && !SINGLE.has(rank) && !held.targets.includes(target)) held.targets.push(target);
  }

  /** Writes the claimed PTR records under in-addr.arpa / ip6.arpa (no ancestors: other reverse names forward). */
  writePtrs(): void {
    for (const [ip, { targets }] of this.ptrs) {
      const name = reverseName(ip);
      const zone = name && reverseZoneOf(name);
      if (name === undefined || zone === undefined) continue;
      for (const target of targets) this.add(zone, ptr(name, target, this.ttl));
    }
  }
}
