// What the demo prints, computed from what its requests brought back (pure: results and topology in, data and
// text out). Each demo app answers with where it ran and who called it, and with what the service it called
// answered (examples/demo-app): the frontend's `caller` is the node whose proxy took the LoadBalancer connection,
// `via` is the address the app's socket connected to (the ClusterIP: iptables REDIRECT keeps it visible), and a
// server's `caller` is its client's pod IP, since nothing inside the cluster NATs.
import type { ViewSpan } from '../tracing/trace-view.js';

/** One request of the burst, as burst-main prints it. */
export interface BurstResult {
  readonly url: string;
  readonly traceId: string;
  /** The client's own span id (the parent of the frontend sidecar's server span). */
  readonly spanId: string;
  /** HTTP status; 0 when the request failed (then `error`). */
  readonly status: number;
  readonly ms: number;
  readonly startUnixNano: string;
  readonly endUnixNano: string;
  readonly body?: unknown;
  readonly error?: string;
  /** HTTPS: the CN of the certificate the server presented. */
  readonly certificate?: string;
}

export interface DemoTopology {
  readonly external: string;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly ip: string; readonly gateway: string }>;
  /** Every pod, with its `app` label. */
  readonly pods: ReadonlyArray<{ readonly name: string; readonly ip: string; readonly node: string; readonly app: string }>;
  /** The LoadBalancer URL the burst goes to, e.g. http://172.20.0.1:80/, and its Service. */
  readonly lbUrl: string;
  readonly lbService: string;
}

