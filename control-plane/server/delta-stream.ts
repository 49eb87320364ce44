// An incremental ADS stream (DeltaAggregatedResources). Per type: the subscription, a baseline TypeSnapshot (what
// the proxy holds for what it covers: every resource at the hash in the baseline) and, until the first push,
// the client's initial_resource_versions. Responses carry only changed resources (the resource hash is their
// version) and `removed_resources` for covered names that disappeared (xDS protocol, "Incremental xDS").
import type { XdsResource } from '../../xds/resource.js';
import type { ServedTypeUrl } from '../../xds/type-urls.js';
import type { GroupSnapshot, TypeSnapshot } from '../cache/group-snapshot.js';
import { planDelta, sharedDelta, type DeltaBatch, type DeltaInput, type PushMode, type SharedBatch } from './delta-plan.js';
import { ALL, ProxyStream, RETRY_LIST_MAX, type Retry } from './proxy-stream.js';
import type { ConfigDump, TypeDump } from './proxy-table.js';
import { DeltaSubscription } from './subscriptions.js';
import type { TypeSyncState } from './sync-state.js';
import type { DeltaRequest } from './wire-decode.js';
import { encodeDeltaResources, encodeDeltaResponse, encodeDeltaResponseWith } from './wire-encode.js';

interface DeltaType {
  readonly typeUrl: ServedTypeUrl;
  readonly sync: TypeSyncState;
  readonly sub: DeltaSubscription;
  baseline: TypeSnapshot | undefined;
  /** initial_resource_versions of the type's first request: what a reconnecting client already holds. */
  initial: ReadonlyMap<string, string> | undefined;
  /** Names in the last response (ALL when large); after its NACK they go out again with the next version. */
  lastSent: Retry;
  retry: Retry;
  /** The pending push (while the type is dirty): names it must include, its mode, the earliest change. */
  pendingForced: readonly string[];
  pendingMode: PushMode;
  pendingChangedAt: number | undefined;
}

const MODE_RANK: Readonly<Record<PushMode, number>> = { diff: 0, full: 1, resend: 2 };

/**
 * The encoded `resources` blocks of a TypeSnapshot that every wildcard stream in the same position receives
 * (sharedDelta): all of its resources, and those changed since its previous version. Built once per snapshot and
 * copied into each stream's response next to its own nonce and removed names, as SotW's wildcardBody.
 */
const allBlocks = new WeakMap<TypeSnapshot, Buffer>();
const changedBlocks = new WeakMap<TypeSnapshot, Buffer>();

function sharedBlock(cur: TypeSnapshot, block: SharedBatch['block']): Buffer {
  const blocks = block === 'all' ? allBlocks : changedBlocks;
  let bytes = blocks.get(cur);
  if (!bytes) {
    bytes = encodeDeltaResources(block === 'all' ? cur.resources.values() : cur.changed.map((n) => cur.resources.get(n) as XdsResource));
    blocks.set(cur, bytes);
  }
  return bytes;
}

/** The names a SharedBatch sends, in the response's order. */
function sharedNames(cur: TypeSnapshot, shared: SharedBatch): string[] {
  return [...(shared.block === 'all' ? cur.resources.keys() : cur.changed), ...shared.removed];
}

export class DeltaStream extends ProxyStream<DeltaRequest> {
  private readonly types = new Map<ServedTypeUrl, DeltaType>();

  protected onRequest(req: DeltaRequest): void {
    if (!this.started && !this.start(req.node, req.typeUrl, req.subscribe)) return;
    if (!this.served(req.typeUrl)) return;
    const t = this.typeState(req.typeUrl, req.initialVersions);
    // ACK/NACK pair with the nonce; a stale nonce is no ACK, but its subscription changes still count (xDS
    // protocol, "Incremental xDS": the nonce "should not be used to reject stale requests").
    if (req.responseNonce !== '' && req.responseNonce === t.sync.sentNonce) {
      if (req.errorDetail) {
        this.recordNack(t.sync, req.errorDetail);
        t.retry = t.lastSent;
      } else {
        this.recordAck(t.sync, t.sync.sentVersion ?? '');
      }
    }
    const { mustSend, all } = t.sub.apply(req);
    t.sync.subscribed = t.sub.names.names;
    t.sync.wildcard = t.sub.wildcard;
    if (!this.watch?.snapshot()) return; // no consistent snapshot yet: answered when the group gets one
    if (t.baseline === undefined) this.request(t, mustSend, 'full', undefined);
    else if (all) this.request(t, mustSend, 'resend', undefined);
    else if (mustSend.length > 0) this.request(t, mustSend, 'diff', undefined);
  }

