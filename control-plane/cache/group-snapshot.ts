// One config group's versioned snapshot: per type URL, the resources, a version string and the difference from
// the version it replaced. The difference is what makes a push O(changed resources) per proxy: a stream whose
// last baseline is the previous version only looks at `changed` and `removed` instead of comparing every name.
import { createHash } from 'node:crypto';
import type { ResourceSet, XdsResource } from '../../xds/resource.js';
import { PUSH_ORDER, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { ConfigGroup } from '../translate/types.js';

const EMPTY: ReadonlyMap<string, XdsResource> = new Map();

export interface TypeSnapshot {
  readonly typeUrl: ServedTypeUrl;
  /**
   * The resource type instance version (xDS protocol, "ACK/NACK and resource type instance version"): a digest
   * of names and resource hashes, so it changes exactly when one resource of the type changes.
   */
  readonly version: string;
  /** Shared by reference with every stream of the group; never copied per proxy. */
  readonly resources: ReadonlyMap<string, XdsResource>;
  /** The version this one replaced; `changed`/`removed` are relative to it. Undefined for a group's first. */
  readonly previousVersion: string | undefined;
  /** Names added or whose resource hash changed since `previousVersion`. */
  readonly changed: readonly string[];
  /** Names present in `previousVersion` and gone now. */
  readonly removed: readonly string[];
  /** The model change time (ms) that produced this version, for the push-time histogram. */
  readonly changedAt: number;
}

export interface GroupSnapshot {
  readonly group: ConfigGroup;
  readonly key: string;
  /** Counts accepted snapshots of this group, 1 for the first. */
  readonly generation: number;
  /** Every served type has an entry (possibly with no resources), so a wildcard LDS/CDS can be answered. */
  readonly types: ReadonlyMap<ServedTypeUrl, TypeSnapshot>;
}

function versionOf(resources: ReadonlyMap<string, XdsResource>): string {
  const h = createHash('sha256');
  for (const [name, r] of resources) h.update(name).update('\0').update(r.hash).update('\n');
  return h.digest('hex').slice(0, 12);
}

/** The names added/changed and removed between two maps of one type. */
export function diffResources(
  before: ReadonlyMap<string, XdsResource>,
  after: ReadonlyMap<string, XdsResource>,
): { changed: string[]; removed: string[] } {
  const changed: string[] = [];
  const removed: string[] = [];
  let added = 0;
  for (const [name, r] of after) {
    const old = before.get(name);
    if (old === undefined) added++;
    if (old === undefined || (old !== r && old.hash !== r.hash)) changed.push(name);
  }
  // Names kept = after.size - added; anything else in `before` was removed. Skip the scan when nothing was.
  if (before.size > after.size - added) {
    for (const name of before.keys()) if (!after.has(name)) removed.push(name);
  }
  return { changed, removed };
}

/**
 * The next snapshot of one type: `previous` itself (same object, same version) when nothing changed, so that
 * "only changed types are pushed" falls out of an identity check.
 */
export function nextTypeSnapshot(
  previous: TypeSnapshot | undefined,
  typeUrl: ServedTypeUrl,
  resources: ReadonlyMap<string, XdsResource> | undefined,
  changedAt: number,
): TypeSnapshot {
  const now = resources ?? EMPTY;
  if (previous === undefined) {
    return { typeUrl, version: versionOf(now), resources: now, previousVersion: undefined, changed: [...now.keys()], removed: [], changedAt };
  }
  if (previous.resources === now) return previous;
  const { changed, removed } = diffResources(previous.resources, now);
  if (changed.length === 0 && removed.length === 0) return previous;
  return { typeUrl, version: versionOf(now), resources: now, previousVersion: previous.version, changed, removed, changedAt };
}

/**
 * Builds the group's next snapshot from a translated set. Returns the snapshot and the types whose version
 * changed, in PUSH_ORDER (xDS protocol, "Eventual consistency considerations": make before break).
 */
export function nextGroupSnapshot(
  previous: GroupSnapshot | undefined,
  group: ConfigGroup,
  key: string,
  set: ResourceSet,
  changedAt: number,
): { snapshot: GroupSnapshot; changedTypes: ServedTypeUrl[] } {
  const types = new Map<ServedTypeUrl, TypeSnapshot>();
  const changedTypes: ServedTypeUrl[] = [];
  for (const typeUrl of PUSH_ORDER) {
    const before = previous?.types.get(typeUrl);
    const after = nextTypeSnapshot(before, typeUrl, set.get(typeUrl), changedAt);
    types.set(typeUrl, after);
    if (after !== before) changedTypes.push(typeUrl);
  }
  const generation = (previous?.generation ?? 0) + (changedTypes.length > 0 ? 1 : 0);
  if (previous && changedTypes.length === 0) return { snapshot: previous, changedTypes };
  return { snapshot: { group, key, generation, types }, changedTypes };
}
