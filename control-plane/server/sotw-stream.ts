// A state-of-the-world ADS stream (StreamAggregatedResources). Per type: the subscription, the nonce of the last
// response, and a baseline — the TypeSnapshot whose content the proxy holds for its subscription. A push
// compares the group's new TypeSnapshot with the baseline, through the precomputed diff when the baseline is its
// previous version, so an endpoint change costs O(changed resources) per proxy.
import type { XdsResource } from '../../xds/resource.js';
import { SOTW_COMPLETE_SET, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { GroupSnapshot, TypeSnapshot } from '../cache/group-snapshot.js';
import { ALL, ProxyStream, RETRY_LIST_MAX, type Retry } from './proxy-stream.js';
import type { ConfigDump, TypeDump } from './proxy-table.js';
import { NO_NAMES, sotwWildcard, type NameSet } from './subscriptions.js';
import type { TypeSyncState } from './sync-state.js';
import type { SotwRequest } from './wire-decode.js';
import { encodeDiscoveryResponse, encodeSotwResources } from './wire-encode.js';

interface SotwType {
  readonly typeUrl: ServedTypeUrl;
  readonly sync: TypeSyncState;
  names: NameSet;
  everNamed: boolean;
  wildcard: boolean;
  /** Advanced on every push, sent or not; undefined until the type was first answered. */
  baseline: TypeSnapshot | undefined;
  /** RDS/EDS names of the last response; after its NACK they go out again with the next version. */
  lastSent: Retry;
  retry: Retry;
  /** What the pending push (while the type is dirty) must include, and the earliest change it carries. */
  pendingForced: Forced;
  pendingChangedAt: number | undefined;
}

type Forced = readonly string[] | typeof ALL | undefined;

function mergeForced(a: Forced, b: Forced): Forced {
  if (a === ALL || b === ALL) return ALL;
  if (!a || a.length === 0) return b;
  return b && b.length > 0 ? [...a, ...b] : a;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** The resources block of a wildcard LDS/CDS response, built once per version and shared by the group. */
const wildcardBodies = new WeakMap<TypeSnapshot, Buffer>();

function wildcardBody(snap: TypeSnapshot): Buffer {
  let body = wildcardBodies.get(snap);
  if (!body) wildcardBodies.set(snap, (body = encodeSotwResources(snap.resources.values())));
  return body;
}

export class SotwStream extends ProxyStream<SotwRequest> {
  private readonly types = new Map<ServedTypeUrl, SotwType>();

  protected onRequest(req: SotwRequest): void {
    if (!this.started && !this.start(req.node, req.typeUrl, () => req.names())) return;
    if (!this.served(req.typeUrl)) return;
    const t = this.typeState(req.typeUrl);
    const nonce = req.responseNonce;
    // A request answering an older response is stale: the client will answer the latest one too, with its full
    // subscription, so it is ignored entirely (xDS protocol, "Resource updates").
    if (nonce !== '' && t.sync.sentNonce !== undefined && nonce !== t.sync.sentNonce) return;
    if (nonce !== '' && nonce === t.sync.sentNonce) {
      if (req.errorDetail) {
        this.recordNack(t.sync, req.errorDetail);
        // A NACK's version_info is "the most recent version that the client is using" (xDS protocol, "ACK and
        // NACK semantics summary"), which the proxy table shows as its ACKed version.
        if (req.versionInfo !== '') t.sync.ackedVersion = req.versionInfo;
        t.retry = t.lastSent;
      } else {
        this.recordAck(t.sync, req.versionInfo);
      }
    }
    const forced = this.resubscribe(t, req);
    if (!this.watch?.snapshot()) return; // no consistent snapshot yet: answered when the group gets one
    if (t.baseline === undefined) this.request(t, ALL, undefined);
    else if (forced !== undefined) this.request(t, SOTW_COMPLETE_SET.has(t.typeUrl) ? ALL : forced, undefined);
  }

  protected onSnapshot(snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]): void {
    for (const typeUrl of changedTypes) {
      const t = this.types.get(typeUrl);
      const cur = snapshot.types.get(typeUrl);
      if (!t || !cur) continue;
      const retry = t.retry;
      t.retry = [];
      const forced = t.baseline === undefined || retry === ALL ? ALL : retry.length > 0 ? retry : undefined;
      this.request(t, forced, cur.changedAt);
    }
  }

  /** Asks for a push of the type; it is computed when the send budget lets it out. */
  private request(t: SotwType, forced: Forced, changedAt: number | undefined): void {
    const pending = this.isDirty(t.typeUrl);
    t.pendingForced = pending ? mergeForced(t.pendingForced, forced) : forced;
    t.pendingChangedAt = pending ? earliest(t.pendingChangedAt, changedAt) : changedAt;
    this.schedule(t.typeUrl);
  }

  protected flushType(typeUrl: ServedTypeUrl): void {
    const t = this.types.get(typeUrl);
    const cur = this.watch?.snapshot()?.types.get(typeUrl);
    if (!t || !cur) return;
    const forced = t.pendingForced;
    const changedAt = t.pendingChangedAt;
    t.pendingForced = undefined;
    t.pendingChangedAt = undefined;
    this.push(t, cur, forced, changedAt);
  }

  private typeState(typeUrl: ServedTypeUrl): SotwType {
    let t = this.types.get(typeUrl);
    if (!t) {
      t = { typeUrl, sync: this.syncState(typeUrl), names: NO_NAMES, everNamed: false, wildcard: false, baseline: undefined, lastSent: [], retry: [], pendingForced: undefined, pendingChangedAt: undefined };
      this.types.set(typeUrl, t);
    }
    return t;
  }

  /**
   * Applies the request's resource_names (each SotW request carries the full list, xDS protocol "Unsubscribing
   * From Resources"). Returns what must be sent because of it: ALL, newly named resources, or undefined.
   */
  private resubscribe(t: SotwType, req: SotwRequest): Forced {
    const before = t.names;
    const wasWildcard = t.wildcard;
    const next = this.ctx.pool.acquire(before, req.namesSpan, () => req.names());
    if (next.names.length > 0) t.everNamed = true;
    t.names = next;
    t.wildcard = sotwWildcard(next, t.everNamed);
    t.sync.subscribed = next.names;
    t.sync.wildcard = t.wildcard;
    if (t.wildcard && !wasWildcard) return ALL;
    if (next === before && t.wildcard === wasWildcard) return undefined;
    if (t.wildcard === wasWildcard && next.set.size === before.set.size && next.names.every((n) => before.set.has(n))) return undefined;
    return next.names.filter((n) => n !== '*' && !before.set.has(n));
  }

  private covers(t: SotwType, name: string): boolean {
    return t.wildcard || t.names.set.has(name);
  }

  private push(t: SotwType, cur: TypeSnapshot, forced: Forced, changedAt: number | undefined): void {
    const base = t.baseline;
    t.baseline = cur;
    if (SOTW_COMPLETE_SET.has(t.typeUrl)) {
      // LDS, CDS (and the NameTable) carry the complete set (xDS protocol, "Grouping Resources into Responses").
      if (forced === undefined && base !== undefined && !this.touches(t, base, cur)) return;
      this.sendComplete(t, cur, changedAt);
      return;
    }
    // RDS and EDS responses carry what changed or was newly asked for (same section: only Listener and
    // Cluster need the complete state of the world).
    const names = forced === ALL || base === undefined ? this.existing(t, cur) : this.changedNames(t, base, cur, forced);
    if (names.length > 0) this.sendNamed(t, cur, names, changedAt);
  }

  /** Whether anything covered by the subscription differs between two snapshots of the type. */
  private touches(t: SotwType, base: TypeSnapshot, cur: TypeSnapshot): boolean {
    if (base === cur || base.version === cur.version) return false;
    if (t.wildcard) return true;
    const set = t.names.set;
    if (cur.previousVersion === base.version) return cur.changed.some((n) => set.has(n)) || cur.removed.some((n) => set.has(n));
    for (const n of set) if (cur.resources.get(n)?.hash !== base.resources.get(n)?.hash) return true;
    return false;
  }

  /** Names covered by the subscription that exist in `snap`. */
  private existing(t: SotwType, snap: TypeSnapshot): string[] {
    if (t.wildcard) return [...snap.resources.keys()];
    const out: string[] = [];
    for (const n of t.names.set) if (snap.resources.has(n)) out.push(n);
    return out;
  }

  /** Covered names whose resource changed from `base` to `cur`, plus `forced` ones, that exist in `cur`. */
  private changedNames(t: SotwType, base: TypeSnapshot, cur: TypeSnapshot, forced: readonly string[] | undefined): string[] {
    const out: string[] = [];
    const seen = forced && forced.length > 0 ? new Set<string>() : undefined;
    const add = (n: string): void => {
      if (!cur.resources.has(n) || seen?.has(n)) return;
      seen?.add(n);
      out.push(n);
    };
    for (const n of forced ?? []) if (this.covers(t, n)) add(n);
    if (base === cur || base.version === cur.version) return out;
    if (cur.previousVersion === base.version) {
      for (const n of cur.changed) if (this.covers(t, n)) add(n);
      return out;
    }
    const candidates = t.wildcard ? cur.resources.keys() : t.names.set;
    for (const n of candidates) if (cur.resources.get(n)?.hash !== base.resources.get(n)?.hash) add(n);
    return out;
  }

  private sendComplete(t: SotwType, cur: TypeSnapshot, changedAt: number | undefined): void {
    const body = t.wildcard ? wildcardBody(cur) : encodeSotwResources(this.existing(t, cur).map((n) => cur.resources.get(n) as XdsResource));
    const nonce = this.nextNonce();
    this.send(t.sync, cur.version, nonce, encodeDiscoveryResponse(cur.version, t.typeUrl, nonce, body), changedAt);
    t.lastSent = [];
  }

  private sendNamed(t: SotwType, cur: TypeSnapshot, names: readonly string[], changedAt: number | undefined): void {
    const body = encodeSotwResources(names.map((n) => cur.resources.get(n) as XdsResource));
    const nonce = this.nextNonce();
    this.send(t.sync, cur.version, nonce, encodeDiscoveryResponse(cur.version, t.typeUrl, nonce, body), changedAt);
    t.lastSent = names.length > RETRY_LIST_MAX ? ALL : names;
  }

  protected release(): void {
    for (const t of this.types.values()) this.ctx.pool.release(t.names);
  }

  dump(): ConfigDump {
    const proxy = this.proxy;
    if (!proxy) throw new Error('dump of a stream that has not started');
    const configs: TypeDump[] = [];
    for (const t of this.types.values()) {
      const snap = t.baseline;
      const resources = snap
        ? this.existing(t, snap).map((n) => {
            const r = snap.resources.get(n) as XdsResource;
            return { name: n, version: r.hash, resource: r.body };
          })
        : [];
      configs.push({ type_url: t.typeUrl, version_info: t.sync.sentVersion, acked_version: t.sync.ackedVersion, resources });
    }
    return { node: proxy.node, role: proxy.role, stream: 'sotw', configs };
  }
}
