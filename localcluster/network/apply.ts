// Executes a ClusterPlan (plan.ts) with `ip` commands: namespaces, bridges, veth pairs, addresses and routes,
// all inside the cluster's own namespaces. Nothing here adds a link, address, route or iptables rule to the
// root namespace: every command that configures something runs under `ip netns exec <ml-namespace>`, and veth
// pairs are created inside the world or a node namespace with the peer moved straight into another one of ours.
// `sysctl net.ipv4.ip_forward=1` is set only in the world and node namespaces (it is per network namespace).
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isClusterNamespace, validateClusterName, type ClusterPlan, type PodPlan, type Route } from './plan.js';

const COMMAND_TIMEOUT_MS = 10_000;
const ETC_NETNS = '/etc/netns';

export class NetworkCommandError extends Error {
  override readonly name = 'NetworkCommandError';
}

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
  if (r.error) throw new NetworkCommandError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new NetworkCommandError(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Runs a short command inside namespace `namespace` and returns its stdout; throws with stderr when it fails. */
export function execIn(namespace: string, cmd: string, args: readonly string[]): string {
  return run('ip', ['netns', 'exec', namespace, cmd, ...args]);
}

/**
 * Starts a long-running command inside `namespace` as the leader of a new process group (`detached`), so that
 * the caller can kill it and its children with `process.kill(-child.pid, signal)`. `ip netns exec` execs the
 * command: the pid is the command's.
 */
export function spawnIn(namespace: string, cmd: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', namespace, cmd, ...args], { ...options, detached: true });
}

/** The names of all network namespaces (`ip netns list` prints `name (id: N)` for some). */
export function listNamespaces(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

/** Every namespace of cluster `cluster` that exists now, also leftovers of a crashed earlier run. */
export function clusterNamespaces(cluster: string): string[] {
  validateClusterName(cluster);
  return listNamespaces().filter((ns) => isClusterNamespace(cluster, ns));
}

/** Creates `namespace` with `lo` up; fails (touching nothing) when it exists already. */
function addNamespace(namespace: string): void {
  run('ip', ['netns', 'add', namespace]);
  try {
    execIn(namespace, 'ip', ['link', 'set', 'lo', 'up']);
  } catch (e) {
    removeNamespace(namespace);
    throw e;
  }
}

function addRoutes(namespace: string, routes: readonly Route[]): void {
  for (const r of routes) execIn(namespace, 'ip', ['route', 'replace', r.to, 'via', r.via]);
}

function addBridge(namespace: string, bridge: string, address: string): void {
  execIn(namespace, 'ip', ['link', 'add', bridge, 'type', 'bridge']);
  execIn(namespace, 'ip', ['addr', 'add', address, 'dev', bridge]);
  execIn(namespace, 'ip', ['link', 'set', bridge, 'up']);
}

/**
 * Creates veth `local` (in `namespace`, enslaved to `bridge`) with its peer `remote` moved into `peerNamespace`
 * and given `address`. The pair never exists in the root namespace.
 */
function addUplink(namespace: string, local: string, bridge: string, peerNamespace: string, remote: string, address: string): void {
  execIn(namespace, 'ip', ['link', 'add', local, 'type', 'veth', 'peer', 'name', remote, 'netns', peerNamespace]);
  execIn(namespace, 'ip', ['link', 'set', local, 'master', bridge]);
  execIn(namespace, 'ip', ['link', 'set', local, 'up']);
  execIn(peerNamespace, 'ip', ['addr', 'add', address, 'dev', remote]);
  execIn(peerNamespace, 'ip', ['link', 'set', remote, 'up']);
}

const withPrefix = (ip: string, cidr: string): string => `${ip}/${cidr.split('/')[1] ?? ''}`;

/**
 * Creates the cluster's world, node and external namespaces as planned. Refuses when namespaces of this cluster
 * exist already (run destroyCluster first); on any failure removes whatever it made and rethrows.
 */
export function applyCluster(plan: ClusterPlan): void {
  const existing = clusterNamespaces(plan.cluster);
  if (existing.length > 0) {
    throw new NetworkCommandError(`cluster ${plan.cluster} exists already (${existing.join(', ')}): remove it first (meshlet cluster down ${plan.cluster})`);
  }
  try {
    const w = plan.world;
    addNamespace(w.namespace);
    execIn(w.namespace, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    addBridge(w.namespace, w.nodeBridge, withPrefix(w.nodeGateway, w.nodeCidr));
    addBridge(w.namespace, w.extBridge, withPrefix(w.extGateway, w.externalCidr));
    for (const n of plan.nodes) {
      addNamespace(n.namespace);
      execIn(n.namespace, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
      addUplink(w.namespace, n.worldVeth, w.nodeBridge, n.namespace, n.uplink, withPrefix(n.ip, w.nodeCidr));
      addBridge(n.namespace, n.bridge, withPrefix(n.gateway, n.podCidr));
      addRoutes(n.namespace, n.routes);
    }
    const x = plan.external;
    addNamespace(x.namespace);
    addUplink(w.namespace, x.worldVeth, w.extBridge, x.namespace, x.interface, withPrefix(x.ip, w.externalCidr));
    addRoutes(x.namespace, x.routes);
    routeWorld(plan);
  } catch (e) {
    destroyCluster(plan.cluster);
    throw e;
  }
}

/**
 * The world's routes into the cluster: each node's pod CIDR via that node (replies from the control plane and DNS
 * reach pods; not from the external network), and the LoadBalancer range over all nodes (ECMP, hashed per flow on ports too, like MetalLB in BGP
 * mode). Each node accepts the whole range locally (an AnyIP `local` route on lo, as kube-proxy's IPVS mode holds
 * LoadBalancer IPs on its kube-ipvs0 dummy), so the node proxy can bind any LoadBalancer IP without per-IP setup.
 */
function routeWorld(plan: ClusterPlan): void {
  const w = plan.world.namespace;
  for (const n of plan.nodes) execIn(w, 'ip', ['route', 'replace', n.podCidr, 'via', n.ip]);
  // Pod addresses stay private to the cluster, as in Kubernetes: the external network reaches nodes and
  // LoadBalancer IPs, never a pod directly.
  execIn(w, 'ip', ['rule', 'add', 'iif', plan.world.extBridge, 'to', plan.podCidr, 'prohibit', 'priority', '100']);
  execIn(w, 'sysctl', ['-q', '-w', 'net.ipv4.fib_multipath_hash_policy=1']);
  const hops = plan.nodes.flatMap((n) => ['nexthop', 'via', n.ip]);
  execIn(w, 'ip', ['route', 'replace', plan.loadBalancerCidr, ...(plan.nodes.length === 1 ? ['via', plan.nodes[0]!.ip] : hops)]);
  for (const n of plan.nodes) execIn(n.namespace, 'ip', ['route', 'replace', 'local', plan.loadBalancerCidr, 'dev', 'lo']);
}

/**
 * Creates the pod's namespace and joins it to its node's cni0: veth `hostVeth` in the node, `eth0` in the pod
 * with the pod IP, default route via cni0. On failure the pod namespace is removed again.
 */
export function addPod(plan: ClusterPlan, pod: PodPlan): void {
  const node = plan.nodes.find((n) => n.name === pod.node);
  if (node === undefined) throw new NetworkCommandError(`no node ${pod.node} in cluster ${plan.cluster}`);
  addNamespace(pod.namespace);
  try {
    addUplink(node.namespace, pod.hostVeth, node.bridge, pod.namespace, pod.interface, `${pod.ip}/${pod.prefix}`);
    addRoutes(pod.namespace, pod.routes);
  } catch (e) {
    removeNamespace(pod.namespace);
    throw e;
  }
}

/**
 * Detaches the pod from its node (deletes the node's end of its veth, which destroys the pair at once, even
 * while a process still holds the pod's namespace open) and deletes the pod's namespace and its /etc/netns
 * directory. Stop the pod's processes first: a deleted namespace lives on, unnamed, as long as they run.
 * Idempotent.
 */
export function removePod(plan: ClusterPlan, pod: PodPlan): void {
  const node = plan.nodes.find((n) => n.name === pod.node);
  if (node !== undefined) {
    spawnSync('ip', ['netns', 'exec', node.namespace, 'ip', 'link', 'del', pod.hostVeth], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS });
  }
  removeNamespace(pod.namespace);
}

function removeNamespace(namespace: string): void {
  spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS });
  rmSync(path.join(ETC_NETNS, namespace), { recursive: true, force: true });
}

/** The processes running in `namespace` (`ip netns pids`); [] when it does not exist. */
export function namespacePids(namespace: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
  return (r.stdout ?? '').split('\n').map((l) => l.trim()).filter((l) => /^[0-9]+$/.test(l)).map(Number);
}

export interface DestroyResult {
  /** The namespaces deleted. */
  readonly namespaces: string[];
  /**
   * Processes that were still running in them (read before deletion). Deleting a namespace does not stop its
   * processes: the caller (the process supervisor) should have stopped them; these are for its report.
   */
  readonly pids: number[];
}

/**
 * Removes every namespace `ml-<cluster>-*` (also leftovers of a crashed earlier run) and every
 * `/etc/netns/ml-<cluster>-*` directory. Idempotent: a second call finds nothing and returns empty lists.
 */
export function destroyCluster(cluster: string): DestroyResult {
  const namespaces = clusterNamespaces(cluster);
  const pids = namespaces.flatMap(namespacePids);
  // Pods first, then nodes, the external namespace and the world last: no order is required (deleting a
  // namespace destroys its veth ends and thereby their peers), this one just never leaves a dangling pod.
  const rank = (ns: string): number => (ns.endsWith('-world') ? 2 : /-(node[0-9]+|ext)$/.test(ns) ? 1 : 0);
  for (const ns of [...namespaces].sort((a, b) => rank(a) - rank(b))) removeNamespace(ns);
  let leftoverDirs: string[] = [];
  try {
    leftoverDirs = readdirSync(ETC_NETNS).filter((d) => isClusterNamespace(cluster, d));
  } catch {
    // no /etc/netns
  }
  for (const d of leftoverDirs) rmSync(path.join(ETC_NETNS, d), { recursive: true, force: true });
  const still = clusterNamespaces(cluster);
  if (still.length > 0) throw new NetworkCommandError(`could not delete ${still.join(', ')}`);
  return { namespaces, pids };
}
