// The child processes of the benchmark — the real `meshlet control-plane` and the floor server — and their
// cleanup on every exit path: normal end, error, SIGINT/SIGTERM, or the bench process exiting. Each child is
// killed by its own PID (ChildProcess.kill), never by name; generated manifest directories are removed too.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnMeshlet, type MeshletProcess } from '../../examples/proxyless/spawn-meshlet.js';
import { memoryOf } from './proc.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const live = new Set<ChildProcess>();
const dirs = new Set<string>();

/** A temporary directory to remove if the bench exits before its owner does. */
export function removeOnExit(dir: string): () => void {
  dirs.add(dir);
  return () => void dirs.delete(dir);
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Kills what is still running and removes leftover directories, synchronously (usable from 'exit'). */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;

/** Installs the exit-path handlers once. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nbench/control-plane: ${signal}, stopping child processes ${[...live].map((c) => c.pid).join(', ')}`);
      killAll();
      process.exit(130);
    });
  }
}

export function startControlPlane(args: readonly string[]): MeshletProcess {
  const proc = spawnMeshlet(['control-plane', ...args], {}, { compiled: true });
  track(proc.child);
  return proc;
}

export interface FloorProcess {
  readonly child: ChildProcess;
  readonly port: number;
  push(name: string, hash: string, encoded: Buffer): void;
  stop(): Promise<void>;
}

/** Forks floor-server.ts (through tsx, like the control plane) and waits for its port. */
export function startFloor(timeoutMs: number): Promise<FloorProcess> {
  const child = fork(path.join(here, 'floor-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`floor server not ready within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`floor server exited with code ${code}`)));
    child.on('message', (msg: { event?: string; port?: number }) => {
      if (msg.event !== 'ready' || msg.port === undefined) return;
      clearTimeout(timer);
      resolve({
        child,
        port: msg.port,
        push: (name, hash, encoded) => child.send({ cmd: 'push', name, hash, cla: encoded.toString('base64') }),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.kill('SIGTERM');
          await exited;
          clearTimeout(kill);
        },
      });
    });
  });
}

/**
 * VmRSS (MiB) of an idle `node` and an idle `node --import tsx`, measured side by side: the floor under the
 * control plane's RSS (it runs compiled, as deployed) and under the bench process (it runs through tsx).
 */
export async function loaderBaseline(): Promise<{ node: number; tsx: number }> {
  const idle = (execArgv: string[]): ChildProcess => {
    const child = spawn(process.execPath, [...execArgv, '--eval', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
    track(child);
    return child;
  };
  const plain = idle([]);
  const withTsx = idle(['--import', 'tsx']);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    return { node: memoryOf(plain.pid as number).rssMiB, tsx: memoryOf(withTsx.pid as number).rssMiB };
  } finally {
    plain.kill('SIGKILL');
    withTsx.kill('SIGKILL');
  }
}
