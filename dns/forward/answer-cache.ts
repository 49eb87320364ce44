// Upstream answers kept for their TTL (RFC 1035 §7.4; negative answers RFC 2308 §5), at most `maxEntries` of
// them: a hit moves an entry to the back, a full cache drops the front (least recently used). Keys are the
// lower-cased question and the DO bit (a DNSSEC-aware client gets its own answers).
import type { Template } from '../server/template.js';

interface Entry {
  readonly template: Template;
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface CacheHit {
  readonly template: Template;
  /** Whole seconds since it was stored: what to take off every TTL. */
  readonly ageSeconds: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): CacheHit | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    if (now >= e.expiresAt) return undefined;
    this.entries.set(key, e);
    return { template: e.template, ageSeconds: Math.floor((now - e.storedAt) / 1000) };
  }

  /** Keeps `template` for `ttlSeconds` (nothing when 0). */
  set(key: string, template: Template, ttlSeconds: number, now: number): void {
    if (ttlSeconds <= 0 || this.maxEntries <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { template, storedAt: now, expiresAt: now + ttlSeconds * 1000 });
  }

  clear(): void {
    this.entries.clear();
  }
}
