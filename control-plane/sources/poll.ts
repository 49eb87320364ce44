// The polling fallback of the watcher: a cheap fingerprint of the manifest files (path, size, mtime, inode)
// compared every interval. Used when fs.watch is unavailable or fails (inotify limits, some network filesystems).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listManifestFiles } from './scan.js';

export async function directoryFingerprint(dir: string): Promise<string> {
  let rels: string[];
  try {
    rels = await listManifestFiles(dir);
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
  const lines = await Promise.all(
    rels.map(async (rel) => {
      try {
        const s = await stat(path.join(dir, rel));
        return `${rel}\t${s.size}\t${s.mtimeMs}\t${s.ino}`;
      } catch {
        return `${rel}\tgone`;
      }
    }),
  );
  return lines.join('\n');
}

export interface Poller {
  /** Stops polling; resolves once no timer or fingerprint is pending. */
  stop(): Promise<void>;
}

/** Calls `onChange` whenever the fingerprint of `dir` differs from the one `intervalMs` before. */
export async function pollDirectory(dir: string, intervalMs: number, onChange: () => void): Promise<Poller> {
  let fingerprint = await directoryFingerprint(dir);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    const next = await directoryFingerprint(dir);
    if (stopped) return;
    if (next !== fingerprint) {
      fingerprint = next;
      onChange();
    }
    timer = setTimeout(() => (running = tick()), intervalMs);
  };
  timer = setTimeout(() => (running = tick()), intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
