// Starts the real `meshlet` command as a child process, from dist/ when running compiled or through tsx when
// running from source (tests), and stops it by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');

export interface MeshletProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout (command output). */
  readonly stdout: () => string;
  /** Everything the process wrote to stderr (its JSON log lines). */
  readonly stderr: () => string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Run the compiled dist/cli/main.js even from source, as a deployment does (benchmarks measure that). */
  readonly compiled?: boolean;
}

export function spawnMeshlet(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: SpawnOptions = {}): MeshletProcess {
  const root = path.resolve(here, fromSource ? '../..' : '../../..');
  const compiled = path.join(root, 'dist/cli/main.js');
  if (options.compiled && !existsSync(compiled)) throw new Error(`${compiled} does not exist: run \`npm run build\` first`);
  const argv = fromSource && !options.compiled
    ? ['--import', 'tsx', path.join(root, 'cli/main.ts'), ...args]
    : [compiled, ...args];
  const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const capture = (stream: NodeJS.ReadableStream | null): (() => string) => {
    let text = '';
    stream?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.length > 1_000_000) text = text.slice(-500_000); // bounded: a long run keeps only the tail
    });
    return () => text;
  };
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs` with the process's stderr for context. */
export async function waitForHttpOk(url: string, proc: MeshletProcess, timeoutMs = 15000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (proc.child.exitCode !== null) throw new Error(`meshlet exited with code ${proc.child.exitCode}:\n${proc.stderr()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${proc.stderr()}`);
}
