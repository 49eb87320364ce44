// The cluster zones (dns/answer-types.ts): built once per NameTable update from every table, then `resolve` per
// query. Parse → index → records, as CoreDNS's kubernetes plugin, except that the whole index is computed up
// front: a query is a couple of Map gets on a lower-cased name and returns an answer shared by all queries.
import { createHash } from 'node:crypto';
import type { NameTable } from '../../proxy/xds/types.js';
import type { AnswerOptions, BuildZones, ClusterZones } from '../answer-types.js';
import { IndexBuilder } from './builder.js';
import { addClusterZone } from './cluster-zone.js';
import { addClustersetZone } from './clusterset-zone.js';
import { freeze } from './freeze.js';
import { IndexedZones, UnsyncedZones } from './resolve.js';

export { DNS_SCHEMA_VERSION } from './cluster-zone.js';
export { MCS_DNS_SCHEMA_VERSION } from './clusterset-zone.js';
export { DEFAULT_ZONES } from './resolve.js';

/** The TTL of every answer unless configured (`meshlet dns --ttl`), as CoreDNS's kubernetes plugin. */
export const DEFAULT_TTL = 5;

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = { ttl: DEFAULT_TTL };

/**
 * The SOA serial: a digest of the tables, so it changes when they do and stays put when an update changes
 * nothing (CoreDNS uses the time of the last change; the answering core reads no clock). Never 0.
 */
export function zoneSerial(tables: readonly NameTable[]): number {
  return createHash('sha256').update(JSON.stringify(tables)).digest().readUInt32BE(0) || 1;
}

export const buildZones: BuildZones = (tables: readonly NameTable[] | undefined, options: AnswerOptions): ClusterZones => {
  if (tables === undefined) return new UnsyncedZones();
  const b = new IndexBuilder(options.ttl);
  for (const t of tables) addClusterZone(b, t);
  for (const t of tables) addClustersetZone(b, t);
  return new IndexedZones(freeze(b, zoneSerial(tables)), b.zones, options.ttl);
};
