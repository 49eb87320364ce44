// What one incremental (delta) response for one type must carry, as a pure function of what the client holds
// and the group's current snapshot (xDS protocol, "Incremental xDS").
import type { XdsResource } from '../../xds/resource.js';
import type { TypeSnapshot } from '../cache/group-snapshot.js';

/**
 * `diff`: only the snapshot's changes since the client's baseline; `full`: compare every covered name;
 * `resend`: send every covered resource again (a new wildcard subscription, a NACKed large response).
 */
export type PushMode = 'diff' | 'full' | 'resend';

export interface DeltaInput {
  /** Whether the subscription covers a name (wildcard or explicit). */
  readonly covers: (name: string) => boolean;
  readonly wildcard: boolean;
  /** Explicit names when not wildcard (a set: a response must not name a resource twice). */
  readonly names: ReadonlySet<string>;
  /** The snapshot the client was last brought to, if any. */
  readonly base: TypeSnapshot | undefined;
  /** initial_resource_versions of a reconnecting client (replaces `base` as "what it holds"). */
  readonly initial: ReadonlyMap<string, string> | undefined;
  readonly cur: TypeSnapshot;
  /** Names that must go out even if the client seems to hold them (or as removed when they do not exist). */
  readonly forced: readonly string[];
  readonly mode: PushMode;
}

export interface DeltaBatch {
  readonly resources: XdsResource[];
  readonly removed: string[];
}

/** The hash of `name` the client holds, as far as the server knows. */
function heldBy(input: DeltaInput, name: string): string | undefined {
  return input.initial ? input.initial.get(name) : input.base?.resources.get(name)?.hash;
}

/** Every covered name of `cur`, and of what the client held, for removals. */
function eachCovered(input: DeltaInput, fn: (n: string) => void): void {
  if (!input.wildcard) {
    for (const n of input.names) fn(n);
    return;
  }
  const { cur } = input;
  for (const n of cur.resources.keys()) fn(n);
  const before = input.initial ?? input.base?.resources;
  if (before) for (const n of before.keys()) if (!cur.resources.has(n)) fn(n);
}

export function planDelta(input: DeltaInput): DeltaBatch {
  const { cur, base, mode } = input;
  const batch: DeltaBatch = { resources: [], removed: [] };
  const forced = new Set(input.forced);
  const visit = (n: string, isForced: boolean): void => {
    if (!input.covers(n)) return;
    const r = cur.resources.get(n);
    const held = heldBy(input, n);
    // A subscribed name is sent even if held ("Subscribing to Resources") — except what a reconnecting client
    // declared in initial_resource_versions at the current hash.
    if (r) {
      if (mode === 'resend' || held !== r.hash || (isForced && !input.initial)) batch.resources.push(r);
    } else if (held !== undefined || isForced) {
      batch.removed.push(n); // gone, or never existed ("Knowing When a Requested Resource Does Not Exist")
    }
  };
  for (const n of forced) visit(n, true);
  const rest = (n: string): void => {
    if (!forced.has(n)) visit(n, false);
  };
  if (mode !== 'diff' || base === undefined) eachCovered(input, rest);
  else if (base !== cur && base.version !== cur.version) {
    if (cur.previousVersion === base.version) {
      for (const n of cur.changed) rest(n);
      for (const n of cur.removed) rest(n);
    } else eachCovered(input, rest);
  }
  return batch;
}

/**
 * A batch whose resources depend on `cur` alone, so that their encoding can be shared by every stream in the
 * same position: `all` = every resource of `cur` in map order, `changed` = `cur.changed` in order (a wildcard
 * client brought to `cur`'s previous version). `removed` is the stream's own.
 */
export interface SharedBatch {
  readonly block: 'all' | 'changed';
  readonly removed: readonly string[];
}

/**
 * The cases of planDelta that are a SharedBatch (same resources in the same order, same removed names), or
 * undefined: a wildcard subscription with nothing forced and no initial_resource_versions, getting either
 * everything (first response, resend) or the snapshot's own diff.
 */
export function sharedDelta(input: DeltaInput): SharedBatch | undefined {
  const { cur, base, mode } = input;
  if (!input.wildcard || input.initial !== undefined || input.forced.length > 0) return undefined;
  if (base === undefined) return { block: 'all', removed: [] };
  if (mode === 'resend') {
    const removed: string[] = [];
    for (const n of base.resources.keys()) if (!cur.resources.has(n)) removed.push(n);
    return { block: 'all', removed };
  }
  if (mode === 'diff' && base !== cur && base.version !== cur.version && cur.previousVersion === base.version) {
    return { block: 'changed', removed: cur.removed };
  }
  return undefined;
}
