// Container restarts, as the kubelet does them for restartPolicy Always: a container whose process exited is
// started again, the first time at once, then after a back-off that doubles from 10 s up to 5 min and is forgotten
// once the container has run for 10 min (Kubernetes' CrashLoopBackOff numbers). The kubelet of each node writes
// what it runs to `kubelet-<node>.json` in the state directory, so that `status` can show current PIDs and
// restart counts without the kubelets writing the shared state.json.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readJson, writeAtomic } from './state.js';

export const FIRST_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

/** The wait before the restart that follows one after `previousMs` (0: the first restart, at once). */
export function nextBackoffMs(previousMs: number): number {
  return previousMs === 0 ? FIRST_BACKOFF_MS : Math.min(previousMs * 2, MAX_BACKOFF_MS);
}

export interface ContainerStatus {
  readonly name: string;
  readonly pid: number;
  readonly restarts: number;
}

/** Pod name → its containers, in the order of PodRecord.pids. */
export type NodeContainers = Readonly<Record<string, readonly ContainerStatus[]>>;

export const kubeletFile = (dir: string, node: string): string => path.join(dir, `kubelet-${node}.json`);

export function writeNodeContainers(dir: string, node: string, pods: NodeContainers): void {
  writeAtomic(kubeletFile(dir, node), `${JSON.stringify(pods)}\n`);
}

/** What every kubelet of the cluster reported, merged; {} before any report. */
export function readContainers(dir: string): NodeContainers {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /^kubelet-.+\.json$/.test(f));
  } catch {
    return {};
  }
  return Object.assign({}, ...files.map((f) => readJson<NodeContainers>(path.join(dir, f)) ?? {})) as NodeContainers;
}
