// Answering a question: the hot path (tens of thousands of queries per second). A name in the index costs two
// Map gets and returns a shared answer; a name not in it is NXDOMAIN in the zone it falls in, a pod name, or
// forwarded. Only pod answers and questions spelled in another case than the zone's allocate.
import type { Question, RecordType } from 'dns-packet';
import type { ClusterZones, Resolution } from '../answer-types.js';
import { FORWARD, positive, SERVFAIL, withOwner, type Negatives } from './answers.js';
import type { FrozenIndex, NameNode } from './freeze.js';
import { IN_ADDR_ARPA, IP6_ARPA, inZone, parent, podAddress, withoutDot } from './names.js';
import { address } from './records.js';

/** A served zone, as the miss path needs it. */
interface ServedZone {
  readonly apex: string;
  /** `.pod.<apex>`: names ending so may be pod names. */
  readonly podSuffix: string;
  readonly negatives: Negatives;
}

export class IndexedZones implements ClusterZones {
  private readonly nodes: ReadonlyMap<string, NameNode>;
  /** Longest apex first, so that a nested zone wins over its parent. */
  private readonly zones: readonly ServedZone[];

  constructor(
    index: FrozenIndex,
    apexes: Iterable<string>,
    private readonly ttl: number,
  ) {
    this.nodes = index.nodes;
    this.zones = [...apexes]
      .sort((a, b) => b.length - a.length)
      .flatMap((apex) => {
        const negatives = index.negatives.get(apex);
        return negatives ? [{ apex, podSuffix: `.pod.${apex}`, negatives }] : [];
      });
  }

  resolve(question: Question): Resolution {
    const asked = withoutDot(question.name);
    const name = asked.toLowerCase();
    const node = this.nodes.get(name);
    if (node === undefined) return this.miss(name, asked, question.type);
    const answer = node.byType.get(question.type) ?? node.fallback;
    return name === asked ? answer : withOwner(answer, name, asked);
  }

  /** Not in the index: NXDOMAIN in a served zone unless a pod name; outside (unknown reverse names too): forward. */
  private miss(name: string, asked: string, type: RecordType): Resolution {
    for (const zone of this.zones) {
      if (!inZone(name, zone.apex)) continue;
      return name.endsWith(zone.podSuffix) ? this.pod(name, asked, type, zone.negatives) : zone.negatives.nxdomain;
    }
    return FORWARD;
  }

  /**
   * `<a-b-c-d>.<ns>.pod.<zone>` → A a.b.c.d (and the IPv6 dashed form → AAAA), the deprecated record of spec 2.6
   * answered as CoreDNS's `pods insecure` does: from the label alone, in a namespace that exists.
   */
  private pod(name: string, asked: string, type: RecordType, negatives: Negatives): Resolution {
    const namespace = this.nodes.get(parent(name));
    const ip = namespace?.podNamespace === true ? podAddress(name.slice(0, name.indexOf('.'))) : undefined;
    if (ip === undefined) return negatives.nxdomain;
    const record = address(asked, ip, this.ttl);
    const asks: string = type; // 'ANY' is a dns-packet type its typings leave out
    return asks === record.type || asks === 'ANY' ? positive([record]) : negatives.nodata;
  }
}

/** The zones assumed before the first table names them: the defaults of Kubernetes and of the MCS API. */
export const DEFAULT_ZONES: readonly string[] = ['cluster.local', 'clusterset.local', IN_ADDR_ARPA, IP6_ARPA];

/** Before the first NameTable: SERVFAIL in the cluster zones (and reverse zones), forward the rest. */
export class UnsyncedZones implements ClusterZones {
  resolve(question: Question): Resolution {
    const name = withoutDot(question.name).toLowerCase();
    return DEFAULT_ZONES.some((apex) => inZone(name, apex)) ? SERVFAIL : FORWARD;
  }
}
