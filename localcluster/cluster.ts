// The local cluster's lifecycle: `up` (network, control plane, cluster DNS, kubelets, pods), `down` (processes by
// PID, then every ml-<name>-* namespace, also leftovers of a crashed run), `status`, and the live changes `scale`
// and `kill`. State is persisted after every step that starts something (state.ts), so `down` can always undo it.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { applyCluster, clusterNamespaces, destroyCluster } from './network/apply.js';
import { planCluster, validateClusterName, type ClusterPlan } from './network/plan.js';
import { assignLoadBalancers } from './load-balancers.js';
import { podObjectFile } from './pod-object.js';
import { scheduleNode, startPod, stopPod } from './pods.js';
import { isAlive, meshletCommand, nodeScript, startProcess, stopGroups, waitInNamespace } from './processes.js';
import { logFile, manifestsDir, readState, removeState, saveState, stateDir, stateFile, withStateLock, type ClusterState, type PodRecord } from './state.js';
import { traceFile } from './tracing/trace-file.js';
import { loadWorkloads, type Workloads } from './workloads/load.js';
import { replicaPod } from './workloads/expand.js';
import { readContainers } from './restarts.js';
import type { Deployment, PodSpec } from './workloads/types.js';

export const XDS_PORT = 15010;
/** OTLP/HTTP, where the trace collector listens on the node network's gateway. */
export const OTLP_PORT = 4318;
const CONTROL_PLANE_READY_MS = 20_000;
/** How many deleted pods' addresses are kept out of use. */
const RELEASED_KEPT = 100;

