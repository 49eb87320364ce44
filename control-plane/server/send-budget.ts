// Flow control for pushes. A response waits in memory until HTTP/2 flow control lets it out, and a thousand
// proxies connecting at once would each hold megabytes of LDS/CDS there. So bytes in flight are bounded per
// stream and in total; a stream over budget keeps its pushes pending (only "this type is dirty" — no bytes)
// and computes them when it is woken, from the snapshot current by then, so versions that went by coalesce.

export interface Waiting {
  /** Called when budget freed up; the stream sends what it has pending (and may wait again). */
  resume(): void;
}

export class SendBudget {
  private inFlight = 0;
  private readonly waiting = new Set<Waiting>();

  constructor(
    /** Total bytes written and not yet flushed, over all streams, beyond which streams wait. */
    private readonly totalLimit: number,
    /**
     * Per stream: another response may follow while less than this is unflushed. The stream itself resumes
     * when its own writes flush; only the total limit puts it in the waiting line.
     */
    readonly streamLimit: number,
  ) {}

  /** Whether the total budget lets one more response out. */
  allows(): boolean {
    return this.inFlight < this.totalLimit;
  }

  acquire(bytes: number): void {
    this.inFlight += bytes;
  }

  /** Bytes flushed (or dropped with their stream): wake waiting streams, oldest first, while budget lasts. */
  release(bytes: number): void {
    this.inFlight -= bytes;
    for (const w of this.waiting) {
      if (this.inFlight >= this.totalLimit) break;
      this.waiting.delete(w);
      w.resume();
    }
  }

  wait(w: Waiting): void {
    this.waiting.add(w);
  }

  forget(w: Waiting): void {
    this.waiting.delete(w);
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }
}
