// The memory phase: a sidecar holding the configuration of N services (bench/control-plane's generated
// manifests: one `http` port and 2 endpoints each), in a world of its own (`ml-benchmem-*` and one pod). Its
// VmRSS is read once /healthz/ready answers, after a settle pause; /config_dump then confirms it held every
// service's cluster.
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep, startControlPlane, startSidecar, waitForSidecar, World, type Host } from '../../test/support/world.js';
import { removeOnExit } from '../control-plane/children.js';
import { generateManifests } from '../control-plane/manifests.js';
import { memoryOf, type Memory } from '../control-plane/proc.js';
import { QUIET_SIDECAR } from './topology.js';

export interface MemoryResult {
  readonly services: number;
  readonly clusters: number;
  readonly listeners: number;
  /** Sidecar started → /healthz/ready answered 200, ms. */
  readonly readyMs: number;
  /** Ready, settled, before any admin request. */
  readonly memory: Memory;
  /** Right after /config_dump was served (which allocates a JSON text of the whole configuration). */
  readonly afterDump: Memory;
}

/** The generated manifest files as `name → YAML` (namespace folders flattened into the file name). */
async function manifestFiles(services: number): Promise<Record<string, string>> {
  const root = mkdtempSync(path.join(tmpdir(), 'meshlet-bench-proxy-mem-'));
  removeOnExit(root);
  try {
    const { dir } = await generateManifests(root, services);
    const files: Record<string, string> = {};
    for (const ns of readdirSync(dir)) {
      for (const file of readdirSync(path.join(dir, ns))) files[`${ns}-${file}`] = readFileSync(path.join(dir, ns, file), 'utf8');
    }
    return files;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface Dump {
  readonly clusters?: Record<string, unknown>;
  readonly listeners?: Record<string, unknown>;
}

/** GET /config_dump into a file (it is megabytes long with many services: more than Host.httpGet buffers). */
async function configDump(pod: Host): Promise<Dump> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-bench-proxy-dump-'));
  removeOnExit(dir);
  try {
    const file = path.join(dir, 'config_dump.json');
    const r = await pod.run('curl', ['-sS', '--max-time', '20', '-o', file, '-w', '%{http_code}', 'http://127.0.0.1:15000/config_dump'], 25_000);
    if (r.stdout !== '200') throw new Error(`/config_dump: HTTP ${r.stdout || '(none)'} ${r.stderr}`);
    return JSON.parse(readFileSync(file, 'utf8')) as Dump;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureSidecarMemory(services: number, timeoutMs = 120_000): Promise<MemoryResult> {
  const files = await manifestFiles(services);
  const world = World.create('benchmem', ['pod']);
  try {
    const pod = world.pod('pod');
    const controlPlane = await startControlPlane(world, files);
    removeOnExit(controlPlane.manifestsDir);
    const started = performance.now();
    const sidecar = startSidecar(pod, controlPlane, QUIET_SIDECAR);
    await waitForSidecar(pod, sidecar, timeoutMs);
    const readyMs = performance.now() - started;
    await sleep(3000); // let start-up garbage be collected
    const memory = memoryOf(sidecar.pid);
    // Read after the figure above: serialising a config_dump of N clusters grows the heap by itself.
    const dump = await configDump(pod);
    const clusters = Object.keys(dump.clusters ?? {}).length;
    if (clusters < services) throw new Error(`the ready sidecar's /config_dump shows ${clusters} clusters, expected ≥ ${services}`);
    const listeners = Object.keys(dump.listeners ?? {}).length;
    return { services, clusters, listeners, readyMs, memory, afterDump: memoryOf(sidecar.pid) };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${world.describe()}`);
  } finally {
    await world.close();
  }
}
