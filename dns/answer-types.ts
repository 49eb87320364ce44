// The contract between the DNS answering core (dns/zone/, pure) and the DNS server (dns/server/, wire and
// forwarding): a question in, an answer out, in dns-packet's record shapes so the server encodes them as is.
import type { Answer, Question } from 'dns-packet';
import type { NameTable } from '../proxy/xds/types.js';

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** What the cluster zones say about a question. */
export interface ZoneAnswer {
  readonly kind: 'answer';
  readonly rcode: Rcode;
  /** AA bit: set for every answer from a cluster zone (meshlet is authoritative there). */
  readonly authoritative: boolean;
  readonly answers: readonly Answer[];
  /** NXDOMAIN / NODATA: the zone's SOA (RFC 2308 negative caching). */
  readonly authorities: readonly Answer[];
  readonly additionals: readonly Answer[];
}

/** The question is outside every cluster zone: the server forwards it upstream. */
export interface Forward {
  readonly kind: 'forward';
}

export type Resolution = ZoneAnswer | Forward;

export interface AnswerOptions {
  /** TTL of every record answered from the cluster zones; default 5 s (CoreDNS kubernetes plugin default). */
  readonly ttl: number;
}

/**
 * The answering core: build once per NameTable update (immutable, swapped whole), then `resolve` per query.
 * `tables` undefined means no NameTable has arrived yet: cluster-zone questions get SERVFAIL (not NXDOMAIN).
 */
export interface ClusterZones {
  resolve(question: Question): Resolution;
}

export type BuildZones = (tables: readonly NameTable[] | undefined, options: AnswerOptions) => ClusterZones;
