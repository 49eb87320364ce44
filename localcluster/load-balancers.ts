// The local cluster's load-balancer controller (what a cloud provider, MetalLB or cloud-provider-kind does in a
// real cluster): every Service of type LoadBalancer gets an address from the cluster's LoadBalancer range written
// into its `status.loadBalancer.ingress`, which the control plane reads like any status. The world routes the
// whole range to the nodes (network/apply.ts), whose node proxies take it from there.
//
// Rules (close to MetalLB's): an address already in the status is kept (this controller is the only writer); `spec.loadBalancerIP` (deprecated,
// still written) is honoured when it is inside the range and free; otherwise the lowest free address of the range
// is assigned (network and broadcast addresses are never used). Services are handled in namespace/name order, so
// the same manifests always give the same addresses. Pure: objects in, objects and a report out.
import { intToIp, ipToInt } from './network/plan.js';

export interface LoadBalancerAssignment {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
}

export interface LoadBalancerResult {
  /** The objects, LoadBalancer Services with their status filled in; every other object unchanged. */
  readonly objects: readonly unknown[];
  readonly assigned: readonly LoadBalancerAssignment[];
  /** Services that got no address, with the reason (the range is full, a requested address is taken, ...). */
  readonly problems: readonly string[];
}

interface ServiceLike {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { type?: unknown; loadBalancerIP?: unknown };
  status?: { loadBalancer?: { ingress?: unknown } };
}

function isLoadBalancer(o: unknown): o is ServiceLike {
  const s = o as ServiceLike | null;
  return s !== null && typeof s === 'object' && s.kind === 'Service' && s.spec?.type === 'LoadBalancer';
}

const keyOf = (s: ServiceLike): { namespace: string; name: string } => ({
  namespace: typeof s.metadata?.namespace === 'string' ? s.metadata.namespace : 'default',
  name: typeof s.metadata?.name === 'string' ? s.metadata.name : '',
});

function statusIps(s: ServiceLike): string[] {
  const ingress = s.status?.loadBalancer?.ingress;
  if (!Array.isArray(ingress)) return [];
  return ingress.flatMap((i: unknown) => {
    const ip = (i as { ip?: unknown } | null)?.ip;
    return typeof ip === 'string' && ip !== '' ? [ip] : [];
  });
}

/** Assigns addresses from `cidr` (an IPv4 CIDR) to the LoadBalancer Services among `objects`. */
export function assignLoadBalancers(objects: readonly unknown[], cidr: string): LoadBalancerResult {
  const [base = '', bits = ''] = cidr.split('/');
  const first = (ipToInt(base) ?? 0) + 1;
  const last = (ipToInt(base) ?? 0) + 2 ** (32 - Number(bits)) - 2;
  const inRange = (ip: string): boolean => {
    const n = ipToInt(ip);
    return n !== undefined && n >= first && n <= last;
  };
  const services = objects.filter(isLoadBalancer).sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x.namespace === y.namespace ? x.name.localeCompare(y.name) : x.namespace.localeCompare(y.namespace);
  });
  const used = new Set(services.flatMap(statusIps));
  const chosen = new Map<ServiceLike, string>();
  const problems: string[] = [];
  const describe = (s: ServiceLike): string => `Service ${keyOf(s).namespace}/${keyOf(s).name}`;

  // Requested addresses first, so that a later Service's automatic pick cannot take one.
  for (const s of services) {
    if (statusIps(s).length > 0) continue;
    const requested = s.spec?.loadBalancerIP;
    if (typeof requested !== 'string' || requested === '') continue;
    if (!inRange(requested)) problems.push(`${describe(s)}: spec.loadBalancerIP ${requested} is outside the LoadBalancer range ${cidr}; assigning another`);
    else if (used.has(requested)) problems.push(`${describe(s)}: spec.loadBalancerIP ${requested} is taken; assigning another`);
    else {
      used.add(requested);
      chosen.set(s, requested);
    }
  }
  let next = first;
  for (const s of services) {
    if (statusIps(s).length > 0 || chosen.has(s)) continue;
    while (next <= last && used.has(intToIp(next))) next++;
    if (next > last) {
      problems.push(`${describe(s)}: the LoadBalancer range ${cidr} is full; it stays <pending>`);
      continue;
    }
    const ip = intToIp(next);
    used.add(ip);
    chosen.set(s, ip);
  }

  const assigned: LoadBalancerAssignment[] = services.flatMap((s) => {
    const ip = chosen.get(s) ?? statusIps(s)[0];
    return ip === undefined ? [] : [{ ...keyOf(s), ip }];
  });
  const out = objects.map((o) => {
    const ip = isLoadBalancer(o) ? chosen.get(o) : undefined;
    if (ip === undefined) return o;
    const s = o as ServiceLike & Record<string, unknown>;
    return { ...s, status: { ...(s.status ?? {}), loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } };
  });
  return { objects: out, assigned, problems };
}
