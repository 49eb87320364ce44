// `node kubelet-main.js STATE_FILE NODE`: the kubelet of one node, started inside the node's namespace. It reads the
// cluster state, probes the readiness of the pods on its node (readiness.ts) and, when a pod's readiness changes,
// rewrites its Pod object in the control plane's manifest directory, so that endpoints follow readiness. A container
// whose process exited is restarted with Kubernetes' back-off (restarts.ts); the PIDs it runs and the restart
// counts go to kubelet-<node>.json. It exits when the state file is gone (the cluster is down).
import { existsSync } from 'node:fs';
import { containerStarts } from './pods.js';
import { probeOnce } from './probe.js';
import { isAlive, startProcess, stopGroups } from './processes.js';
import { failureThreshold, initialDelayMs, nextCheckMs, readinessTargets } from './readiness.js';
import { BACKOFF_RESET_MS, nextBackoffMs, writeNodeContainers, type ContainerStatus } from './restarts.js';
import { readStateFile, type ClusterState, type PodRecord } from './state.js';
import { writePodObject } from './pod-object.js';

const [file = '', nodeName = ''] = process.argv.slice(2);
const TICK_MS = 50;

interface Container {
  readonly name: string;
  pid: number;
  restarts: number;
  startedAt: number;
  /** The wait before the next restart; 0 until the first one. */
  backoffMs: number;
  /** When the exit was noticed and the restart is due; 0 while running. */
  restartAt: number;
}

interface Tracked {
  readonly containers: Container[];
  ready: boolean;
  /** Failed checks in a row since the last success. */
  failures: number;
  next: number;
  busy: boolean;
}

const tracked = new Map<string, Tracked>();

async function check(pod: PodRecord, t: Tracked, dir: string, nodeIp: string): Promise<void> {
  t.busy = true;
  const alive = t.containers.every((c) => isAlive(c.pid));
  const targets = readinessTargets(pod);
  const results = alive ? await Promise.all(targets.map((target) => probeOnce(target, 1000))) : [false];
  const passed = results.every(Boolean);
  t.failures = passed ? 0 : t.failures + 1;
  // Success threshold 1, failure threshold from the probes (Kubernetes); a dead process fails at once.
  const ready = passed || (t.ready && alive && t.failures < failureThreshold(pod));
  // The pod may have been removed (kill, scale) while it was probed: never write back a deleted pod.
  const stillThere = readStateFile(file)?.pods.some((p) => p.spec.name === pod.spec.name) ?? false;
  if (ready !== t.ready && stillThere) {
    t.ready = ready;
    writePodObject(dir, pod, nodeIp, ready);
    process.stdout.write(`${new Date().toISOString()} pod ${pod.spec.name} ${ready ? 'ready' : 'not ready'}\n`);
  }
  t.next = Date.now() + nextCheckMs(pod, ready);
  t.busy = false;
}

/** Restarts the containers of `pod` whose process exited, when their back-off has passed; true if any did. */
function restartExited(state: ClusterState, pod: PodRecord, t: Tracked, now: number): boolean {
  let changed = false;
  t.containers.forEach((c, i) => {
    if (isAlive(c.pid)) {
      if (now - c.startedAt >= BACKOFF_RESET_MS) c.backoffMs = 0;
      return;
    }
    if (c.restartAt === 0) {
      c.restartAt = now + c.backoffMs;
      process.stdout.write(`${new Date().toISOString()} pod ${pod.spec.name}: container ${c.name} exited; restarting in ${c.backoffMs} ms\n`);
    }
    if (now < c.restartAt) return;
    // The pod may be going away (kill, scale): its record leaves state.json before its processes are stopped.
    if (!(readStateFile(file)?.pods.some((p) => p.spec.name === pod.spec.name) ?? false)) return;
    const start = containerStarts(state, pod.spec, pod.plan)[i];
    if (start === undefined) return;
    c.pid = startProcess(start);
    c.restarts++;
    c.startedAt = now;
    c.restartAt = 0;
    c.backoffMs = nextBackoffMs(c.backoffMs);
    changed = true;
    if (!(readStateFile(file)?.pods.some((p) => p.spec.name === pod.spec.name) ?? false)) void stopGroups([c.pid], 0);
  });
  return changed;
}

function report(dir: string): void {
  const pods: Record<string, ContainerStatus[]> = {};
  for (const [name, t] of tracked) pods[name] = t.containers.map((c) => ({ name: c.name, pid: c.pid, restarts: c.restarts }));
  writeNodeContainers(dir, nodeName, pods);
}

function tick(): void {
  if (!existsSync(file)) process.exit(0);
  const state = readStateFile(file);
  const node = state?.plan.nodes.find((n) => n.name === nodeName);
  if (state === undefined || node === undefined) return;
  const here = state.pods.filter((p) => p.plan.node === nodeName);
  const names = new Set(here.map((p) => p.spec.name));
  let changed = false;
  for (const name of tracked.keys()) {
    if (names.has(name)) continue;
    tracked.delete(name);
    changed = true;
  }
  const now = Date.now();
  for (const pod of here) {
    let t = tracked.get(pod.spec.name);
    if (t === undefined) {
      const containers = containerStarts(state, pod.spec, pod.plan).map((c, i) => ({ name: c.name, pid: pod.pids[i] ?? 0, restarts: 0, startedAt: now, backoffMs: 0, restartAt: 0 }));
      tracked.set(pod.spec.name, (t = { containers, ready: false, failures: 0, next: now + initialDelayMs(pod), busy: false }));
      changed = true;
    }
    if (restartExited(state, pod, t, now)) changed = true;
    if (!t.busy && now >= t.next) void check(pod, t, state.dir, node.ip);
  }
  if (changed) report(state.dir);
}

setInterval(tick, TICK_MS);
