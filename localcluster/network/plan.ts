// The network of a local cluster, computed as data before anything is created (apply.ts executes it).
//
// Topology (every namespace is named `ml-<cluster>-...`; nothing is linked to the host's root namespace):
//
//   ml-<c>-world   nodes0 bridge (node network, world = first address, the nodes' default gateway)
//                  ext0 bridge   (external network, world = first address, the external namespace's gateway)
//                  ip_forward=1: routes between the node network and the external network
//     │ vnode<i> ── eth0  ml-<c>-node<i>   node IP = node network + 1 + i; cni0 bridge = pod CIDR .1;
//     │                                   routes: other nodes' pod CIDRs via their node IP (host-gw, no NAT),
//     │                                   default via the world; ip_forward=1
//     │                   vp<x> ── eth0  ml-<c>-<pod>   pod IP = pod CIDR .x, default via cni0 (.1)
//     └ vext ── eth0  ml-<c>-ext   external IP = external network + 2, default via the world
//
// Node i (1-based) gets the i-th /24 of the pod CIDR (10.244.i.0/24 by default), as kind/flannel host-gw do.
// Every pod sees every other pod's real address: nodes route pod CIDRs to each other over the shared node
// network and nothing masquerades. The external namespace reaches node IPs (NodePort) through the world.
//
// LoadBalancer: addresses come from `loadBalancerCidr` (default 172.20.0.0/24, outside every other range; the
// cluster's load-balancer controller, load-balancers.ts, hands them out). The world routes the whole range over
// the nodes (ECMP, like MetalLB in BGP mode) and every node accepts it locally (an AnyIP `local` route on lo),
// where the node proxy's `<lbIP>_<port>` listener takes the connection to an endpoint. No address or route is
// ever needed outside the world.
//
// Cluster names are lowercase letters and digits only (no `-`), so that the prefix `ml-<cluster>-` of one
// cluster is never a prefix of another cluster's namespaces: `destroyCluster('a')` must not touch cluster `a-b`.

export interface ClusterOptions {
  /** Number of nodes, 1..50; default 2. */
  readonly nodes?: number;
  /** Split into /24s: node i gets the i-th (node 1: 10.244.1.0/24). Default 10.244.0.0/16. */
  readonly podCidr?: string;
  /** ClusterIPs; only reserved here (no route: the sidecar captures connects to it). Default 10.96.0.0/12. */
  readonly serviceCidr?: string;
  /** The network all nodes share (like kind's docker network). Default 172.19.0.0/24. */
  readonly nodeCidr?: string;
  /** The network of the external namespace (the internet). Default 172.18.0.0/24. */
  readonly externalCidr?: string;
  /** LoadBalancer addresses (routed by the world over the nodes). Default 172.20.0.0/24. */
  readonly loadBalancerCidr?: string;
}

export interface Route {
  /** `default` or a CIDR. */
  readonly to: string;
  readonly via: string;
}

export interface NodePlan {
  /** `node1`, `node2`, ... */
  readonly name: string;
  readonly index: number;
  readonly namespace: string;
  /** The node's address on the node network (NodePorts open here). */
  readonly ip: string;
  /** The node side of the veth into the world's nodes0 (in the node namespace). */
  readonly uplink: string;
  /** The world side of that veth. */
  readonly worldVeth: string;
  readonly podCidr: string;
  /** The bridge for this node's pods. */
  readonly bridge: 'cni0';
  /** cni0's address, the pods' default gateway: .1 of podCidr. */
  readonly gateway: string;
  readonly routes: readonly Route[];
}

export interface ClusterPlan {
  readonly cluster: string;
  /** Every namespace of this cluster starts with it: `ml-<cluster>-`. */
  readonly prefix: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly loadBalancerCidr: string;
  readonly world: {
    readonly namespace: string;
    readonly nodeBridge: 'nodes0';
    readonly nodeCidr: string;
    /** The world's address on nodes0, the nodes' default gateway. */
    readonly nodeGateway: string;
    readonly extBridge: 'ext0';
    readonly externalCidr: string;
    /** The world's address on ext0, the external namespace's default gateway. */
    readonly extGateway: string;
  };
  readonly nodes: readonly NodePlan[];
  readonly external: {
    readonly namespace: string;
    readonly ip: string;
    readonly interface: 'eth0';
    /** The world side of its veth, enslaved to ext0. */
    readonly worldVeth: 'vext';
    readonly routes: readonly Route[];
  };
}

