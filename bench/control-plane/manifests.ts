// A generated manifest directory as a user would keep it: one folder per namespace of 100 Services, holding
// `services.yaml` and `endpointslices.yaml` as `kubectl get -o yaml` prints them (a `kind: List`, keys sorted,
// server-set fields included). Each Service has one `http` port; its EndpointSlice lists 2 ready endpoints on
// 10.244.x.y pod addresses (never dialled). An endpoint change rewrites one namespace's endpointslices.yaml
// atomically: a staging dot-file beside it (which the control plane's scan skips), then a rename over it.
//
// Why the staging file sits in the watched directory: on Linux, Node 20's recursive fs.watch (lib/internal/fs/
// recursive_watch.js) watches each file's inode, and a file replaced by rename is reported only the first time
// (the watch stays on the old inode; the directory's own event is not emitted for a name it already knows). A
// file staged elsewhere and moved in (`mv /tmp/x dir/f.yaml`) is therefore picked up once per file, never
// again. The dot-file's own watch reports its rename, so this pattern is seen every time.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SERVICES_PER_FILE = 100;

export interface GeneratedService {
  readonly namespace: string;
  readonly name: string;
  /** The EDS cluster name the sidecar gets for it. */
  readonly cluster: string;
}

export interface ManifestDir {
  readonly dir: string;
  readonly services: number;
  readonly files: number;
  readonly bytes: number;
  serviceAt(i: number): GeneratedService;
  /**
   * The endpointslices.yaml of service `i`'s namespace with its second endpoint moved to the pod address of
   * `generation` (and every earlier change applied), without writing it: for the in-process build.
   */
  fileWithChange(i: number, generation: number): { readonly path: string; readonly text: string };
  /**
   * The same change, staged: written to a dot-file beside the target. `commit` renames it over the target (the
   * moment the change becomes visible).
   */
  stageChange(i: number, generation: number): Promise<{ readonly commit: () => Promise<void> }>;
}

const namespaceOf = (file: number): string => `team-${String(file).padStart(3, '0')}`;
const serviceName = (i: number): string => `svc-${String(i).padStart(5, '0')}`;

