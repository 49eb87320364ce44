// What a stream is subscribed to, per type (xDS protocol, "How the client specifies what resources to return").
// Name lists are interned: a thousand sidecars asking for the same thousand EDS names share one Set. A SotW
// request repeating the previous list is recognised by comparing its encoded bytes, without decoding a name.
import { createHash } from 'node:crypto';

/** An immutable list of subscribed names, shared by every stream that sent the same list. */
export interface NameSet {
  /** As sent, including '*' if present. Shared: never mutate. */
  readonly names: string[];
  readonly set: ReadonlySet<string>;
  /** The encoded resource_names span this list was decoded from, when it can be compared byte for byte. */
  readonly raw: Buffer | undefined;
  readonly key: string | undefined;
  refs: number;
}

export const NO_NAMES: NameSet = Object.freeze({ names: [], set: new Set<string>(), raw: undefined, key: undefined, refs: 0 });

export class NamePool {
  private readonly pool = new Map<string, NameSet>();

  /** The NameSet for a request's names; `current` is returned as is when the bytes are the same. */
  acquire(current: NameSet, raw: Uint8Array | undefined, decode: () => string[]): NameSet {
    if (raw === undefined) {
      const names = decode();
      if (names.length === 0) return this.swap(current, NO_NAMES);
      return this.swap(current, { names, set: new Set(names), raw: undefined, key: undefined, refs: 1 });
    }
    if (current.raw !== undefined && current.raw.equals(raw)) return current;
    const key = `r:${createHash('sha256').update(raw).digest('base64')}`;
    return this.swap(current, this.shared(key, () => ({ names: decode(), raw: Buffer.from(raw) })));
  }

  /** The NameSet for a list built by the server (a delta subscription); order does not matter. */
  intern(current: NameSet, names: string[]): NameSet {
    if (names.length === 0) return this.swap(current, NO_NAMES);
    const h = createHash('sha256');
    for (const n of [...names].sort()) h.update(n).update('\n');
    const key = `n:${h.digest('base64')}`;
    if (key === current.key) return current;
    return this.swap(current, this.shared(key, () => ({ names, raw: undefined })));
  }

  private shared(key: string, make: () => { names: string[]; raw: Buffer | undefined }): NameSet {
    let entry = this.pool.get(key);
    if (entry) {
      entry.refs++;
      return entry;
    }
    const { names, raw } = make();
    entry = { names, set: new Set(names), raw, key, refs: 1 };
    this.pool.set(key, entry);
    return entry;
  }

  release(entry: NameSet): void {
    if (entry === NO_NAMES || entry.key === undefined) return;
    if (--entry.refs === 0) this.pool.delete(entry.key);
  }

  /** Number of distinct lists held (for tests). */
  get size(): number {
    return this.pool.size;
  }

  private swap(current: NameSet, next: NameSet): NameSet {
    this.release(current);
    return next;
  }
}

/**
 * SotW wildcard rule: '*' subscribes to everything; an empty list does too, but only while the stream has never
 * named a resource of the type ("legacy" wildcard); after that, an empty list unsubscribes from everything.
 */
export function sotwWildcard(names: NameSet, everNamed: boolean): boolean {
  return names.set.has('*') || (names.names.length === 0 && !everNamed);
}

/** The subscription part of a DeltaDiscoveryRequest (wire-decode.ts). */
export interface DeltaNames {
  subscribe(): string[];
  readonly subscribeCount: number;
  readonly subscribeSpan: Uint8Array | undefined;
  readonly unsubscribe: readonly string[];
}

/** The incremental subscription of one type on a delta stream (xDS protocol, "Incremental xDS"). */
export class DeltaSubscription {
  wildcard = false;
  /** Explicitly subscribed names (without '*'), interned in the pool. */
  names: NameSet = NO_NAMES;
  private seen = false;

  constructor(private readonly pool: NamePool) {}

  /**
   * Applies one request. Returns the names the server must (re)send: every name in `subscribe` (xDS protocol,
   * "Subscribing to Resources": even if the client seems to have it), plus names unsubscribed while a wildcard
   * subscription still covers them (the exception in "Unsubscribing from Resources"); `all` when a new
   * wildcard subscription covers names the client never asked for.
   */
  apply(req: DeltaNames): { mustSend: readonly string[]; all: boolean } {
    const unsubscribe = req.unsubscribe;
    const wasWildcard = this.wildcard;
    // Legacy wildcard: a first request naming nothing means "*" (and stays so until "*" is unsubscribed).
    if (!this.seen && req.subscribeCount === 0 && unsubscribe.length === 0) this.wildcard = true;
    this.seen = true;
    if (this.names === NO_NAMES && unsubscribe.length === 0 && req.subscribeSpan) {
      // The usual first request of a named subscription: interned by its bytes, decoded once per distinct list.
      const shared = this.pool.acquire(NO_NAMES, req.subscribeSpan, req.subscribe);
      if (!shared.set.has('*')) {
        this.names = shared;
        return { mustSend: shared.names, all: this.wildcard && !wasWildcard };
      }
      this.pool.release(shared);
    }
    return this.applyNames(req.subscribe(), unsubscribe, wasWildcard);
  }

  private applyNames(subscribe: readonly string[], unsubscribe: readonly string[], wasWildcard: boolean): { mustSend: string[]; all: boolean } {
    const mustSend: string[] = [];
    const added: string[] = [];
    for (const name of subscribe) {
      if (name === '*') this.wildcard = true;
      else {
        mustSend.push(name);
        if (!this.names.set.has(name)) added.push(name);
      }
    }
    const dropped = new Set<string>();
    for (const name of unsubscribe) {
      if (name === '*') this.wildcard = false;
      else if (this.names.set.has(name)) {
        dropped.add(name);
        if (this.wildcard) mustSend.push(name);
      }
    }
    if (added.length > 0 || dropped.size > 0) {
      const kept = dropped.size > 0 ? this.names.names.filter((n) => !dropped.has(n)) : this.names.names;
      this.names = this.pool.intern(this.names, [...new Set([...kept, ...added])]);
    }
    return { mustSend, all: this.wildcard && !wasWildcard };
  }

  covers(name: string): boolean {
    return this.wildcard || this.names.set.has(name);
  }

  release(): void {
    this.pool.release(this.names);
    this.names = NO_NAMES;
  }
}
