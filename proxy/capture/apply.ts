// Installs the capture rules in the CURRENT network namespace (the sidecar runs inside its pod's namespace) with
// iptables-restore --noflush, and removes them again on exit. Which iptables flavour exists is detected: the
// system default `iptables-restore` first, then the nft and legacy variants.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { captureRules, removalCommands, type CaptureOptions } from './iptables-rules.js';
import { ErrorCode, MeshletError } from '../../common/errors.js';

export const RESTORE_CANDIDATES = ['iptables-restore', 'iptables-nft-restore', 'iptables-legacy-restore'] as const;

export class CaptureError extends MeshletError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.CAPTURE_FAILED, message, options);
    this.name = 'CaptureError';
  }
}

export interface IptablesTools {
  /** Absolute path of the restore tool, e.g. /usr/sbin/iptables-nft-restore. */
  readonly restore: string;
  /** The matching iptables command (same flavour), used for removal. */
  readonly iptables: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the first restore tool on PATH (plus /usr/sbin and /sbin, which a non-root PATH often lacks). */
export function detectIptables(
  searchPath: string = process.env.PATH ?? '',
  exists: (file: string) => boolean = isExecutable,
): IptablesTools {
  const dirs = [...new Set([...searchPath.split(path.delimiter).filter(Boolean), '/usr/sbin', '/sbin'])];
  for (const name of RESTORE_CANDIDATES) {
    for (const dir of dirs) {
      const restore = path.join(dir, name);
      if (!exists(restore)) continue;
      const iptables = path.join(dir, name.replace(/-restore$/, ''));
      if (!exists(iptables)) continue;
      return { restore, iptables };
    }
  }
  throw new CaptureError(
    `--capture iptables: none of ${RESTORE_CANDIDATES.join(', ')} (with its iptables command) was found in ` +
      `${dirs.join(':')}; install iptables in the sidecar image or run with --capture none`,
  );
}

function explain(tool: string, stderr: string): string {
  const why = stderr.trim() || 'no message';
  if (/permission denied|must be root|operation not permitted/i.test(why)) {
    return `${tool} was refused (${why}): capture needs root or CAP_NET_ADMIN in the pod's network namespace`;
  }
  return `${tool} failed: ${why}`;
}

function runRemoval(tools: IptablesTools): void {
  for (const args of removalCommands()) {
    // A rule or chain that is already gone is fine: removal is best effort and idempotent.
    spawnSync(tools.iptables, ['-w', ...args], { stdio: 'ignore', timeout: 10_000 });
  }
}

export interface CaptureHandle {
  readonly tools: IptablesTools;
  /** The text that was given to iptables-restore. */
  readonly rules: string;
  /** Removes the rules (idempotent, synchronous so that it can run in an exit handler). */
  remove(): void;
}

/**
 * Writes the rules (after removing leftovers of an earlier run) and registers their removal on process exit.
 * The caller should also call remove() when it drains on SIGTERM; the exit hook covers the rest.
 */
export function applyCapture(options: Partial<CaptureOptions> = {}, tools: IptablesTools = detectIptables()): CaptureHandle {
  const rules = captureRules(options);
  runRemoval(tools);
  const r = spawnSync(tools.restore, ['--noflush'], { input: rules, encoding: 'utf8', timeout: 10_000 });
  // EPIPE means the tool ran but exited before reading all the rules: its exit status and stderr say why.
  const ran = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status !== null;
  if (r.error && !ran) throw new CaptureError(`cannot run ${tools.restore}: ${r.error.message}`, { cause: r.error });
  if (r.status !== 0) throw new CaptureError(explain(tools.restore, r.stderr));
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    runRemoval(tools);
  };
  process.on('exit', remove);
  return { tools, rules, remove };
}
