// What SotW and delta ADS streams share: the node from the first request, the role, registration in the proxy
// table, the watch on the config group, nonces, ACK/NACK bookkeeping (sync-record.ts), pushes under the send
// budget (outbox.ts), and teardown.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { ErrorCode, grpcStatusOf, type ErrorCodeValue } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import { isServedTypeUrl, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { ControlPlaneMetrics } from '../admin/metrics.js';
import type { GroupSnapshot } from '../cache/group-snapshot.js';
import type { GroupWatch, SnapshotCache } from '../cache/snapshot-cache.js';
import { groupOf, parseNode, roleOf } from './node-info.js';
import type { ConfigDump, Dumpable, ProxyTable } from './proxy-table.js';
import { Outbox } from './outbox.js';
import type { SendBudget } from './send-budget.js';
import type { NamePool } from './subscriptions.js';
import type { ProxyState, TypeSyncState } from './sync-state.js';
import { newSyncState, recordAck, recordNack, recordSent } from './sync-record.js';
import type { ErrorDetail } from './wire-decode.js';

export interface StreamContext {
  readonly cache: SnapshotCache;
  readonly log: Logger;
  readonly metrics: ControlPlaneMetrics | undefined;
  readonly table: ProxyTable;
  readonly pool: NamePool;
  readonly budget: SendBudget;
  readonly now: () => number;
  /** Streams still open, so that the server can end them on close(). */
  readonly open: Set<ProxyStream<unknown>>;
}

/** "Every resource the subscription covers", where a list of names could stand. */
export const ALL = 'all';

/** What to send again after a NACK: the names of the rejected response, or ALL when it was large. */
export type Retry = readonly string[] | typeof ALL;

/** Longer responses are remembered as ALL instead of by name (a stream should not hold 10,000 names for it). */
export const RETRY_LIST_MAX = 64;

export abstract class ProxyStream<Req> implements Dumpable {
  protected proxy: ProxyState | undefined;
  protected watch: GroupWatch | undefined;
  private nonceSeq = 0;
  private closed = false;
  private readonly warned = new Set<string>();
  private readonly outbox: Outbox;

  constructor(
    protected readonly ctx: StreamContext,
    protected readonly call: ServerDuplexStream<Req, Buffer>,
    private readonly kind: 'sotw' | 'delta',
  ) {
    this.outbox = new Outbox(ctx.budget, (typeUrl) => this.flushType(typeUrl));
    ctx.open.add(this as ProxyStream<unknown>);
    call.on('data', (req: Req) => this.receive(req));
    call.on('end', () => this.end());
    call.on('cancelled', () => this.close());
    call.on('error', () => this.close());
    call.on('close', () => this.close());
  }

