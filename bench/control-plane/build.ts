// Snapshot build time, measured in this process on the same manifest files the control plane serves: the
// files scanned and decoded by the control plane's own store, then model + sidecar translation + consistency
// check, cold (first build of these objects) and warm (after one endpoint change, with the memoised previous
// snapshot) — exactly the work control-plane/pipeline.ts and the snapshot cache do per change.
// The warm builds replay the changes the benchmark will make on disk, so the ClusterLoadAssignment bytes they
// produce are the ones the control plane will push: the floor server is given those same bytes.
import { buildModel, type MeshSnapshot } from '../../control-plane/model/index.js';
import { ManifestStore, scanManifestDir, type StoreState } from '../../control-plane/sources/index.js';
import { canonicalGroup, checkConsistency, translate } from '../../control-plane/translate/index.js';
import type { ResourceSet } from '../../xds/resource.js';
import { CLUSTER_LOAD_ASSIGNMENT, ROUTE_CONFIGURATION, SHORT_NAME, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { ManifestDir } from './manifests.js';

/** The model options `meshlet control-plane` uses by default (flags --cluster-domain, --cluster-id, --service-cidr). */
const MODEL_OPTIONS = { clusterDomain: 'cluster.local', clusterId: 'cluster-1', serviceCidr: '10.96.0.0/12' };
const SIDECAR = canonicalGroup({ role: 'sidecar', namespace: 'default' });

export interface BuildTime {
  readonly model: number;
  readonly translate: number;
  readonly check: number;
  readonly total: number;
}

export interface Change {
  /** Index of the service whose endpoint moves, and the generation of its new address. */
  readonly service: number;
  readonly generation: number;
  /** Its EDS cluster name and the assignment the control plane will push (hash = delta resource version). */
  readonly cluster: string;
  readonly hash: string;
  readonly encoded: Buffer;
}

export interface BuildReport {
  /** Scan + parse + decode of every file (the control plane's initial load before the model). */
  readonly loadMs: number;
  readonly cold: BuildTime;
  readonly warm: readonly BuildTime[];
  /** The store's part of a warm update: parse the one rewritten file, merge into the next state. */
  readonly reparseMs: readonly number[];
  readonly changes: readonly Change[];
  /** Resources per type and their encoded bytes, in the sidecar's set. */
  readonly resources: ReadonlyArray<{ readonly type: string; readonly count: number; readonly bytes: number }>;
  /** What a SotW sidecar asks for by name. */
  readonly edsNames: readonly string[];
  readonly rdsNames: readonly string[];
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function timedBuild(state: StoreState, previous: MeshSnapshot | undefined) {
  if (state.errors.length > 0) throw new Error(`generated manifests have errors: ${state.errors[0]?.message ?? ''}`);
  gc();
  const t0 = performance.now();
  const result = buildModel(state, previous, MODEL_OPTIONS);
  const t1 = performance.now();
  const set = translate(result.snapshot, SIDECAR);
  const t2 = performance.now();
  const problems = checkConsistency(set);
  const t3 = performance.now();
  if (result.errors.length > 0) throw new Error(`model errors: ${result.errors[0]?.message ?? ''}`);
  if (problems.length > 0) throw new Error(`inconsistent snapshot: ${problems[0] ?? ''}`);
  const time = { model: t1 - t0, translate: t2 - t1, check: t3 - t2, total: t3 - t0 };
  return { snapshot: result.snapshot, set, time };
}

function resourcesOf(set: ResourceSet): BuildReport['resources'] {
  return [...set].map(([type, byName]) => {
    let bytes = 0;
    for (const r of byName.values()) bytes += r.encoded.length;
    return { type: SHORT_NAME[type], count: byName.size, bytes };
  });
}

function namesOf(set: ResourceSet, type: ServedTypeUrl): string[] {
  return [...(set.get(type)?.keys() ?? [])];
}

export async function measureBuild(md: ManifestDir, plan: ReadonlyArray<{ service: number; generation: number }>): Promise<BuildReport> {
  gc();
  const t0 = performance.now();
  let files = await scanManifestDir(md.dir);
  const store = new ManifestStore();
  const loaded = store.apply(files).state;
  const loadMs = performance.now() - t0;
  const first = timedBuild(loaded, undefined);
  const report = {
    loadMs,
    cold: first.time,
    resources: resourcesOf(first.set),
    edsNames: namesOf(first.set, CLUSTER_LOAD_ASSIGNMENT),
    rdsNames: namesOf(first.set, ROUTE_CONFIGURATION),
  };
  const warm: BuildTime[] = [];
  const reparseMs: number[] = [];
  const changes: Change[] = [];
  let previous = first.snapshot;
  for (const { service, generation } of plan) {
    const changed = md.fileWithChange(service, generation);
    files = files.map((f) => (f.path === changed.path ? { path: f.path, text: changed.text } : f));
    const p0 = performance.now();
    const state = store.apply(files).state;
    reparseMs.push(performance.now() - p0);
    const next = timedBuild(state, previous);
    warm.push(next.time);
    const cluster = md.serviceAt(service).cluster;
    const cla = next.set.get(CLUSTER_LOAD_ASSIGNMENT)?.get(cluster);
    if (!cla) throw new Error(`no assignment ${cluster} in the translated set`);
    changes.push({ service, generation, cluster, hash: cla.hash, encoded: cla.encoded });
    previous = next.snapshot;
  }
  return { ...report, warm, reparseMs, changes };
}
