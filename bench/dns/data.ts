// The names both servers serve. The cluster: bench/control-plane's generated manifests (ClusterIP Services of one
// `http` port, 100 per namespace `team-NNN`) for nine tenths of the services, plus a namespace `stateful` of
// headless Services written here, each with 3 ready endpoints that carry a hostname (as a StatefulSet's do).
// What the records are is read back from the manifest files, so that unbound's local-data and the expected
// answers come from the same text the control plane reads. The internet: `h-N.bench.test`, served by the
// upstream unbound.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { generateManifests } from '../control-plane/manifests.js';

export const CLUSTER_DOMAIN = 'cluster.local';
export const UPSTREAM_ZONE = 'bench.test';
const HEADLESS_NAMESPACE = 'stateful';
const ENDPOINTS_PER_HEADLESS = 3;

export interface Endpoint {
  readonly hostname: string;
  readonly ip: string;
}

export interface ServiceRecord {
  readonly fqdn: string;
  readonly namespace: string;
  /** The Service's first port: `_<name>._tcp.<fqdn>` SRV. */
  readonly portName: string;
  /** ClusterIP services: SRV target port is the service port; headless: the endpoints' port. */
  readonly srvPort: number;
  /** undefined: headless. */
  readonly clusterIP: string | undefined;
  readonly endpoints: readonly Endpoint[];
}

export interface UpstreamName {
  readonly fqdn: string;
  readonly ip: string;
}

export interface BenchData {
  readonly manifestsDir: string;
  readonly services: readonly ServiceRecord[];
  readonly namespaces: readonly string[];
  readonly upstream: readonly UpstreamName[];
}

const fqdnOf = (name: string, namespace: string): string => `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;

interface ServiceItem {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly clusterIP: string; readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number }> };
}

function isServiceItem(v: unknown): v is ServiceItem {
  const o = v as { kind?: unknown; metadata?: { name?: unknown }; spec?: { clusterIP?: unknown; ports?: unknown } } | null;
  return o?.kind === 'Service' && typeof o.metadata?.name === 'string' && typeof o.spec?.clusterIP === 'string' && Array.isArray(o.spec.ports);
}

/** The ClusterIP services of one generated `services.yaml` (a `kind: List`). */
function clusterIpServices(text: string, file: string): ServiceRecord[] {
  const items = (YAML.parse(text) as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || !items.every(isServiceItem)) throw new Error(`${file}: not a List of Services with spec.clusterIP and ports`);
  return items.map((s) => ({
    fqdn: fqdnOf(s.metadata.name, s.metadata.namespace),
    namespace: s.metadata.namespace,
    portName: s.spec.ports[0]?.name ?? 'http',
    srvPort: s.spec.ports[0]?.port ?? 80,
    clusterIP: s.spec.clusterIP,
    endpoints: [],
  }));
}

const headlessName = (i: number): string => `db-${String(i).padStart(5, '0')}`;

/** Endpoint `e` of headless service `i`: 10.245.0.0/16, never dialled. */
function headlessEndpoint(i: number, e: number): Endpoint {
  const n = i * ENDPOINTS_PER_HEADLESS + e + 1;
  return { hostname: `${headlessName(i)}-${e}`, ip: `10.245.${(n >> 8) & 255}.${n & 255}` };
}

/** `count` headless Services and their EndpointSlices under `dir/stateful/`, in the same List form. */
async function writeHeadless(dir: string, count: number): Promise<ServiceRecord[]> {
  const nsDir = path.join(dir, HEADLESS_NAMESPACE);
  await mkdir(nsDir, { recursive: true });
  const records: ServiceRecord[] = [];
  const services: object[] = [];
  const slices: object[] = [];
  for (let i = 0; i < count; i++) {
    const name = headlessName(i);
    const metadata = { name, namespace: HEADLESS_NAMESPACE, labels: { app: name } };
    const endpoints = Array.from({ length: ENDPOINTS_PER_HEADLESS }, (_, e) => headlessEndpoint(i, e));
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'tcp-db', port: 5432, protocol: 'TCP', targetPort: 5432 }], selector: { app: name }, type: 'ClusterIP' },
    });
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      metadata: { name: `${name}-abcde`, namespace: HEADLESS_NAMESPACE, labels: { 'kubernetes.io/service-name': name } },
      endpoints: endpoints.map((ep) => ({ addresses: [ep.ip], conditions: { ready: true, serving: true, terminating: false }, hostname: ep.hostname })),
      ports: [{ name: 'tcp-db', port: 5432, protocol: 'TCP' }],
    });
    records.push({ fqdn: fqdnOf(name, HEADLESS_NAMESPACE), namespace: HEADLESS_NAMESPACE, portName: 'tcp-db', srvPort: 5432, clusterIP: undefined, endpoints });
  }
  const list = (items: object[]): string => YAML.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });
  await writeFile(path.join(nsDir, 'services.yaml'), list(services));
  await writeFile(path.join(nsDir, 'endpointslices.yaml'), list(slices));
  return records;
}

/** Writes the manifests under `root/manifests` and returns every name the servers answer for. */
export async function generateData(root: string, services: number): Promise<BenchData> {
  const headless = Math.max(1, Math.round(services / 10));
  const generated = await generateManifests(root, services - headless);
  const records: ServiceRecord[] = [];
  for (const ns of (await readdir(generated.dir)).sort()) {
    const file = path.join(generated.dir, ns, 'services.yaml');
    records.push(...clusterIpServices(await readFile(file, 'utf8'), file));
  }
  records.push(...(await writeHeadless(generated.dir, headless)));
  const upstream = Array.from({ length: Math.min(services, 10_000) }, (_, i) => ({
    fqdn: `h-${i}.${UPSTREAM_ZONE}`,
    ip: `198.51.${100 + (i >> 8)}.${i & 255}`,
  }));
  return { manifestsDir: generated.dir, services: records, namespaces: [...new Set(records.map((r) => r.namespace))], upstream };
}
