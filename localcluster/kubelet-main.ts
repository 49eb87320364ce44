// `node kubelet-main.js STATE_FILE NODE`: the kubelet of one node, started inside the node's namespace. It reads the
// cluster state, probes the readiness of the pods on its node (readiness.ts) and, when a pod's readiness changes,
// rewrites its Pod object in the control plane's manifest directory, so that endpoints follow readiness. It exits
// when the state file is gone (the cluster is down).
import { existsSync } from 'node:fs';
import { probeOnce } from './probe.js';
import { isAlive } from './processes.js';
import { failureThreshold, initialDelayMs, nextCheckMs, readinessTargets } from './readiness.js';
import { readStateFile, type PodRecord } from './state.js';
import { writePodObject } from './pod-object.js';

const [file = '', nodeName = ''] = process.argv.slice(2);
const TICK_MS = 50;

interface Tracked {
  ready: boolean;
  /** Failed checks in a row since the last success. */
  failures: number;
  next: number;
  busy: boolean;
}

const tracked = new Map<string, Tracked>();

async function check(pod: PodRecord, t: Tracked, dir: string, nodeIp: string): Promise<void> {
  t.busy = true;
  const alive = pod.pids.every(isAlive);
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

function tick(): void {
  if (!existsSync(file)) process.exit(0);
  const state = readStateFile(file);
  const node = state?.plan.nodes.find((n) => n.name === nodeName);
  if (state === undefined || node === undefined) return;
  const here = state.pods.filter((p) => p.plan.node === nodeName);
  const names = new Set(here.map((p) => p.spec.name));
  for (const name of tracked.keys()) if (!names.has(name)) tracked.delete(name);
  const now = Date.now();
  for (const pod of here) {
    let t = tracked.get(pod.spec.name);
    if (t === undefined) tracked.set(pod.spec.name, (t = { ready: false, failures: 0, next: now + initialDelayMs(pod), busy: false }));
    if (!t.busy && now >= t.next) void check(pod, t, state.dir, node.ip);
  }
}

setInterval(tick, TICK_MS);