export interface PodPlan {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly ip: string;
  /** Prefix length of the node's pod CIDR (the address on eth0 is `ip/prefix`). */
  readonly prefix: number;
  readonly interface: 'eth0';
  /** The node side of the pod's veth, enslaved to cni0: `vp<last octet>`. */
  readonly hostVeth: string;
  readonly gateway: string;
  readonly routes: readonly Route[];
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

export const NAMESPACE_PREFIX = 'ml-';
const CLUSTER_NAME = /^[a-z][a-z0-9]{0,19}$/;
const RFC1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_NODES = 50;

interface Cidr {
  readonly base: number;
  readonly bits: number;
  readonly text: string;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function parseCidr(what: string, text: string): Cidr {
  const [ip, bitsText, ...rest] = text.split('/');
  const base = ipToInt(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || rest.length > 0 || !/^[0-9]{1,2}$/.test(bitsText ?? '') || bits > 32) {
    throw new PlanError(`${what} ${JSON.stringify(text)} is not an IPv4 CIDR such as 10.244.0.0/16`);
  }
  const size = 2 ** (32 - bits);
  if (base % size !== 0) throw new PlanError(`${what} ${text} has host bits set (the network is ${intToIp(base - (base % size))}/${bits})`);
  return { base, bits, text };
}

const sizeOf = (c: Cidr): number => 2 ** (32 - c.bits);
const overlaps = (a: Cidr, b: Cidr): boolean => a.base < b.base + sizeOf(b) && b.base < a.base + sizeOf(a);

/** Throws a PlanError unless `name` can name a cluster: 1-20 lowercase letters and digits, starting with a letter. */
export function validateClusterName(name: string): void {
  if (!CLUSTER_NAME.test(name)) {
    throw new PlanError(
      `cluster name ${JSON.stringify(name)} is invalid: use 1-20 lowercase letters and digits, starting with a letter ` +
        `(no "-", so that no cluster's namespace prefix ml-<name>- is the prefix of another's)`,
    );
  }
}

/** Throws a PlanError unless `name` is an RFC 1123 label that does not collide with the cluster's own namespaces. */
export function validatePodName(name: string): void {
  if (!RFC1123_LABEL.test(name)) {
    throw new PlanError(`pod name ${JSON.stringify(name)} is not an RFC 1123 label (1-63 of a-z, 0-9 and "-", alphanumeric at both ends)`);
  }
  if (name === 'world' || name === 'ext' || /^node[0-9]+$/.test(name)) {
    throw new PlanError(`pod name ${JSON.stringify(name)} is reserved for the cluster's own namespaces`);
  }
}

/** Computes the whole network of cluster `cluster`; throws a PlanError on invalid names, sizes or overlaps. */
export function planCluster(cluster: string, options: ClusterOptions = {}): ClusterPlan {
  validateClusterName(cluster);
  const count = options.nodes ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new PlanError(`nodes must be an integer from 1 to ${MAX_NODES}, not ${count}`);
  const pod = parseCidr('pod CIDR', options.podCidr ?? '10.244.0.0/16');
  const service = parseCidr('service CIDR', options.serviceCidr ?? '10.96.0.0/12');
  const nodeNet = parseCidr('node CIDR', options.nodeCidr ?? '172.19.0.0/24');
  const ext = parseCidr('external CIDR', options.externalCidr ?? '172.18.0.0/24');
  const lb = parseCidr('load balancer CIDR', options.loadBalancerCidr ?? '172.20.0.0/24');

  if (pod.bits > 24 || 2 ** (24 - pod.bits) <= count) {
    throw new PlanError(`pod CIDR ${pod.text} has room for ${pod.bits > 24 ? 0 : 2 ** (24 - pod.bits) - 1} node /24s (the first is unused), not ${count}`);
  }
  // world + nodes + network and broadcast addresses
  if (nodeNet.bits > 30 || sizeOf(nodeNet) - 2 < count + 1) throw new PlanError(`node CIDR ${nodeNet.text} is too small for the world and ${count} nodes`);
  if (ext.bits > 30) throw new PlanError(`external CIDR ${ext.text} is too small for the world and the external namespace (at most /30)`);
  const ranges: Array<[string, Cidr]> = [['pod CIDR', pod], ['service CIDR', service], ['node CIDR', nodeNet], ['external CIDR', ext], ['load balancer CIDR', lb]];
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [an, a] = ranges[i]!;
      const [bn, b] = ranges[j]!;
      if (overlaps(a, b)) throw new PlanError(`${an} ${a.text} overlaps ${bn} ${b.text}`);
    }
  }

