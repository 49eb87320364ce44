// What a running local cluster is made of, persisted as JSON so that `down`, `status`, `scale`, `kill` and the
// per-node kubelets (separate processes) share it: the network plan, the workloads, every pod with its address
// and the PIDs of its processes, and the cluster's own processes. Layout of the state directory:
//   state.json   this record          manifests/   what the control plane watches (Services, Pod objects)
//   logs/        one file per process      traces.jsonl  spans received by the trace collector
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClusterPlan, PodPlan } from './network/plan.js';
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
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function removeState(cluster: string): void {
  rmSync(stateDir(cluster), { recursive: true, force: true });
}
