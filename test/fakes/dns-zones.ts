// A tiny stand-in for the answering core (dns/zone/): fixed answers by (lower-cased name, type), NXDOMAIN with
// an SOA for other names in `cluster.test`, forward for everything else. It knows none of the real rules; the
// server's tests use it to choose answers of any size and shape. It records the questions it was asked.
import type { Answer, Question } from 'dns-packet';
import type { BuildZones, ClusterZones, Resolution, ZoneAnswer } from '../../dns/answer-types.js';

export const FAKE_ZONE = 'cluster.test';

const SOA: Answer = {
  type: 'SOA',
  name: FAKE_ZONE,
  ttl: 5,
  class: 'IN',
  data: { mname: `ns.${FAKE_ZONE}`, rname: `hostmaster.${FAKE_ZONE}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
};

export function positive(answers: readonly Answer[], additionals: readonly Answer[] = []): ZoneAnswer {
  return { kind: 'answer', rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals };
}

export const SERVFAIL: ZoneAnswer = { kind: 'answer', rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] };

export const NXDOMAIN: ZoneAnswer = { kind: 'answer', rcode: 'NXDOMAIN', authoritative: true, answers: [], authorities: [SOA], additionals: [] };

/** `n` A records for `name` (10.0.x.y): 16 bytes each on the wire, compressed. */
export function manyA(name: string, n: number, ttl = 5): Answer[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'A', name, ttl, class: 'IN', data: `10.0.${i >> 8}.${i & 0xff}` }) as const);
}

export class FakeZones implements ClusterZones {
  readonly asked: Question[] = [];

  /** `answers` by `<name> <TYPE>`; `miss`: the answer for other names in the zone. */
  constructor(
    private readonly answers: ReadonlyMap<string, ZoneAnswer>,
    private readonly miss: ZoneAnswer = NXDOMAIN,
  ) {}

  resolve(question: Question): Resolution {
    this.asked.push(question);
    const name = question.name.toLowerCase();
    const found = this.answers.get(`${name} ${question.type}`);
    if (found) return found;
    return name === FAKE_ZONE || name.endsWith(`.${FAKE_ZONE}`) ? this.miss : { kind: 'forward' };
  }
}

/** A BuildZones over fixed answers: `undefined` tables → SERVFAIL in the zone, as the contract says. */
export function fakeBuildZones(answers: ReadonlyMap<string, ZoneAnswer>): BuildZones {
  return (tables) => (tables === undefined ? new FakeZones(new Map(), SERVFAIL) : new FakeZones(answers));
}
