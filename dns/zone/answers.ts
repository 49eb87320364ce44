// The answers a zone gives, built once and shared: positive answers, the negative ones of RFC 2308 (NXDOMAIN and
// NODATA, each with the zone's SOA in the authority section), SERVFAIL before the first table, and forwarding.
import type { Answer } from 'dns-packet';
import type { Forward, ZoneAnswer } from '../answer-types.js';

const NONE: readonly Answer[] = [];

export const FORWARD: Forward = { kind: 'forward' };

/**
 * No NameTable yet: the server cannot tell a missing name from one it has not learnt, so it says "try again"
 * rather than NXDOMAIN (which resolvers cache). Not authoritative: the zone data is not there to vouch for.
 */
export const SERVFAIL: ZoneAnswer = {
  kind: 'answer',
  rcode: 'SERVFAIL',
  authoritative: false,
  answers: NONE,
  authorities: NONE,
  additionals: NONE,
};

export function positive(answers: readonly Answer[], additionals: readonly Answer[] = NONE): ZoneAnswer {
  return { kind: 'answer', rcode: 'NOERROR', authoritative: true, answers, authorities: NONE, additionals };
}

/** The two negative answers of a zone, sharing its SOA record. */
export interface Negatives {
  /** The name does not exist (nor anything below it). */
  readonly nxdomain: ZoneAnswer;
  /** The name exists (maybe as an empty non-terminal) but has no record of the type asked. */
  readonly nodata: ZoneAnswer;
}

export function negatives(soa: Answer): Negatives {
  const authorities = [soa];
  return {
    nxdomain: { kind: 'answer', rcode: 'NXDOMAIN', authoritative: true, answers: NONE, authorities, additionals: NONE },
    nodata: { kind: 'answer', rcode: 'NOERROR', authoritative: true, answers: NONE, authorities, additionals: NONE },
  };
}

/**
 * The answer with the question's spelling as owner name where the zone's canonical (lower-case) name stands, so a
 * client that asked `Web.Default.svc.cluster.local` reads its own spelling back (as CoreDNS answers with the
 * question's name). Only this path allocates; a question in canonical form gets the shared answer.
 */
export function withOwner(answer: ZoneAnswer, canonicalName: string, asked: string): ZoneAnswer {
  if (answer.answers.length === 0) return answer;
  const answers = answer.answers.map((r) => (r.name === canonicalName ? { ...r, name: asked } : r));
  return { ...answer, answers };
}
