// Watches a manifest directory and publishes a new store state after every change. Detection uses one
// non-recursive fs.watch per directory of the tree (the directories the scan walks; watchers follow directories
// as they appear and disappear) and falls back to polling fs.stat every `pollIntervalMs` when watching is
// unavailable or fails. Not `fs.watch(dir, {recursive: true})`: on Linux, Node 20 implements it with one watch per
// file inode, and a file replaced by a rename (how editors and `kubectl`-style tools save) is reported the first
// time only, later renames and writes never (nodejs/node#48437). A directory's own watch sees every rename.
// Rescans are incremental (ManifestScanner, ManifestStore): only files whose stat fingerprint changed are read.
// Changes coalesce: the first change opens a window of `debounceMs`, and everything that happens inside it is
// picked up by one rescan at the end of the window. Scans never overlap; a change during a scan schedules
// another. `onUpdate` is called for the initial load and then only when the state actually changed.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import { formatConfigError } from './errors.js';
import { pollDirectory, type Poller } from './poll.js';
import { ManifestScanner } from './scan.js';
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
  readonly #scanner: ManifestScanner;
  #mode: 'watch' | 'poll' = 'watch';
  /** One watcher per directory, by path relative to the manifest directory ('' for itself). */
  #fsWatchers = new Map<string, FSWatcher>();
  #poller: Promise<Poller> | undefined;
  #debounceTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<StoreUpdate> | undefined;
  #dirty = false;
  #closed = false;

  constructor(dir: string, opts: WatchOptions) {
    this.#dir = dir;
    this.#opts = opts;
    this.#store = new ManifestStore(opts.logger);
    this.#scanner = new ManifestScanner(dir);
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
      this.#watchDirectory('');
    } catch (err) {
      this.#opts.logger?.info({ err, dir: this.#dir }, 'fs.watch unavailable; polling the manifest directory');
      this.#mode = 'poll';
    }
  }

  /** Watches one directory (non-recursively). Throws when fs.watch does. */
  #watchDirectory(rel: string): void {
    const watcher = watch(path.join(this.#dir, rel), () => this.#changed());
    watcher.on('error', (err) => this.#watchFailed(err));
    this.#fsWatchers.set(rel, watcher);
  }

  #watchFailed(err: unknown): void {
    if (this.#mode === 'poll' || this.#closed) return;
    this.#opts.logger?.warn({ err, dir: this.#dir }, 'fs.watch failed; polling the manifest directory instead');
    this.#closeFsWatchers();
    void this.#startPolling().then(() => this.#changed());
  }

  /**
   * After a scan: watches the directories it walked that are not watched yet, and stops watching the ones it did
   * not walk. Files written into a new directory before its watch started are picked up by one more rescan.
   */
  #followDirectories(dirs: readonly string[]): void {
    if (this.#mode !== 'watch' || this.#closed) return;
    const walked = new Set(dirs);
    for (const [rel, watcher] of this.#fsWatchers) {
      if (rel !== '' && !walked.has(rel)) {
        watcher.close();
        this.#fsWatchers.delete(rel);
      }
    }
    let added = false;
    for (const rel of dirs) {
      if (this.#fsWatchers.has(rel)) continue;
      try {
        this.#watchDirectory(rel);
        added = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone already: the next scan drops it
        this.#watchFailed(err);
        return;
      }
    }
    if (added) this.#changed();
  }

  #closeFsWatchers(): void {
    for (const watcher of this.#fsWatchers.values()) watcher.close();
    this.#fsWatchers.clear();
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
      const { files, dirs, read } = await this.#scanner.scan();
      if (this.#closed) return { state: this.state, changed: new Set() };
      this.#followDirectories(dirs);
      const update = this.#store.apply(files);
      const ms = Math.round(performance.now() - started);
      const fields = { dir: this.#dir, files: files.length, read, ms, changed: [...update.changed] };
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
    this.#closeFsWatchers();
    await Promise.all([this.#scanning?.catch(() => undefined), this.#poller?.then((p) => p.stop())]);
  }
}
