// The snapshot cache (go-control-plane's cache/server split): per config group with at least one connected proxy,
// the latest consistent GroupSnapshot. The pipeline calls `update` with the translator bound to the new model;
// streams `watch` their group and are told which types changed, in push order. The cache holds no stream state.
import { ErrorCode, type ErrorCodeValue } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/log.js';
import type { ResourceSet } from '../../xds/resource.js';
import type { ServedTypeUrl } from '../../xds/type-urls.js';
import { groupKey, type ConfigGroup } from '../translate/types.js';
import { checkConsistency as defaultCheck } from '../translate/consistency.js';
import { nextGroupSnapshot, type GroupSnapshot } from './group-snapshot.js';

/** The translator bound to one model snapshot: pure, memoised per service. */
export type Resolver = (group: ConfigGroup) => ResourceSet;

/** Called after a group's snapshot changed, with the changed types in PUSH_ORDER. */
export type GroupListener = (snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]) => void;

export interface SnapshotCacheOptions {
  readonly logger?: Logger;
  /** Problems of a translated set; a non-empty answer refuses the snapshot. Default: translate/consistency.ts. */
  readonly checkConsistency?: (set: ResourceSet) => string[];
  /**
   * Maps a proxy's group to the group whose configuration it shares (translate's `canonicalGroup`: every sidecar
   * gets the same set whatever its namespace), so each shared set is checked and diffed once. Default: identity.
   */
  readonly canonicalGroup?: (group: ConfigGroup) => ConfigGroup;
}

/** A refused snapshot, for the admin page: the group keeps serving its previous snapshot (if any). */
export interface SnapshotError {
  readonly group: string;
  readonly code: ErrorCodeValue;
  readonly problems: readonly string[];
  /** The model change (ms since epoch) whose translation was refused. */
  readonly changedAt: number;
}

export interface GroupWatch {
  /** The group's current snapshot; undefined until a consistent one exists. */
  snapshot(): GroupSnapshot | undefined;
  cancel(): void;
}

interface GroupEntry {
  readonly group: ConfigGroup;
  readonly key: string;
  snapshot: GroupSnapshot | undefined;
  readonly listeners: Set<GroupListener>;
}

export class SnapshotCache {
  private readonly log: Logger;
  private readonly check: (set: ResourceSet) => string[];
  private readonly canonical: (group: ConfigGroup) => ConfigGroup;
  private readonly entries = new Map<string, GroupEntry>();
  private readonly refused = new Map<string, SnapshotError>();
  private resolver: Resolver | undefined;
  private resolverChangedAt = 0;

  constructor(options: SnapshotCacheOptions = {}) {
    this.log = options.logger ?? silentLogger();
    this.check = options.checkConsistency ?? defaultCheck;
    this.canonical = options.canonicalGroup ?? ((group) => group);
  }

  /** A new model snapshot: re-resolve every watched group and notify the streams of the types that changed. */
  update(resolve: Resolver, changedAt: number): void {
    this.resolver = resolve;
    this.resolverChangedAt = changedAt;
    for (const entry of this.entries.values()) {
      const changedTypes = this.refresh(entry);
      if (changedTypes.length === 0 || !entry.snapshot) continue;
      for (const listener of entry.listeners) this.notify(listener, entry.snapshot, changedTypes);
    }
  }

  /**
   * Registers interest in a group. The first watcher of a group resolves it from the latest resolver, so a
   * proxy of a new group gets its configuration without waiting for the next model change.
   */
  watch(proxyGroup: ConfigGroup, listener: GroupListener): GroupWatch {
    const group = this.canonical(proxyGroup);
    const key = groupKey(group);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { group, key, snapshot: undefined, listeners: new Set() };
      this.entries.set(key, entry);
      this.refresh(entry);
    }
    const held = entry;
    held.listeners.add(listener);
    return {
      snapshot: () => held.snapshot,
      cancel: () => {
        held.listeners.delete(listener);
        // Groups without proxies are dropped: their snapshots are rebuilt cheaply if a proxy comes back.
        if (held.listeners.size === 0 && this.entries.get(held.key) === held) {
          this.entries.delete(held.key);
          this.refused.delete(held.key);
        }
      },
    };
  }

  snapshot(group: ConfigGroup): GroupSnapshot | undefined {
    return this.entries.get(groupKey(this.canonical(group)))?.snapshot;
  }

  /** Keys of the groups with at least one watcher. */
  groups(): string[] {
    return [...this.entries.keys()];
  }

  /** Snapshots currently refused, by group. */
  errors(): SnapshotError[] {
    return [...this.refused.values()];
  }

  /** Resolves and checks one group; keeps the previous snapshot when the new one is refused. */
  private refresh(entry: GroupEntry): readonly ServedTypeUrl[] {
    if (!this.resolver) return [];
    const changedAt = this.resolverChangedAt;
    let set: ResourceSet;
    let problems: string[];
    try {
      set = this.resolver(entry.group);
      problems = this.check(set);
    } catch (err) {
      this.refuse(entry, ErrorCode.INTERNAL, [`translation failed: ${String(err)}`], changedAt);
      return [];
    }
    if (problems.length > 0) {
      this.refuse(entry, ErrorCode.INCONSISTENT_SNAPSHOT, problems, changedAt);
      return [];
    }
    this.refused.delete(entry.key);
    const { snapshot, changedTypes } = nextGroupSnapshot(entry.snapshot, entry.group, entry.key, set, changedAt);
    entry.snapshot = snapshot;
    return changedTypes;
  }

  private refuse(entry: GroupEntry, code: ErrorCodeValue, problems: string[], changedAt: number): void {
    this.refused.set(entry.key, { group: entry.key, code, problems, changedAt });
    this.log.error(
      { code, group: entry.key, problems: problems.slice(0, 20), count: problems.length, kept: entry.snapshot?.generation },
      'snapshot refused; the group keeps its previous snapshot',
    );
  }

  private notify(listener: GroupListener, snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]): void {
    try {
      listener(snapshot, changedTypes);
    } catch (err) {
      this.log.error({ code: ErrorCode.INTERNAL, group: snapshot.key, err }, 'snapshot listener failed');
    }
  }
}