/** Where one request went, hop by hop. */
export interface Hop {
  readonly service: string;
  /** The pod that answered. */
  readonly pod: string;
  /** The address its client connected to (a ClusterIP, or for the frontend the LoadBalancer URL). */
  readonly via: string;
  /** The peer address the server saw (x-forwarded-for from its sidecar). */
  readonly caller: string;
  readonly version?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The hops of a frontend answer: [the ingress gateway,] frontend, catalog, inventory, ledger; [] when the answer is
 * not one. Behind the gateway the frontend's `x-forwarded-for` chain is [node, gateway pod]: the gateway (the edge,
 * Envoy's use_remote_address) appends the node proxy's address, the frontend's sidecar the gateway pod's.
 */
export function hopsOf(body: unknown, topology: Pick<DemoTopology, 'lbUrl' | 'pods'>): Hop[] {
  if (!isObject(body) || !isObject(body['catalog'])) return [];
  const chain = Array.isArray(body['forwardedFor']) ? body['forwardedFor'].filter((e): e is string => typeof e === 'string') : [];
  const hops: Hop[] = [];
  const gatewayIp = chain.length >= 2 ? chain[chain.length - 1] : undefined;
  if (gatewayIp !== undefined) {
    const gateway = topology.pods.find((p) => p.ip === gatewayIp);
    hops.push({ service: gateway?.app ?? 'gateway', pod: gateway?.name ?? gatewayIp, via: topology.lbUrl, caller: chain[0] ?? '' });
  }
  hops.push({ service: 'frontend', pod: str(body['pod']), via: gatewayIp === undefined ? topology.lbUrl : 'Ingress', caller: gatewayIp ?? str(body['caller']) });
  const catalog = body['catalog'];
  const c = catalog['reply'];
  if (!isObject(c)) return hops;
  hops.push({ service: 'catalog', pod: str(c['pod']), via: str(catalog['via']), caller: str(c['caller']), version: str(c['version']) });
  const inventory = c['inventory'];
  if (isObject(inventory) && isObject(inventory['reply'])) {
    const r = inventory['reply'];
    hops.push({ service: 'inventory', pod: str(r['served_by']), via: str(inventory['via']), caller: str(r['caller']) });
  }
  const ledger = c['ledger'];
  if (isObject(ledger)) {
    // The ledger answers `ok <pod> <n> <line>`; it is plain TCP, so it sees no x-forwarded-for.
    hops.push({ service: 'ledger', pod: str(ledger['line']).split(' ')[1] ?? '', via: str(ledger['via']), caller: '' });
  }
  return hops;
}

/** Who called the server of `hops[i]`: the hop before it, except that inventory and ledger are called by catalog. */
function clientOf(hops: readonly Hop[], i: number): Hop | undefined {
  if (i === 0) return undefined;
  const prev = hops[i - 1];
  return prev !== undefined && (prev.service === 'inventory' || prev.service === 'ledger') ? hops.find((h) => h.service === 'catalog') : prev;
}

/** Where a request entered the cluster: the first address of the chain (the node whose proxy took it). */
function entryAddress(hops: readonly Hop[]): string {
  return hops[0]?.caller ?? '';
}

export interface ServiceDistribution {
  readonly service: string;
  /** Requests per pod, every pod of the service listed (0 for one that got none). */
  readonly pods: ReadonlyArray<{ readonly pod: string; readonly count: number; readonly version?: string }>;
  /** The addresses clients connected to (the Service's ClusterIP:port). */
  readonly vias: readonly string[];
}

export interface BurstSummary {
  readonly total: number;
  readonly ok: number;
  /** Failures by reason (status or error), with counts. */
  readonly failures: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** LoadBalancer requests per node that took them. */
  readonly byNode: Readonly<Record<string, number>>;
  readonly services: readonly ServiceDistribution[];
  /** Servers' callers that are not the pod IP of the pod that called them (NAT would show here). */
  readonly natSeen: readonly string[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** The node an address belongs to (its node IP, or its cni0 address for a pod on the same node). */
export function nodeOf(topology: DemoTopology, address: string): string | undefined {
  return topology.nodes.find((n) => n.ip === address || n.gateway === address)?.name;
}

const SERVICE_ORDER = ['meshlet-gateway', 'frontend', 'catalog', 'inventory', 'ledger'];

/** Counts per node, per service and pod, latency percentiles and NAT checks over the LoadBalancer requests. */
export function summarize(results: readonly BurstResult[], topology: DemoTopology): BurstSummary {
  const lb = results.filter((r) => r.url === topology.lbUrl);
  const failures: Record<string, number> = {};
  const byNode: Record<string, number> = Object.fromEntries(topology.nodes.map((n) => [n.name, 0]));
  const counts = new Map<string, Map<string, number>>();
  const versions = new Map<string, string>();
  const vias = new Map<string, Set<string>>();
  const natSeen = new Set<string>();
  const podIp = new Map(topology.pods.map((p) => [p.name, p.ip]));
  let ok = 0;
  for (const r of lb) {
    if (r.status !== 200) {
      const reason = r.status === 0 ? (r.error ?? 'failed') : `HTTP ${r.status}`;
      failures[reason] = (failures[reason] ?? 0) + 1;
      continue;
    }
    ok++;
    const hops = hopsOf(r.body, topology);
    const entry = nodeOf(topology, entryAddress(hops)) ?? `unknown (${entryAddress(hops) || '?'})`;
    byNode[entry] = (byNode[entry] ?? 0) + 1;
    hops.forEach((h, i) => {
      const perPod = counts.get(h.service) ?? new Map<string, number>();
      perPod.set(h.pod, (perPod.get(h.pod) ?? 0) + 1);
      counts.set(h.service, perPod);
      if (h.version) versions.set(h.pod, h.version);
      if (i > 0) {
        const set = vias.get(h.service) ?? new Set<string>();
        set.add(h.via);
        vias.set(h.service, set);
      }
      // A server behind a sidecar sees its client's pod IP (the ledger, plain TCP, sees no header to tell).
      const client = clientOf(hops, i);
      if (client !== undefined && h.caller !== '' && h.caller !== podIp.get(client.pod)) natSeen.add(`${h.service} saw ${h.caller} for ${client.pod}`);
    });
  }
  const services = [...new Set([...SERVICE_ORDER.filter((s) => counts.has(s) || topology.pods.some((p) => p.app === s)), ...counts.keys()])].map((service) => {
    const perPod = counts.get(service) ?? new Map<string, number>();
    const names = [...new Set([...topology.pods.filter((p) => p.app === service).map((p) => p.name), ...perPod.keys()])].sort();
    return {
      service,
      pods: names.map((pod) => ({ pod, count: perPod.get(pod) ?? 0, ...(versions.has(pod) && { version: versions.get(pod) }) })),
      vias: [...(vias.get(service) ?? [])].sort(),
    };
  });
  const ms = lb.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  return { total: lb.length, ok, failures, p50Ms: percentile(ms, 0.5), p99Ms: percentile(ms, 0.99), byNode, services, natSeen: [...natSeen].sort() };
}

function podWhere(topology: DemoTopology, pod: string): string {
  const p = topology.pods.find((x) => x.name === pod);
  return p === undefined ? pod : `${pod} ${p.ip} on ${p.node}`;
}

/** The layers one request crossed, one line per layer. */
export function renderLayers(result: BurstResult, topology: DemoTopology): string {
  const hops = hopsOf(result.body, topology);
  const head = `GET ${result.url} from the external namespace (${topology.external}) → ${result.status === 0 ? result.error : result.status} in ${result.ms.toFixed(1)} ms`;
  const gateway = hops[0]?.service === 'frontend' ? undefined : hops[0];
  const [frontend, catalog, ...backends] = gateway === undefined ? hops : hops.slice(1);
  if (frontend === undefined) return `${head}\n  (the answer does not say where it went: ${JSON.stringify(result.body ?? null).slice(0, 200)})`;
  const lb = new URL(topology.lbUrl);
  const lbHost = `${lb.hostname}:${lb.port || '80'}`;
  const fePod = topology.pods.find((p) => p.name === frontend.pod);
  const first = topology.pods.find((p) => p.name === (gateway ?? frontend).pod);
  const entryIp = entryAddress(hops);
  const entry = nodeOf(topology, entryIp);
  const rows: Array<[string, string, string]> = [
    ['LoadBalancer', lbHost, `Service ${topology.lbService}: the world routes the LoadBalancer range over the nodes (ECMP)`],
    ['node', `${entry ?? '?'} ${topology.nodes.find((n) => n.name === entry)?.ip ?? entryIp}`, `node proxy: listener ${lbHost.replace(':', '_')} → endpoint ${first?.ip ?? '?'} (kube-proxy's job)`],
  ];
  if (gateway !== undefined) {
    rows.push(['gateway', podWhere(topology, gateway.pod), `ingress gateway: Ingress rule → Service frontend's endpoint ${fePod?.ip ?? '?'}; it saw the caller ${gateway.caller}${entry ? ` (${entry})` : ''}`]);
  }
  const saw = gateway === undefined ? `${frontend.caller}${entry ? ` (${entry})` : ''}` : `${frontend.caller}${frontend.caller === first?.ip ? ' = the gateway pod IP (no NAT)' : ''}`;
  rows.push(['pod', podWhere(topology, frontend.pod), `sidecar inbound :15006 → app; the app saw the caller ${saw}`]);
  if (catalog !== undefined) {
    rows.push(['sidecar', 'outbound :15001', `the app dialled catalog (DNS short name) → ClusterIP ${catalog.via}, captured by iptables`]);
    rows.push(['endpoint', podWhere(topology, catalog.pod), `catalog ${catalog.version ?? ''}: sidecar inbound → app; it saw the caller ${catalog.caller}${catalog.caller === fePod?.ip ? ' = the frontend pod IP (no NAT)' : ''}`]);
  }
  for (const b of backends) {
    const proto = b.service === 'inventory' ? 'gRPC' : 'TCP';
    rows.push([`→ ${b.service}`, podWhere(topology, b.pod), `${proto} via ClusterIP ${b.via}${b.caller ? `; saw the caller ${b.caller}` : ''}`]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [head, ...rows.map((r, i) => `  ${String(i + 1).padStart(2)} ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`)].join('\n');
}

/** The distribution part of the report. */
export function renderSummary(s: BurstSummary): string {
  const lines = [`${s.total} requests through the LoadBalancer: ${s.ok} answered 200, p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms`];
  for (const [reason, n] of Object.entries(s.failures)) lines.push(`  failed: ${n} × ${reason}`);
  lines.push(`  entered through: ${Object.entries(s.byNode).map(([node, n]) => `${node} ${n}`).join(', ')}`);
  for (const svc of s.services) {
    const pods = svc.pods.map((p) => `${p.pod}${p.version ? ` (${p.version})` : ''} ${p.count}`).join(', ');
    lines.push(`  ${svc.service.padEnd(9)} ${pods}${svc.vias.length > 0 ? `   [via ${svc.vias.join(', ')}]` : ''}`);
  }
  lines.push(s.natSeen.length === 0 ? '  every server saw its client\'s pod IP: no NAT inside the cluster' : `  NAT seen: ${s.natSeen.join('; ')}`);
  return lines.join('\n');
}

/** The demo client's own span, the root of the trace (its id is the parent in the `traceparent` it sent). */
export function clientSpan(r: BurstResult): ViewSpan {
  return {
    traceId: r.traceId, spanId: r.spanId, parentSpanId: null, name: `GET ${r.url}`, kind: 'CLIENT', serviceName: 'demo client (external)',
    startTimeUnixNano: BigInt(r.startUnixNano), endTimeUnixNano: BigInt(r.endUnixNano),
    status: { code: r.status === 200 ? 'UNSET' : 'ERROR', message: '' },
  };
}