  protected onSnapshot(snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]): void {
    for (const typeUrl of changedTypes) {
      const t = this.types.get(typeUrl);
      const cur = snapshot.types.get(typeUrl);
      if (!t || !cur) continue;
      const retry = t.retry;
      t.retry = [];
      if (t.baseline === undefined) this.request(t, [], 'full', cur.changedAt);
      else if (retry === ALL) this.request(t, [], 'resend', cur.changedAt);
      else this.request(t, retry, 'diff', cur.changedAt);
    }
  }

  /** Asks for a push of the type; it is computed when the send budget lets it out. */
  private request(t: DeltaType, forced: readonly string[], mode: PushMode, changedAt: number | undefined): void {
    if (this.isDirty(t.typeUrl)) {
      t.pendingForced = forced.length === 0 ? t.pendingForced : [...t.pendingForced, ...forced];
      if (MODE_RANK[mode] > MODE_RANK[t.pendingMode]) t.pendingMode = mode;
      if (t.pendingChangedAt === undefined || (changedAt !== undefined && changedAt < t.pendingChangedAt)) t.pendingChangedAt = changedAt;
    } else {
      t.pendingForced = forced;
      t.pendingMode = mode;
      t.pendingChangedAt = changedAt;
    }
    this.schedule(t.typeUrl);
  }

  protected flushType(typeUrl: ServedTypeUrl): void {
    const t = this.types.get(typeUrl);
    const cur = this.watch?.snapshot()?.types.get(typeUrl);
    if (!t || !cur) return;
    const { pendingForced, pendingMode, pendingChangedAt } = t;
    t.pendingForced = [];
    t.pendingMode = 'diff';
    t.pendingChangedAt = undefined;
    this.push(t, cur, pendingForced, t.baseline === undefined ? 'full' : pendingMode, pendingChangedAt);
  }

  private typeState(typeUrl: ServedTypeUrl, initial: ReadonlyMap<string, string>): DeltaType {
    let t = this.types.get(typeUrl);
    if (!t) {
      const known = initial.size > 0 ? initial : undefined;
      t = { typeUrl, sync: this.syncState(typeUrl), sub: new DeltaSubscription(this.ctx.pool), baseline: undefined, initial: known, lastSent: [], retry: [], pendingForced: [], pendingMode: 'diff', pendingChangedAt: undefined };
      this.types.set(typeUrl, t);
    }
    return t;
  }

  /** Sends what the proxy lacks for what it covers (delta-plan.ts), as one response. */
  private push(t: DeltaType, cur: TypeSnapshot, forced: readonly string[], mode: PushMode, changedAt: number | undefined): void {
    const base = t.baseline;
    const input: DeltaInput = {
      covers: (n) => t.sub.covers(n),
      wildcard: t.sub.wildcard,
      names: t.sub.names.set,
      base,
      initial: t.initial,
      cur,
      forced,
      mode,
    };
    const shared = sharedDelta(input);
    const batch = shared ? undefined : planDelta(input);
    t.baseline = cur;
    t.initial = undefined;
    // The first answer to a wildcard subscription goes out even when empty: the client learns the version.
    const emptyFirst = base === undefined && t.sub.wildcard && t.sync.sentNonce === undefined;
    if (shared) {
      const count = (shared.block === 'all' ? cur.resources.size : cur.changed.length) + shared.removed.length;
      if (count > 0 || emptyFirst) this.sendShared(t, cur, shared, count, changedAt);
    } else if (batch && (batch.resources.length > 0 || batch.removed.length > 0 || emptyFirst)) {
      this.sendBatch(t, cur, batch, changedAt);
    }
  }

  private sendBatch(t: DeltaType, cur: TypeSnapshot, batch: DeltaBatch, changedAt: number | undefined): void {
    const nonce = this.nextNonce();
    const bytes = encodeDeltaResponse(cur.version, t.typeUrl, nonce, batch.resources, batch.removed);
    this.send(t.sync, cur.version, nonce, bytes, changedAt);
    const count = batch.resources.length + batch.removed.length;
    t.lastSent = count > RETRY_LIST_MAX ? ALL : [...batch.resources.map((r) => r.name), ...batch.removed];
  }

  /** As sendBatch, with the resources block shared by the streams that get the same one (not re-encoded). */
  private sendShared(t: DeltaType, cur: TypeSnapshot, shared: SharedBatch, count: number, changedAt: number | undefined): void {
    const nonce = this.nextNonce();
    const bytes = encodeDeltaResponseWith(cur.version, t.typeUrl, nonce, sharedBlock(cur, shared.block), shared.removed);
    this.send(t.sync, cur.version, nonce, bytes, changedAt);
    t.lastSent = count > RETRY_LIST_MAX ? ALL : sharedNames(cur, shared);
  }

  protected release(): void {
    for (const t of this.types.values()) t.sub.release();
  }

  dump(): ConfigDump {
    const proxy = this.proxy;
    if (!proxy) throw new Error('dump of a stream that has not started');
    const configs: TypeDump[] = [];
    for (const t of this.types.values()) {
      const resources: TypeDump['resources'][number][] = [];
      for (const r of t.baseline?.resources.values() ?? []) {
        if (t.sub.covers(r.name)) resources.push({ name: r.name, version: r.hash, resource: r.body });
      }
      configs.push({ type_url: t.typeUrl, version_info: t.sync.sentVersion, acked_version: t.sync.ackedVersion, resources });
    }
    return { node: proxy.node, role: proxy.role, stream: 'delta', configs };
  }
}