/** A unique ClusterIP in 10.96.0.0/12 (10.96.0.0 – 10.111.255.255), as the API server would have assigned. */
function clusterIP(i: number): string {
  const n = i + 10; // skip 10.96.0.0/28 (kubernetes, kube-dns)
  return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Pod address of endpoint `e` (0 or 1) of service `i`, moved by `generation` changes. */
function podIP(i: number, e: number, generation: number): string {
  const n = (i * 2 + e + generation * 20_011) % 65_536;
  return `10.244.${n >> 8}.${n & 255}`;
}

const uid = (kind: number, i: number): string => `5d6e7f80-0000-4${String(kind).padStart(3, '0')}-8000-${String(i).padStart(12, '0')}`;

function serviceYaml(i: number, namespace: string): string {
  const name = serviceName(i);
  const ip = clusterIP(i);
  return `- apiVersion: v1
  kind: Service
  metadata:
    creationTimestamp: "2024-03-01T10:00:00Z"
    labels:
      app: ${name}
    name: ${name}
    namespace: ${namespace}
    resourceVersion: "${1000 + i}"
    uid: ${uid(1, i)}
  spec:
    clusterIP: ${ip}
    clusterIPs:
    - ${ip}
    internalTrafficPolicy: Cluster
    ipFamilies:
    - IPv4
    ipFamilyPolicy: SingleStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 8080
    selector:
      app: ${name}
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
`;
}

function endpointYaml(i: number, e: number, namespace: string, ip: string): string {
  const node = (i + e) % 16;
  return `  - addresses:
    - ${ip}
    conditions:
      ready: true
      serving: true
      terminating: false
    nodeName: node-${node}
    targetRef:
      kind: Pod
      name: ${serviceName(i)}-7c9d5-${e === 0 ? 'aaaaa' : 'bbbbb'}
      namespace: ${namespace}
      uid: ${uid(3, i * 2 + e)}
    zone: zone-${node % 3 === 0 ? 'a' : node % 3 === 1 ? 'b' : 'c'}
`;
}

function sliceYaml(i: number, namespace: string, generation: number): string {
  const name = serviceName(i);
  return `- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
${endpointYaml(i, 0, namespace, podIP(i, 0, 0))}${endpointYaml(i, 1, namespace, podIP(i, 1, generation))}  kind: EndpointSlice
  metadata:
    creationTimestamp: "2024-03-01T10:00:11Z"
    generateName: ${name}-
    generation: ${1 + generation}
    labels:
      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
      kubernetes.io/service-name: ${name}
    name: ${name}-x7k2p
    namespace: ${namespace}
    ownerReferences:
    - apiVersion: v1
      blockOwnerDeletion: true
      controller: true
      kind: Service
      name: ${name}
      uid: ${uid(1, i)}
    resourceVersion: "${20_000 + i + generation}"
    uid: ${uid(2, i)}
  ports:
  - name: http
    port: 8080
    protocol: TCP
`;
}

const LIST_HEAD = 'apiVersion: v1\nitems:\n';
const LIST_TAIL = 'kind: List\nmetadata:\n  resourceVersion: ""\n';

function servicesFile(file: number, total: number): string {
  const ns = namespaceOf(file);
  let text = LIST_HEAD;
  for (let i = file * SERVICES_PER_FILE; i < Math.min(total, (file + 1) * SERVICES_PER_FILE); i++) text += serviceYaml(i, ns);
  return text + LIST_TAIL;
}

function slicesFile(file: number, total: number, generations: ReadonlyMap<number, number>): string {
  const ns = namespaceOf(file);
  let text = LIST_HEAD;
  for (let i = file * SERVICES_PER_FILE; i < Math.min(total, (file + 1) * SERVICES_PER_FILE); i++) {
    text += sliceYaml(i, ns, generations.get(i) ?? 0);
  }
  return text + LIST_TAIL;
}

/** Writes `services` Services and their EndpointSlices under `root/manifests`. */
export async function generateManifests(root: string, services: number): Promise<ManifestDir> {
  const dir = path.join(root, 'manifests');
  const files = Math.ceil(services / SERVICES_PER_FILE);
  const generations = new Map<number, number>();
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const nsDir = path.join(dir, namespaceOf(f));
    await mkdir(nsDir, { recursive: true });
    const svc = servicesFile(f, services);
    const eps = slicesFile(f, services, generations);
    bytes += Buffer.byteLength(svc) + Buffer.byteLength(eps);
    await writeFile(path.join(nsDir, 'services.yaml'), svc);
    await writeFile(path.join(nsDir, 'endpointslices.yaml'), eps);
  }
  let seq = 0;
  const fileWithChange = (i: number, generation: number): { path: string; text: string } => {
    const f = Math.floor(i / SERVICES_PER_FILE);
    const text = slicesFile(f, services, new Map([...generations, [i, generation]]));
    return { path: path.join(dir, namespaceOf(f), 'endpointslices.yaml'), text };
  };
  return {
    dir,
    services,
    files: files * 2,
    bytes,
    serviceAt(i) {
      const namespace = namespaceOf(Math.floor(i / SERVICES_PER_FILE));
      const name = serviceName(i);
      return { namespace, name, cluster: `outbound|80||${name}.${namespace}.svc.cluster.local` };
    },
    fileWithChange,
    async stageChange(i, generation) {
      const { path: target, text } = fileWithChange(i, generation);
      generations.set(i, generation);
      const tmp = path.join(path.dirname(target), `.endpointslices.yaml.${++seq}.tmp`);
      await writeFile(tmp, text);
      return { commit: () => rename(tmp, target) };
    },
  };
}
