// A pod's life in the local cluster: scheduled onto the emptiest node, given a namespace and an address on that
// node's cni0, Kubernetes' resolv.conf, a sidecar with iptables capture (unless `sidecar.meshlet.io/inject:
// "false"`) and one process per container; stopped by PID and detached again.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addPod, namespacePids, removePod } from './network/apply.js';
import { findNode, planPod, type ClusterPlan, type PodPlan } from './network/plan.js';
import { removePodObject, writePodObject } from './pod-object.js';
import { meshletCommand, startProcess, stopGroups, type StartOptions } from './processes.js';
import { logFile, type ClusterState, type PodRecord } from './state.js';
import { SIDECAR_HEALTH } from './readiness.js';
import { wantsSidecar, type ContainerSpec, type PodSpec } from './workloads/types.js';

/** Kubernetes' resolv.conf for a pod in `namespace` (kubelet's ClusterFirst policy). */
export function resolvConf(namespace: string, nameserver: string): string {
  return `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${nameserver}\noptions ndots:5\n`;
}

/** The node with the fewest pods (the first of equals), as a spreading scheduler would pick. */
export function scheduleNode(plan: ClusterPlan, pods: readonly PodRecord[]): string {
  const count = (node: string): number => pods.filter((p) => p.plan.node === node).length;
  let best = plan.nodes[0]!.name;
  for (const n of plan.nodes) if (count(n.name) < count(best)) best = n.name;
  return best;
}

/** The container's environment: a minimal base (PATH, HOME), its `env`, and the downward-API values. */
export function containerEnv(spec: PodSpec, plan: PodPlan, c: ContainerSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/root', HOSTNAME: spec.name };
  for (const e of c.env) env[e.name] = e.value;
  return { ...env, POD_NAME: spec.name, POD_NAMESPACE: spec.namespace, POD_IP: plan.ip, NODE_NAME: plan.node };
}

function sidecarCommand(state: ClusterState, spec: PodSpec, plan: PodPlan): string[] {
  return [
    ...meshletCommand(), 'sidecar', '--capture', 'iptables', '--pod-ip', plan.ip, '--namespace', spec.namespace,
    '--node-id', `${spec.name}.${spec.namespace}`, '--xds', state.xds, '--drain-seconds', '0',
  ];
}

/**
 * The sidecar's environment: traces to the cluster's collector, under Istio's proxy service name
 * `<app>.<namespace>` (the `app` label, else the owning Deployment, else the pod name).
 */
function sidecarEnv(state: ClusterState, spec: PodSpec): NodeJS.ProcessEnv {
  const app = spec.template.labels['app'] ?? spec.owner ?? spec.name;
  // Batches leave every second (the SDK's default is 5 s), so a trace is complete soon after its request.
  return { OTEL_BSP_SCHEDULE_DELAY: '1000', ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: state.otlp, OTEL_SERVICE_NAME: `${app}.${spec.namespace}` };
}

/** Attempts of HOLD_SCRIPT, 50 ms apart: 30 s. */
const HOLD_ATTEMPTS = 600;
const HOLD_SCRIPT = `for _ in $(seq 1 ${HOLD_ATTEMPTS}); do
  if (exec 3<>/dev/tcp/127.0.0.1/${SIDECAR_HEALTH.port} && printf 'GET ${SIDECAR_HEALTH.path} HTTP/1.0\\r\\n\\r\\n' >&3 && read -r line <&3 \\
      && case "$line" in *" 200 "*) exit 0;; *) exit 1;; esac) 2>/dev/null; then exec "$@"; fi
  sleep 0.05
done
echo "meshlet: the sidecar was not ready within 30 s; starting the container anyway" >&2
exec "$@"`;

/**
 * Istio's holdApplicationUntilProxyStarts: a container of a pod with a sidecar starts once the sidecar answers
 * /healthz/ready (capture rules installed, first configuration applied), so its first connections are already
 * meshed instead of leaving the pod uncaptured. A bash loop waits, then execs the command: same PID, same
 * process group, nothing left running beside it.
 */
export function holdUntilProxyReady(command: readonly string[]): string[] {
  return ['bash', '-c', HOLD_SCRIPT, 'hold-until-proxy-ready', ...command];
}

/**
 * Kubernetes' variable references in command and args: `$(NAME)` becomes the container's environment variable
 * NAME (its `env` and the downward-API values); a reference to an undefined variable stays as written, and
 * `$$` is an escaped `$` (so `$$(NAME)` stays `$(NAME)`). No shell is involved.
 */
export function expandVars(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? all;
  });
}

/** The name the sidecar has among a pod's containers (Istio's). */
export const SIDECAR_CONTAINER = 'istio-proxy';

/**
 * How each container of the pod starts, in the order of PodRecord.pids: the sidecar (when injected), then the
 * containers of the template (held until the sidecar is ready). The kubelet restarts a container the same way.
 */
export function containerStarts(state: ClusterState, spec: PodSpec, plan: PodPlan): Array<StartOptions & { readonly name: string }> {
  const sidecar = wantsSidecar(spec.template);
  const apps = spec.template.containers.map((c) => {
    const env = containerEnv(spec, plan, c);
    const command = [...c.command, ...c.args].map((a) => expandVars(a, env));
    return {
      name: c.name, namespace: plan.namespace, command: sidecar ? holdUntilProxyReady(command) : command,
      env, cwd: state.cwd, logFile: logFile(state.dir, `${spec.name}.${c.name}`),
    };
  });
  if (!sidecar) return apps;
  const proxy = {
    name: SIDECAR_CONTAINER, namespace: plan.namespace, command: sidecarCommand(state, spec, plan), env: sidecarEnv(state, spec),
    logFile: logFile(state.dir, `${spec.name}.sidecar`),
  };
  return [proxy, ...apps];
}

/** Creates and starts pod `spec` on `node`; on failure removes what it made and rethrows. */
export function startPod(state: ClusterState, spec: PodSpec, node: string): PodRecord {
  const used = new Set(state.pods.filter((p) => p.plan.node === node).map((p) => p.plan.ip));
  let plan: PodPlan;
  try {
    plan = planPod(state.plan, node, spec.name, new Set([...used, ...(state.released ?? [])]));
  } catch {
    plan = planPod(state.plan, node, spec.name, used); // the node is full without the released addresses
  }
  addPod(state.plan, plan);
  const pids: number[] = [];
  try {
    const etc = path.join('/etc/netns', plan.namespace);
    mkdirSync(etc, { recursive: true });
    writeFileSync(path.join(etc, 'resolv.conf'), resolvConf(spec.namespace, state.dnsIp));
    for (const start of containerStarts(state, spec, plan)) pids.push(startProcess(start));
  } catch (e) {
    void stopGroups(pids, 0);
    removePod(state.plan, plan);
    throw e;
  }
  const record: PodRecord = { spec, plan, pids };
  writePodObject(state.dir, record, findNode(state.plan, node).ip, false);
  return record;
}

/** Stops the pod's processes, removes its Pod object (its endpoints go) and its namespace. */
export async function stopPod(state: ClusterState, pod: PodRecord): Promise<void> {
  removePodObject(state.dir, pod);
  await stopGroups(pod.pids, 500);
  // Containers the kubelet restarted have PIDs the record does not hold: whatever still runs in the pod's
  // namespace is ours and goes too, or it would live on in a namespace without a name.
  await stopGroups(namespacePids(pod.plan.namespace), 0);
  removePod(state.plan, pod.plan);
  rmSync(path.join('/etc/netns', pod.plan.namespace), { recursive: true, force: true });
}
