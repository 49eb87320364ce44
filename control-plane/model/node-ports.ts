// nodePort allocation for NodePort and LoadBalancer Services, deterministic like ClusterIP allocation
// (allocate.ts): meshlet has no store, so the same Service port gets the same nodePort after a restart.
//   1. declared nodePorts (spec.ports[].nodePort). nodePorts are cluster-wide: two Services declaring one
//      nodePort/protocol — the one that held it in the previous snapshot keeps it, else the older
//      (creationTimestamp, then namespace/name). The other gets a CONFLICT error and that port goes without a
//      nodePort (the Service still works inside the cluster; the API server would have refused it).
//   2. ports that had a nodePort in the previous snapshot keep it if it is still free.
//   3. the rest, oldest Service first: FNV-1a 64 of `namespace/name/port/protocol` picks a port in Kubernetes'
//      default range 30000-32767 (--service-node-port-range); linear probing on collision.
// A Service whose ports all keep what they declare is published as it is; otherwise as a copy with the
// nodePorts filled in, the same copy as long as the result does not change (translation memoises by identity).
import { ErrorCode } from '../../common/errors.js';
import { fnv1a64 } from './hash.js';
import { ageKey, keyOf, sortBy } from './order.js';
import type { ConfigError, ResolvedService, Service, ServicePort } from './types.js';

export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;
const RANGE_SIZE = BigInt(NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1);

export interface NodePortAllocation {
  /** Every Service, NodePort and LoadBalancer ones with a nodePort on each port that could get one, by key. */
  readonly services: ReadonlyMap<string, Service>;
  readonly errors: readonly ConfigError[];
}

function hasNodePorts(s: Service): boolean {
  return s.type === 'NodePort' || s.type === 'LoadBalancer';
}

function slot(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** The nodePort a Service port had in the previous snapshot (matched by name, port and protocol). */
function previousNodePort(before: ResolvedService | undefined, p: ServicePort): number | undefined {
  return before?.service.ports.find((q) => q.name === p.name && q.port === p.port && q.protocol === p.protocol)?.nodePort;
}

export function allocateNodePorts(current: ReadonlyMap<string, Service>, previous: ReadonlyMap<string, ResolvedService>): NodePortAllocation {
  const errors: ConfigError[] = [];
  const taken = new Set<string>();
  const candidates = sortBy(
    [...current].filter(([, s]) => hasNodePorts(s)),
    ([, s]) => ageKey(s.meta),
  );
  const assigned = new Map<string, (number | undefined)[]>();
  for (const [key, s] of candidates) assigned.set(key, s.ports.map(() => undefined));
  // 1. Declared: previous holders first, then by age.
  const holds = (key: string, p: ServicePort): boolean => previousNodePort(previous.get(key), p) === p.nodePort;
  const declared = candidates.flatMap(([key, s]) => s.ports.flatMap((p, i) => (p.nodePort === undefined ? [] : [{ key, s, p, i }])));
  for (const d of [...declared.filter((x) => holds(x.key, x.p)), ...declared.filter((x) => !holds(x.key, x.p))]) {
    const nodePort = d.p.nodePort!;
    if (taken.has(slot(nodePort, d.p.protocol))) {
      const holder = candidates.find(([k, s]) => k !== d.key && s.ports.some((q, j) => q.protocol === d.p.protocol && assigned.get(k)?.[j] === nodePort));
      const message = `nodePort ${nodePort}/${d.p.protocol} is already taken${holder ? ` by Service ${holder[0]}` : ''}; this port gets none`;
      errors.push(portError(d.s, d.i, message, ErrorCode.CONFLICT));
      continue;
    }
    taken.add(slot(nodePort, d.p.protocol));
    assigned.get(d.key)![d.i] = nodePort;
  }
  // 2. and 3. Undeclared: keep the previous nodePort if free, else hash and probe.
  for (const [key, s] of candidates) {
    s.ports.forEach((p, i) => {
      if (p.nodePort !== undefined) return;
      const before = previousNodePort(previous.get(key), p);
      const nodePort = before !== undefined && !taken.has(slot(before, p.protocol)) ? before : probe(`${key}/${p.port}/${p.protocol}`, p.protocol, taken);
      if (nodePort === undefined) {
        errors.push(portError(s, i, `no free nodePort left in ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`, ErrorCode.ALLOCATION_EXHAUSTED));
        return;
      }
      taken.add(slot(nodePort, p.protocol));
      assigned.get(key)![i] = nodePort;
    });
  }
  // Copy the map only when a Service changes: most meshes have few NodePort Services among thousands.
  let services: Map<string, Service> | undefined;
  for (const [key, nodePorts] of assigned) {
    const s = current.get(key)!;
    const next = withNodePorts(s, nodePorts);
    if (next !== s) (services ??= new Map(current)).set(key, next);
  }
  return { services: services ?? current, errors };
}

function probe(seed: string, protocol: string, taken: ReadonlySet<string>): number | undefined {
  let offset = fnv1a64(seed) % RANGE_SIZE;
  for (let tries = 0n; tries < RANGE_SIZE; tries++) {
    const port = NODE_PORT_RANGE.first + Number(offset);
    if (!taken.has(slot(port, protocol))) return port;
    offset = (offset + 1n) % RANGE_SIZE;
  }
  return undefined;
}

function portError(s: Service, index: number, message: string, code: string): ConfigError {
  return { file: s.meta.origin.file, object: `Service ${keyOf(s.meta)}`, field: `spec.ports[${index}].nodePort`, message, code };
}

const derived = new WeakMap<Service, Service>();

/** `s` itself when every port keeps what it declares, else a copy with `nodePorts`, reused while it matches. */
function withNodePorts(s: Service, nodePorts: readonly (number | undefined)[]): Service {
  if (s.ports.every((p, i) => p.nodePort === nodePorts[i])) return s;
  const cached = derived.get(s);
  if (cached?.ports.every((p, i) => p.nodePort === nodePorts[i])) return cached;
  const ports = s.ports.map((p, i) => {
    const nodePort = nodePorts[i];
    const { nodePort: _declared, ...rest } = p;
    return nodePort === undefined ? rest : { ...rest, nodePort };
  });
  const copy: Service = { ...s, ports };
  derived.set(s, copy);
  return copy;
}