export interface UpOptions {
  readonly name: string;
  readonly nodes?: number;
  /** A manifest file or folder (Deployments, Pods, Services, ...). */
  readonly manifests?: string;
  /** The containers' working directory; default the current one. */
  readonly cwd?: string;
  /** How long to wait for every pod to become ready; default 30 s. */
  readonly readyTimeoutMs?: number;
  readonly progress?: (line: string) => void;
  /** Aborting (Ctrl-C) stops the bring-up at the next step; up then removes everything and rejects. */
  readonly signal?: AbortSignal;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

const deploymentKey = (d: { namespace: string; name: string }): string => `${d.namespace}/${d.name}`;

function readWorkloads(manifests: string | undefined): Workloads {
  if (manifests === undefined) return { deployments: [], pods: [], others: [], errors: [] };
  const w = loadWorkloads(manifests);
  if (w.errors.length > 0) throw new ClusterError(`invalid manifests in ${manifests}:\n  ${w.errors.join('\n  ')}`);
  return w;
}

function startSystem(state: ClusterState): number[] {
  const world = state.plan.world.namespace;
  const cp = startProcess({
    namespace: world, logFile: logFile(state.dir, 'control-plane'),
    command: [...meshletCommand(), 'control-plane', '--manifests', manifestsDir(state.dir), '--xds-listen', `0.0.0.0:${XDS_PORT}`,
      '--admin-listen', '127.0.0.1:15014', '--service-cidr', state.plan.serviceCidr, '--debounce-ms', '20'],
  });
  const dns = startProcess({
    namespace: world, logFile: logFile(state.dir, 'dns'),
    command: [...meshletCommand(), 'dns', '--xds', `127.0.0.1:${XDS_PORT}`, '--listen', `${state.dnsIp}:53`, '--ttl', '5'],
  });
  const collector = startProcess({
    namespace: world, logFile: logFile(state.dir, 'collector'),
    command: [...nodeScript('tracing/collector-main.ts'), state.plan.world.nodeGateway, String(OTLP_PORT), traceFile(state.dir)],
  });
  const perNode = state.plan.nodes.flatMap((n) => [
    startProcess({ namespace: n.namespace, logFile: logFile(state.dir, `kubelet-${n.name}`), command: [...nodeScript('kubelet-main.ts'), stateFile(state.dir), n.name] }),
    startProcess({
      namespace: n.namespace, logFile: logFile(state.dir, `node-proxy-${n.name}`),
      command: [...meshletCommand(), 'node-proxy', '--xds', state.xds, '--node-name', n.name, '--node-ip', n.ip, '--health-listen', `${n.ip}:15021`, '--drain-seconds', '0'],
    }),
  ]);
  return [cp, dns, collector, ...perNode];
}

/** The Services and other objects for the control plane, LoadBalancer Services with their assigned address. */
function writeObjects(dir: string, plan: ClusterPlan, others: readonly unknown[], say: (line: string) => void): void {
  if (others.length === 0) return;
  const lb = assignLoadBalancers(others, plan.loadBalancerCidr);
  for (const p of lb.problems) say(`warning: ${p}`);
  for (const a of lb.assigned) say(`LoadBalancer ${a.namespace}/${a.name}: external IP ${a.ip}`);
  writeFileSync(path.join(manifestsDir(dir), 'objects.yaml'), lb.objects.map((o) => stringify(o)).join('---\n'));
}

/** Every pod the workloads ask for: Deployment replicas (sequence 0..n-1), then the Pods. */
function desiredPods(w: Workloads): PodSpec[] {
  return [...w.deployments.flatMap((d) => Array.from({ length: d.replicas }, (_, i) => replicaPod(d, i))), ...w.pods];
}

/** Whether the kubelet has marked the pod Ready in its Pod object. */
export function isPodReady(state: ClusterState, pod: PodRecord): boolean {
  try {
    return /type: Ready\s+status: "True"/.test(readFileSync(podObjectFile(state.dir, pod), 'utf8'));
  } catch {
    return false;
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClusterError('interrupted: the cluster is removed again');
}

async function waitReady(state: ClusterState, timeoutMs: number, signal?: AbortSignal): Promise<PodRecord[]> {
  const end = Date.now() + timeoutMs;
  let waiting = state.pods.filter((p) => !isPodReady(state, p));
  while (waiting.length > 0 && Date.now() < end) {
    checkAborted(signal);
    await new Promise((r) => setTimeout(r, 50));
    waiting = waiting.filter((p) => !isPodReady(state, p));
  }
  return waiting;
}

/**
 * Brings cluster `options.name` up and returns its state once every pod is ready (or the wait timed out: then the
 * pods not ready are named by progress). On any failure everything started is removed again (down) and the error
 * rethrown.
 */
export async function up(options: UpOptions): Promise<ClusterState> {
  const say = options.progress ?? ((): void => undefined);
  validateClusterName(options.name);
  const workloads = readWorkloads(options.manifests);
  if (readState(options.name) !== undefined || clusterNamespaces(options.name).length > 0) {
    throw new ClusterError(`cluster ${options.name} exists already: run \`meshlet cluster down --name ${options.name}\` first`);
  }
  const plan = planCluster(options.name, { ...(options.nodes !== undefined && { nodes: options.nodes }) });
  const dir = stateDir(options.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(manifestsDir(dir), { recursive: true });
  let state: ClusterState = {
    cluster: options.name, dir, plan, cwd: options.cwd ?? process.cwd(), dnsIp: plan.world.nodeGateway,
    xds: `${plan.world.nodeGateway}:${XDS_PORT}`, otlp: `http://${plan.world.nodeGateway}:${OTLP_PORT}`, deployments: workloads.deployments,
    nextSeq: Object.fromEntries(workloads.deployments.map((d) => [deploymentKey(d), d.replicas])), pods: [], systemPids: [], upPid: process.pid,
  };
  try {
    saveState(state);
    say(`network: world, ${plan.nodes.length} nodes (${plan.nodes.map((n) => `${n.name} ${n.ip} pods ${n.podCidr}`).join(', ')}), external ${plan.external.ip}`);
    applyCluster(plan);
    checkAborted(options.signal);
    writeObjects(dir, plan, workloads.others, say);
    state = { ...state, systemPids: startSystem(state) };
    saveState(state);
    say(`control plane ${state.xds}, cluster DNS ${state.dnsIp}:53, trace collector ${state.otlp}, kubelet and node proxy on ${plan.nodes.map((n) => n.name).join(', ')}`);
    if (!(await waitInNamespace(plan.world.namespace, 'http://127.0.0.1:15014/readyz', CONTROL_PLANE_READY_MS))) {
      throw new ClusterError(`the control plane did not become ready within ${CONTROL_PLANE_READY_MS} ms (log: ${logFile(dir, 'control-plane')})`);
    }
    for (const spec of desiredPods(workloads)) {
      checkAborted(options.signal);
      const pod = startPod(state, spec, scheduleNode(plan, state.pods));
      state = { ...state, pods: [...state.pods, pod] };
      saveState(state);
      say(`pod ${spec.namespace}/${spec.name} on ${pod.plan.node} ${pod.plan.ip}`);
    }
    const notReady = await waitReady(state, options.readyTimeoutMs ?? 30_000, options.signal);
    say(notReady.length === 0 ? `all ${state.pods.length} pods ready` : `not ready yet: ${notReady.map((p) => p.spec.name).join(', ')}`);
    return state;
  } catch (e) {
    await down(options.name);
    throw e;
  }
}

export interface DownResult {
  /** Processes stopped (recorded by up) and found still running in the cluster's namespaces. */
  readonly stopped: number;
  readonly namespaces: readonly string[];
}

/**
 * Stops every recorded process group, then deletes every ml-<name>-* namespace (also leftovers of a crashed run
 * with no state) and kills, by PID, processes still found in them; removes the state directory. Idempotent.
 */
export async function down(name: string): Promise<DownResult> {
  validateClusterName(name);
  const state = readState(name);
  const restarted = state === undefined ? [] : Object.values(readContainers(state.dir)).flatMap((cs) => cs.map((c) => c.pid));
  const recorded = state === undefined ? [] : [...new Set([...state.pods.flatMap((p) => p.pids), ...restarted, ...state.systemPids])];
  // The kubelets exit when the state is gone; remove it first so that nothing rewrites the manifests meanwhile.
  removeState(name);
  await stopGroups(recorded, 500);
  const destroyed = destroyCluster(name);
  const stray = destroyed.pids.filter(isAlive);
  for (const pid of stray) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return { stopped: recorded.length + stray.length, namespaces: destroyed.namespaces };
}

export interface PodStatus {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly running: boolean;
  /** Container restarts by the kubelet, summed over the pod's containers. */
  readonly restarts: number;
  readonly sidecar: boolean;
}

export interface ServiceStatus {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly nodePort?: number }>;
  /** The LoadBalancer address, '<pending>' while there is none, '' for other types. */
  readonly externalIp: string;
}

export interface ClusterStatus {
  readonly name: string;
  readonly nodes: ReadonlyArray<{ name: string; ip: string; podCidr: string }>;
  readonly pods: readonly PodStatus[];
  readonly services: readonly ServiceStatus[];
  readonly controlPlane: string;
  readonly dns: string;
}

export function status(name: string): ClusterStatus | undefined {
  validateClusterName(name);
  const state = readState(name);
  if (state === undefined) return undefined;
  const containers = readContainers(state.dir);
  return {
    name,
    nodes: state.plan.nodes.map((n) => ({ name: n.name, ip: n.ip, podCidr: n.podCidr })),
    pods: state.pods.map((p) => {
      // The kubelet's report has the PIDs of restarted containers; before its first report, the recorded ones.
      const reported = containers[p.spec.name];
      return {
        namespace: p.spec.namespace, name: p.spec.name, node: p.plan.node, ip: p.plan.ip, ready: isPodReady(state, p),
        running: reported === undefined ? p.pids.every(isAlive) : reported.every((c) => isAlive(c.pid)),
        restarts: reported?.reduce((n, c) => n + c.restarts, 0) ?? 0,
        sidecar: p.spec.template.annotations['sidecar.meshlet.io/inject'] !== 'false',
      };
    }),
    services: servicesOf(state),
    controlPlane: state.xds,
    dns: `${state.dnsIp}:53`,
  };
}

function servicesOf(state: ClusterState): ServiceStatus[] {
  const dir = manifestsDir(state.dir);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f === 'objects.yaml');
  return files.flatMap((f) => loadWorkloads(path.join(dir, f)).others).flatMap((o) => serviceStatus(o));
}

function serviceStatus(o: unknown): ServiceStatus[] {
  if (o === null || typeof o !== 'object') return [];
  const obj = o as {
    kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { type?: unknown; ports?: unknown };
    status?: { loadBalancer?: { ingress?: Array<{ ip?: unknown }> } };
  };
  if (obj.kind !== 'Service') return [];
  const ports = Array.isArray(obj.spec?.ports) ? (obj.spec.ports as Array<{ name?: unknown; port?: unknown; nodePort?: unknown }>) : [];
  const type = typeof obj.spec?.type === 'string' ? obj.spec.type : 'ClusterIP';
  const lbIp = obj.status?.loadBalancer?.ingress?.[0]?.ip;
  return [{
    externalIp: type !== 'LoadBalancer' ? '' : typeof lbIp === 'string' ? lbIp : '<pending>',
    namespace: typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : 'default',
    name: String(obj.metadata?.name ?? ''),
    type,
    ports: ports.map((p) => ({ name: String(p.name ?? ''), port: Number(p.port), ...(p.nodePort !== undefined && { nodePort: Number(p.nodePort) }) })),
  }];
}

function requireState(name: string): ClusterState {
  validateClusterName(name);
  const state = readState(name);
  if (state === undefined) throw new ClusterError(`cluster ${name} is not running (no state in ${stateDir(name)})`);
  return state;
}

function findDeployment(state: ClusterState, deployment: string): Deployment {
  const d = state.deployments.find((x) => x.name === deployment || deploymentKey(x) === deployment);
  if (d === undefined) throw new ClusterError(`no deployment ${deployment} (deployments: ${state.deployments.map(deploymentKey).join(', ') || 'none'})`);
  return d;
}

/** Starts the next replica of `d` (a new name) on the emptiest node. */
function addReplica(state: ClusterState, d: Deployment): ClusterState {
  const seq = state.nextSeq[deploymentKey(d)] ?? 0;
  const pod = startPod(state, replicaPod(d, seq), scheduleNode(state.plan, state.pods));
  const next = { ...state, pods: [...state.pods, pod], nextSeq: { ...state.nextSeq, [deploymentKey(d)]: seq + 1 } };
  saveState(next);
  return next;
}

async function removePods(state: ClusterState, pods: readonly PodRecord[]): Promise<ClusterState> {
  const gone = new Set(pods.map((p) => p.spec.name));
  const released = [...(state.released ?? []), ...pods.map((p) => p.plan.ip)].slice(-RELEASED_KEPT);
  const next = { ...state, pods: state.pods.filter((p) => !gone.has(p.spec.name)), released };
  saveState(next);
  await Promise.all(pods.map((p) => stopPod(state, p)));
  return next;
}

/** Sets the replicas of a Deployment: new pods start (newest names), surplus pods stop (newest first). */
export async function scale(name: string, deployment: string, replicas: number): Promise<ClusterState> {
  return withStateLock(requireState(name).dir, () => scaleLocked(name, deployment, replicas));
}

async function scaleLocked(name: string, deployment: string, replicas: number): Promise<ClusterState> {
  let state = requireState(name);
  const d = findDeployment(state, deployment);
  state = { ...state, deployments: state.deployments.map((x) => (x === d ? { ...d, replicas } : x)) };
  saveState(state);
  const owned = state.pods.filter((p) => p.spec.owner === d.name && p.spec.namespace === d.namespace);
  if (owned.length > replicas) return removePods(state, owned.slice(replicas));
  for (let i = owned.length; i < replicas; i++) state = addReplica(state, d);
  return state;
}

/** Deletes a pod; when a Deployment owns it, a replacement with a new name starts (as its ReplicaSet would). */
export async function killPod(name: string, pod: string): Promise<{ state: ClusterState; replacement?: string }> {
  return withStateLock(requireState(name).dir, () => killPodLocked(name, pod));
}

async function killPodLocked(name: string, pod: string): Promise<{ state: ClusterState; replacement?: string }> {
  let state = requireState(name);
  const target = state.pods.find((p) => p.spec.name === pod || `${p.spec.namespace}/${p.spec.name}` === pod);
  if (target === undefined) throw new ClusterError(`no pod ${pod} in cluster ${name}`);
  state = await removePods(state, [target]);
  const owner = state.deployments.find((d) => d.name === target.spec.owner && d.namespace === target.spec.namespace);
  if (owner === undefined) return { state };
  state = addReplica(state, owner);
  return { state, replacement: state.pods[state.pods.length - 1]?.spec.name };
}
