// What a running local cluster is made of, persisted as JSON so that `down`, `status`, `scale`, `kill` and the
// per-node kubelets (separate processes) share it: the network plan, the workloads, every pod with its address
// and the PIDs of its processes, and the cluster's own processes. Layout of the state directory:
//   state.json   this record          manifests/   what the control plane watches (Services, Pod objects)
//   logs/        one file per process      traces.jsonl  spans received by the trace collector
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClusterPlan, PodPlan } from './network/plan.js';
import { isAlive } from './processes.js';
import type { Deployment, PodSpec } from './workloads/types.js';

export interface PodRecord {
  readonly spec: PodSpec;
  readonly plan: PodPlan;
  /** Sidecar (if any) and container processes, each the leader of its process group. */
  readonly pids: readonly number[];
}

export interface ClusterState {
  readonly cluster: string;
  readonly dir: string;
  readonly plan: ClusterPlan;
  /** The working directory the containers run in. */
  readonly cwd: string;
  /** The cluster DNS address in pods' resolv.conf. */
  readonly dnsIp: string;
  /** The control plane's ADS address, as sidecars dial it. */
  readonly xds: string;
  /** The trace collector's OTLP/HTTP endpoint (for OTEL_EXPORTER_OTLP_ENDPOINT); spans go to traces.jsonl. */
  readonly otlp: string;
  readonly deployments: readonly Deployment[];
  /** Next replica sequence number per Deployment (`namespace/name`), so replacement pods get new names. */
  readonly nextSeq: Readonly<Record<string, number>>;
  readonly pods: readonly PodRecord[];
  /**
   * Addresses of pods deleted lately, not handed out again while others are free (as host-local IPAM allocates
   * round-robin): a peer's pooled connection to a deleted pod must fail, not reach its successor.
   */
  readonly released?: readonly string[];
  /** Control plane, DNS, trace collector, kubelets and node proxies. */
  readonly systemPids: readonly number[];
  /** PID of the `meshlet cluster up` process that supervises the cluster (gone with --keep or a crash). */
  readonly upPid: number;
}

/** `/run/meshlet/<cluster>` when /run is writable (root), else `<tmpdir>/meshlet/<cluster>`. */
export function stateDir(cluster: string): string {
  const run = '/run';
  const base = existsSync(run) && process.getuid?.() === 0 ? path.join(run, 'meshlet') : path.join(tmpdir(), 'meshlet');
  return path.join(base, cluster);
}

export const stateFile = (dir: string): string => path.join(dir, 'state.json');
export const manifestsDir = (dir: string): string => path.join(dir, 'manifests');
export const logFile = (dir: string, label: string): string => path.join(dir, 'logs', `${label}.log`);

/** Writes `text` to `file` atomically (a reader sees the old or the new content, never half). */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function saveState(state: ClusterState): void {
  writeAtomic(stateFile(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The recorded state of `cluster`, or undefined when there is none (never started, or already down). */
export function readState(cluster: string): ClusterState | undefined {
  const file = stateFile(stateDir(cluster));
  if (!existsSync(file)) return undefined;
  return readStateFile(file);
}

export function readStateFile(file: string): ClusterState | undefined {
  return readJson<ClusterState>(file);
}

/** A JSON file written by writeAtomic, or undefined when it is missing or unreadable. */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function removeState(cluster: string): void {
  rmSync(stateDir(cluster), { recursive: true, force: true });
}

const LOCK_WAIT_MS = 10_000;

function lockHolderAlive(lock: string): boolean {
  const pid = Number(readFileSync(lock, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}

/**
 * Runs `fn` holding the cluster's state lock (`state.lock`, holding the owner's PID), so that two commands that
 * read, change and save the state (`scale` and `kill` from two terminals) cannot lose each other's change. A lock
 * left by a process that is gone is taken over; waiting longer than 10 s is an error naming the holder.
 */
export async function withStateLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, 'state.lock');
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (!lockHolderAlive(lock)) unlinkSync(lock);
      } catch {
        // released meanwhile
      }
      if (Date.now() > end) throw new Error(`the cluster state is locked by another meshlet command (${lock}); try again`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
