// Processes of the local cluster: started inside a namespace as process-group leaders with their output in a log
// file, recorded by PID, and stopped by PID (their group) — never by name.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIn } from './network/apply.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `.ts` under tsx (tests), `.js` when built. */
const EXT = path.extname(fileURLToPath(import.meta.url));

/** The command that runs a script of this package: [node, ...flags, script]. Prefers the built `dist/` copy. */
export function nodeScript(relative: string): string[] {
  if (EXT === '.ts') {
    const built = path.join(here, '..', 'dist', 'localcluster', relative.replace(/\.ts$/, '.js'));
    if (existsSync(built)) return [process.execPath, built];
    return [process.execPath, '--import', 'tsx', path.join(here, relative)];
  }
  return [process.execPath, path.join(here, relative.replace(/\.ts$/, '.js'))];
}

/** `meshlet` itself (cli/main). */
export function meshletCommand(): string[] {
  return nodeScript('../cli/main.ts');
}

export interface StartOptions {
  readonly namespace: string;
  readonly command: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Starts `command` in `namespace` (own process group, output appended to `logFile`); returns its PID. */
export function startProcess(options: StartOptions): number {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  try {
    const [cmd = '', ...args] = options.command;
    const child = spawnIn(options.namespace, cmd, args, {
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      ...(options.cwd !== undefined && { cwd: options.cwd }),
    });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${cmd} in ${options.namespace}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Whether `pid` runs: it exists and is not a zombie (exited, waiting for its parent, or init, to reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat'); // no procfs: trust kill(0); the process is gone when its entry is
  }
}

/** Signals the process group `pid` leads, or the process alone when it leads none (a child found in a namespace). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * SIGTERM to each recorded process group, SIGKILL to those still alive after `graceMs`, then a short wait until
 * they are really gone: SIGKILL is delivered asynchronously, and a child of this process stays a zombie until
 * the event loop reaps it.
 */
export async function stopGroups(pids: readonly number[], graceMs = 1000): Promise<void> {
  const live = pids.filter(isAlive);
  for (const pid of live) signalGroup(pid, 'SIGTERM');
  await waitGone(live, graceMs);
  for (const pid of live) signalGroup(pid, 'SIGKILL');
  await waitGone(live, 1000);
}

async function waitGone(pids: readonly number[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 20));
}

/** Runs `command` in `namespace` to completion; resolves with its exit code. */
export function runIn(namespace: string, command: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const [cmd = '', ...args] = command;
    const child = spawn('ip', ['netns', 'exec', namespace, cmd, ...args], { stdio: 'ignore' });
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

/** Waits inside `namespace` until `url` (http://... or tcp://...) answers; false after `timeoutMs`. */
export async function waitInNamespace(namespace: string, url: string, timeoutMs: number): Promise<boolean> {
  return (await runIn(namespace, [...nodeScript('probe-main.ts'), url, String(timeoutMs)])) === 0;
}