  const prefix = `${NAMESPACE_PREFIX}${cluster}-`;
  const nodeGateway = intToIp(nodeNet.base + 1);
  const shells = Array.from({ length: count }, (_, k) => {
    const index = k + 1;
    const cidrBase = pod.base + index * 256;
    return { index, ip: intToIp(nodeNet.base + 1 + index), podCidr: `${intToIp(cidrBase)}/24`, gateway: intToIp(cidrBase + 1) };
  });
  const nodes: NodePlan[] = shells.map((n) => ({
    name: `node${n.index}`,
    index: n.index,
    namespace: `${prefix}node${n.index}`,
    ip: n.ip,
    uplink: 'eth0',
    worldVeth: `vnode${n.index}`,
    podCidr: n.podCidr,
    bridge: 'cni0',
    gateway: n.gateway,
    routes: [...shells.filter((o) => o.index !== n.index).map((o) => ({ to: o.podCidr, via: o.ip })), { to: 'default', via: nodeGateway }],
  }));
  const extGateway = intToIp(ext.base + 1);
  return {
    cluster,
    prefix,
    podCidr: pod.text,
    serviceCidr: service.text,
    loadBalancerCidr: lb.text,
    world: {
      namespace: `${prefix}world`,
      nodeBridge: 'nodes0',
      nodeCidr: nodeNet.text,
      nodeGateway,
      extBridge: 'ext0',
      externalCidr: ext.text,
      extGateway,
    },
    nodes,
    external: { namespace: `${prefix}ext`, ip: intToIp(ext.base + 2), interface: 'eth0', worldVeth: 'vext', routes: [{ to: 'default', via: extGateway }] },
  };
}

/** The prefix length of a CIDR text (`10.244.1.0/24` → 24). */
export function prefixLength(cidr: string): number {
  return parseCidr('CIDR', cidr).bits;
}

export function findNode(plan: ClusterPlan, node: string): NodePlan {
  const found = plan.nodes.find((n) => n.name === node);
  if (found === undefined) throw new PlanError(`no node ${JSON.stringify(node)} in cluster ${plan.cluster} (nodes: ${plan.nodes.map((n) => n.name).join(', ')})`);
  return found;
}

/**
 * Plans pod `pod` on `node` at the lowest free address of the node's pod CIDR (from .2; .1 is cni0), given the
 * addresses already `used` on that node. Throws a PlanError on an invalid name or a full node.
 */
export function planPod(plan: ClusterPlan, node: string, pod: string, used: ReadonlySet<string> = new Set()): PodPlan {
  validatePodName(pod);
  const n = findNode(plan, node);
  const cidr = parseCidr('pod CIDR', n.podCidr);
  const last = cidr.base + sizeOf(cidr) - 2; // before broadcast
  for (let a = cidr.base + 2; a <= last; a++) {
    const ip = intToIp(a);
    if (used.has(ip)) continue;
    return {
      name: pod,
      namespace: `${plan.prefix}${pod}`,
      node: n.name,
      ip,
      prefix: cidr.bits,
      interface: 'eth0',
      hostVeth: `vp${a - cidr.base}`,
      gateway: n.gateway,
      routes: [{ to: 'default', via: n.gateway }],
    };
  }
  throw new PlanError(`node ${n.name} has no free pod address left in ${n.podCidr}`);
}

/** Whether namespace `namespace` belongs to cluster `cluster` (also a leftover of an earlier run). */
export function isClusterNamespace(cluster: string, namespace: string): boolean {
  return namespace.startsWith(`${NAMESPACE_PREFIX}${cluster}-`) && namespace.length > `${NAMESPACE_PREFIX}${cluster}-`.length;
}
