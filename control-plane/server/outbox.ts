// A stream's outgoing side under the send budget: which types have a push pending, and the bytes written but
// not flushed yet. Pushes go out in PUSH_ORDER whenever the budget allows; until then only "this type is dirty"
// is kept, and the push is computed when sent, from the snapshot current then.
import { PUSH_ORDER, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { SendBudget, Waiting } from './send-budget.js';

export class Outbox implements Waiting {
  private readonly dirty = new Set<ServedTypeUrl>();
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly budget: SendBudget,
    /** Computes and writes (through `write`) the pending push of one type. */
    private readonly flushType: (typeUrl: ServedTypeUrl) => void,
  ) {}

  isDirty(typeUrl: ServedTypeUrl): boolean {
    return this.dirty.has(typeUrl);
  }

  /** Marks a type as having a push pending and sends what the budget allows. */
  schedule(typeUrl: ServedTypeUrl): void {
    this.dirty.add(typeUrl);
    this.flush();
  }

  /**
   * Sends pending pushes in PUSH_ORDER while the budget allows: a later type never overtakes an earlier pending
   * one (xDS protocol, "Eventual consistency considerations": make before break).
   */
  private flush(): void {
    for (const typeUrl of PUSH_ORDER) {
      if (this.closed || this.dirty.size === 0) return;
      if (!this.dirty.has(typeUrl)) continue;
      if (!this.canSend()) return;
      this.dirty.delete(typeUrl);
      this.flushType(typeUrl);
    }
  }

  resume(): void {
    this.flush();
  }

  private canSend(): boolean {
    if (this.inFlight >= this.budget.streamLimit) return false; // resumes when its own writes flush
    if (this.budget.allows()) return true;
    this.budget.wait(this);
    return false;
  }

  /** Accounts for `bytes` being written; returns the callback to pass to the write. */
  written(bytes: number): () => void {
    this.inFlight += bytes;
    this.budget.acquire(bytes);
    return () => this.flushed(bytes);
  }

  private flushed(bytes: number): void {
    if (this.closed) return;
    this.inFlight -= bytes;
    this.budget.release(bytes);
    if (this.dirty.size > 0) this.flush();
  }

  /** The stream ended: whatever it had in flight no longer counts. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dirty.clear();
    this.budget.forget(this);
    this.budget.release(this.inFlight);
    this.inFlight = 0;
  }
}