  protected abstract onRequest(req: Req): void;
  /** The group's snapshot changed: push the changed types this stream asked for, in the order given. */
  protected abstract onSnapshot(snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]): void;
  /** Computes and sends the pending push of one type (see schedule). */
  protected abstract flushType(typeUrl: ServedTypeUrl): void;
  /** Frees what the stream holds in shared pools. */
  protected abstract release(): void;
  abstract dump(): ConfigDump;

  /** Ends the stream with an OK status (the server is closing, or the client half-closed). */
  end(): void {
    this.close();
    if (!this.call.writableEnded) this.call.end();
  }

  private receive(req: Req): void {
    if (this.closed) return;
    try {
      this.onRequest(req);
    } catch (err) {
      this.ctx.log.error({ code: ErrorCode.INTERNAL, err, node: this.proxy?.node.id }, 'xDS request failed');
      this.fail(ErrorCode.INTERNAL, `internal error: ${String(err)}`);
    }
  }

  /**
   * Handles the node of the first request (xDS protocol, "Basic Protocol Overview": only the first request is
   * guaranteed to carry it). Returns false when the stream was rejected.
   */
  protected start(node: Uint8Array | undefined, typeUrl: string, names: () => readonly string[]): boolean {
    const parsed = parseNode(node);
    if (!parsed.ok) {
      this.fail(ErrorCode.INVALID_XDS_REQUEST, parsed.error);
      return false;
    }
    const info = parsed.node;
    const role = roleOf(info, typeUrl, info.role ? [] : names());
    const now = this.ctx.now();
    this.proxy = { node: info, role, stream: this.kind, peer: this.call.getPeer(), connectedAt: now, types: new Map() };
    this.ctx.table.add(this.proxy, this);
    this.ctx.metrics?.connectedProxies.add(1, { stream: this.kind });
    this.ctx.log.info({ node: info.id, role, namespace: info.namespace, stream: this.kind, peer: this.proxy.peer }, 'xDS stream connected');
    this.watch = this.ctx.cache.watch(groupOf(info, role), (s, c) => this.snapshotChanged(s, c));
    return true;
  }

  get started(): boolean {
    return this.proxy !== undefined;
  }

  private snapshotChanged(snapshot: GroupSnapshot, changedTypes: readonly ServedTypeUrl[]): void {
    if (this.closed) return;
    try {
      this.onSnapshot(snapshot, changedTypes);
    } catch (err) {
      this.ctx.log.error({ code: ErrorCode.INTERNAL, err, node: this.proxy?.node.id }, 'xDS push failed');
    }
  }

  /** Unknown type URLs are answered with nothing, once warned about, and do not end the stream. */
  protected served(typeUrl: string): typeUrl is ServedTypeUrl {
    if (isServedTypeUrl(typeUrl)) return true;
    if (!this.warned.has(typeUrl)) {
      this.warned.add(typeUrl);
      this.ctx.log.warn({ code: ErrorCode.INVALID_XDS_REQUEST, node: this.proxy?.node.id, typeUrl }, 'request for a type this control plane does not serve; ignored');
    }
    return false;
  }

  protected syncState(typeUrl: ServedTypeUrl): TypeSyncState {
    const types = (this.proxy as ProxyState).types;
    let sync = types.get(typeUrl);
    if (!sync) types.set(typeUrl, (sync = newSyncState(typeUrl)));
    return sync;
  }

  /** Nonces only need to be unique within the stream (xDS protocol, "Basic Protocol Overview"). */
  protected nextNonce(): string {
    return (++this.nonceSeq).toString(36);
  }

  protected recordAck(sync: TypeSyncState, version: string): void {
    recordAck(sync, version, this.ctx.now());
  }

  protected recordNack(sync: TypeSyncState, detail: ErrorDetail): void {
    recordNack(sync, detail, this.proxy?.node.id, this.ctx.log, this.ctx.metrics);
  }

  protected isDirty(typeUrl: ServedTypeUrl): boolean {
    return this.outbox.isDirty(typeUrl);
  }

  /** Asks for a push of the type: computed by flushType when the send budget lets it out, in PUSH_ORDER. */
  protected schedule(typeUrl: ServedTypeUrl): void {
    this.outbox.schedule(typeUrl);
  }

  /** Writes a response and records it; `changedAt` is set for pushes caused by a model change. */
  protected send(sync: TypeSyncState, version: string, nonce: string, bytes: Buffer, changedAt: number | undefined): void {
    this.call.write(bytes, this.outbox.written(bytes.length));
    recordSent(sync, { version, nonce, bytes: bytes.length }, this.ctx.now(), changedAt, this.ctx.metrics);
  }

  private fail(code: ErrorCodeValue, message: string): void {
    this.ctx.log.warn({ code, node: this.proxy?.node.id, peer: this.call.getPeer() }, message);
    this.close();
    this.call.emit('error', { code: grpcStatusOf(code), details: `${code}: ${message}` });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.open.delete(this as ProxyStream<unknown>);
    this.outbox.close();
    this.watch?.cancel();
    this.release();
    if (this.proxy) {
      this.ctx.table.remove(this.proxy);
      this.ctx.metrics?.connectedProxies.add(-1, { stream: this.kind });
      this.ctx.log.info({ node: this.proxy.node.id, stream: this.kind }, 'xDS stream closed');
    }
  }
}
