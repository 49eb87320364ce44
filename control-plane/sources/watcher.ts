// Watches a manifest directory and publishes a new store state after every change. Detection uses fs.watch
// (recursive) and falls back to polling fs.stat every `pollIntervalMs` when watching is unavailable or fails.
// Changes coalesce: the first change opens a window of `debounceMs`, and everything that happens inside it is
// picked up by one rescan at the end of the window. Scans never overlap; a change during a scan schedules
// another. `onUpdate` is called for the initial load and then only when the state actually changed.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../common/log.js';
import { formatConfigError } from './errors.js';
import { pollDirectory, type Poller } from './poll.js';
import { scanManifestDir } from './scan.js';
import type { StoreState, StoreUpdate } from './state.js';
import { ManifestStore } from './store.js';

export interface WatchOptions {
  readonly onUpdate: (update: StoreUpdate) => void;
  /** Default 100 (the `--debounce-ms` flag). */
  readonly debounceMs?: number;
  /** Default 500; used only when polling. */
  readonly pollIntervalMs?: number;
  /** 'auto' (default) tries fs.watch first; 'poll' always polls. */
  readonly mode?: 'auto' | 'poll';
  readonly logger?: Logger;
}

export interface ManifestWatcher {
  readonly state: StoreState;
  /** How changes are being detected. */
  readonly mode: 'watch' | 'poll';
  /** Scans right away (outside the debounce window), publishing the result if it changed anything. */
  rescan(): Promise<StoreUpdate>;
  /** Stops watching; resolves when no timer, watcher or scan is left. No update is published afterwards. */
  close(): Promise<void>;
}

/** Loads `dir` (publishing the initial state through onUpdate) and keeps watching it. Rejects if unreadable. */
export async function watchManifests(dir: string, options: WatchOptions): Promise<ManifestWatcher> {
  const w = new DirectoryWatcher(dir, options);
  await w.start();
  return w;
}

class DirectoryWatcher implements ManifestWatcher {
  readonly #dir: string;
  readonly #opts: WatchOptions;
  readonly #store: ManifestStore;
  #mode: 'watch' | 'poll' = 'watch';
  #fsWatcher: FSWatcher | undefined;
  #poller: Promise<Poller> | undefined;
  #debounceTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<StoreUpdate> | undefined;
  #dirty = false;
  #closed = false;

  constructor(dir: string, opts: WatchOptions) {
    this.#dir = dir;
    this.#opts = opts;
    this.#store = new ManifestStore(opts.logger);
  }

  get state(): StoreState {
    return this.#store.state;
  }

  get mode(): 'watch' | 'poll' {
    return this.#mode;
  }

  async start(): Promise<void> {
    // Watch first, so that a change made during the initial scan is not missed. Every event counts, even for
    // dot-names: a mounted ConfigMap changes by swapping its `..data` link, not by touching the visible files.
    if (this.#opts.mode === 'poll') this.#mode = 'poll';
    else this.#startFsWatch();
    if (this.#mode === 'poll') await this.#startPolling();
    try {
      await this.#exclusive(() => this.#scanOnce(true));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  #startFsWatch(): void {
    try {
      this.#fsWatcher = watch(this.#dir, { recursive: true }, () => this.#changed());
      this.#fsWatcher.on('error', (err) => {
        this.#opts.logger?.warn({ err, dir: this.#dir }, 'fs.watch failed; polling the manifest directory instead');
        this.#fsWatcher?.close();
        this.#fsWatcher = undefined;
        if (!this.#closed) void this.#startPolling().then(() => this.#changed());
      });
    } catch (err) {
      this.#opts.logger?.info({ err, dir: this.#dir }, 'fs.watch unavailable; polling the manifest directory');
      this.#mode = 'poll';
    }
  }

  async #startPolling(): Promise<void> {
    this.#mode = 'poll';
    this.#poller = pollDirectory(this.#dir, this.#opts.pollIntervalMs ?? 500, () => this.#changed());
    await this.#poller;
  }

  /** A change was seen: open a debounce window unless one is open already. */
  #changed(): void {
    if (this.#closed || this.#debounceTimer !== undefined) return;
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = undefined;
      if (this.#scanning !== undefined) this.#dirty = true;
      else void this.rescan().catch(() => undefined);
    }, this.#opts.debounceMs ?? 100);
  }

  rescan(): Promise<StoreUpdate> {
    return this.#exclusive(() => this.#scanOnce(false));
  }

  /** Runs `scan` unless one is running (then the running one is returned and another follows it). */
  #exclusive(scan: () => Promise<StoreUpdate>): Promise<StoreUpdate> {
    if (this.#scanning !== undefined) {
      this.#dirty = true;
      return this.#scanning;
    }
    const running = scan().finally(() => {
      this.#scanning = undefined;
      if (this.#dirty) {
        this.#dirty = false;
        this.#changed();
      }
    });
    this.#scanning = running;
    return running;
  }

  async #scanOnce(initial: boolean): Promise<StoreUpdate> {
    try {
      const started = performance.now();
      const files = await scanManifestDir(this.#dir);
      if (this.#closed) return { state: this.state, changed: new Set() };
      const update = this.#store.apply(files);
      const ms = Math.round(performance.now() - started);
      const fields = { dir: this.#dir, files: files.length, ms, changed: [...update.changed] };
      this.#opts.logger?.debug(fields, initial ? 'manifest directory loaded' : 'manifest directory rescanned');
      this.#publish(update, initial);
      return update;
    } catch (err) {
      // The directory itself vanished or became unreadable: keep serving the last state rather than nothing.
      if (!initial) this.#opts.logger?.error({ err, dir: this.#dir }, 'cannot rescan the manifest directory; keeping the last state');
      throw err;
    }
  }

  #publish(update: StoreUpdate, initial: boolean): void {
    if (this.#closed || (!initial && update.changed.size === 0)) return;
    if (initial || update.changed.has('errors')) {
      for (const e of update.state.errors) this.#opts.logger?.warn({ code: e.code }, formatConfigError(e));
    }
    try {
      this.#opts.onUpdate(update);
    } catch (err) {
      this.#opts.logger?.error({ err }, 'manifest update handler failed');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#debounceTimer);
    this.#debounceTimer = undefined;
    this.#fsWatcher?.close();
    this.#fsWatcher = undefined;
    await Promise.all([this.#scanning?.catch(() => undefined), this.#poller?.then((p) => p.stop())]);
  }
}
