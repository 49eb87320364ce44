// One scale of the benchmark (M services, N clients): generate the manifests, time the build in-process, start
// the real control plane and the floor server, sync N clients to each, then make K endpoint changes, alternating
// between the control plane (a file rewrite) and the floor (an IPC trigger with the same assignment bytes).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitForHttpOk, type MeshletProcess } from '../../examples/proxyless/spawn-meshlet.js';
import { freePort } from '../../test/support/ports.js';
import { ROLE_TYPES } from '../../control-plane/translate/index.js';
import { measureBuild, type BuildReport, type Change } from './build.js';
import { removeOnExit, startControlPlane, startFloor, type FloorProcess } from './children.js';
import { ClientGroup } from './clients.js';
import { generateManifests, type ManifestDir } from './manifests.js';
import { difference, readPushCounters, total } from './metrics.js';
import type { BenchOptions } from './options.js';
import { cpuMsOf, memoryOf, type Memory } from './proc.js';

export interface ScaleResult {
  readonly services: number;
  readonly files: number;
  readonly yamlBytes: number;
  readonly build: BuildReport;
  /** Child spawned → /readyz 200, and → every client ACKed a first response of every type. */
  readonly readyMs: number;
  readonly firstConfigMs: number;
  /** Per client: child spawned → that client synced (ms). */
  readonly syncedAt: readonly number[];
  /** Initial sync: bytes the server pushed (/metrics) and the clients received. */
  readonly initialPushedBytes: number;
  readonly initialReceivedBytes: number;
  readonly floorSyncMs: number;
  /** One sample per client and change: write/trigger → that client's ACK of the change (ms). */
  readonly ours: readonly number[];
  readonly floor: readonly number[];
  /** Per change: the slowest client (ms). */
  readonly oursAll: readonly number[];
  readonly floorAll: readonly number[];
  /** /metrics differences over the K changes, per type. */
  readonly pushedBytes: ReadonlyMap<string, number>;
  readonly pushes: ReadonlyMap<string, number>;
  readonly oursReceivedBytes: number;
  readonly floorReceivedBytes: number;
  readonly strays: number;
  readonly mismatches: number;
  /**
   * Control-plane CPU time from each rename to the last ACK, summed over the K changes (ms, 10 ms ticks), and
   * the bench process's over the whole change phase (both groups of clients).
   */
  readonly cpuMs: number;
  readonly benchCpuMs: number;
  /** CPU time during the initial sync: the control plane's and the bench process's (the clients'). */
  readonly syncCpu: { readonly cp: number; readonly bench: number };
  readonly memory: { readonly ready: Memory; readonly synced: Memory; readonly end: Memory };
  /** Bench (clients) process RSS at the end and its peak so far, MiB. */
  readonly benchRssMiB: number;
  readonly benchPeakMiB: number;
}

/** Rejects when the control plane exits while the scale runs (set per scale). */
let died: Promise<never> | undefined;

const cpuTotalMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bounds a phase in time: rejects with a message naming the phase (and what is still missing). */
async function phase<T>(name: string, timeoutMs: number, work: Promise<T>, missing?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guards = died === undefined ? [] : [died];
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const detail = missing ? `: ${missing()}` : '';
      reject(new Error(`phase "${name}" did not finish within ${timeoutMs / 1000} s${detail}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout, ...guards]);
  } finally {
    clearTimeout(timer);
  }
}

/** K changes spread over the services and namespaces; each moves one endpoint of one service. */
function changePlan(services: number, changes: number): Array<{ service: number; generation: number }> {
  return Array.from({ length: changes }, (_, k) => ({ service: (k * 7919 + 17) % services, generation: k + 1 }));
}

interface Running {
  cp?: MeshletProcess;
  floor?: FloorProcess;
  groups: ClientGroup[];
  stopping?: () => void;
}

async function stopAll(r: Running): Promise<void> {
  r.stopping?.();
  died = undefined;
  for (const g of r.groups) g.close();
  await Promise.all([r.cp?.stop(), r.floor?.stop()]);
}

function slowest(samples: readonly number[]): number {
  return samples.reduce((a, b) => Math.max(a, b), 0);
}

interface ControlPlane {
  readonly proc: MeshletProcess;
  readonly pid: number;
  readonly xds: string;
  readonly admin: string;
  readonly spawnedAt: number;
  readonly readyMs: number;
  readonly ready: Memory;
}

/** Spawns `meshlet control-plane` on the manifests and waits for /readyz; its exit fails the running phase. */
async function startServer(o: BenchOptions, md: ManifestDir, running: Running): Promise<ControlPlane> {
  const [xdsPort, adminPort] = [await freePort(), await freePort()];
  const admin = `http://127.0.0.1:${adminPort}`;
  const spawnedAt = performance.now();
  const proc = startControlPlane([
    '--manifests', md.dir,
    '--xds-listen', `127.0.0.1:${xdsPort}`,
    '--admin-listen', `127.0.0.1:${adminPort}`,
    '--debounce-ms', String(o.debounceMs),
  ]);
  running.cp = proc;
  let stopping = false;
  running.stopping = () => (stopping = true);
  died = proc.exited.then((code) => {
    if (stopping) return new Promise<never>(() => undefined);
    throw new Error(`the control plane exited (code ${code}) during the run; its last log lines:\n${proc.stderr().slice(-3000)}`);
  });
  died.catch(() => undefined);
  await phase('control plane ready', o.phaseTimeoutMs, waitForHttpOk(`${admin}/readyz`, proc, o.phaseTimeoutMs));
  const pid = proc.child.pid as number;
  return { proc, pid, xds: `127.0.0.1:${xdsPort}`, admin, spawnedAt, readyMs: performance.now() - spawnedAt, ready: memoryOf(pid) };
}

/** Connects N clients to `address` and waits until every one ACKed a first response of every type. */
async function syncClients(o: BenchOptions, build: BuildReport, address: string, name: string, running: Running): Promise<ClientGroup> {
  const group = new ClientGroup({
    address,
    clients: o.clients,
    connections: o.connections,
    mode: o.mode,
    types: ROLE_TYPES.sidecar,
    edsNames: build.edsNames,
    rdsNames: build.rdsNames,
    idPrefix: name === 'floor' ? 'floor' : 'sidecar',
  });
  running.groups.push(group);
  group.start();
  const missing = (): string => `${group.syncTimes().filter(Number.isNaN).length} of ${o.clients} clients not synced`;
  await phase(`initial sync (${name})`, o.syncTimeoutMs, group.allSynced(), missing);
  return group;
}

/** Arms the clients, runs `trigger`, waits for every ACK; returns the per-client latencies. */
async function oneChange(o: BenchOptions, label: string, group: ClientGroup, change: Change, trigger: () => Promise<void> | void): Promise<number[]> {
  group.expect(change.cluster, change.hash, performance.now());
  await trigger();
  await phase(label, o.phaseTimeoutMs, group.allAcked(), () => `${group.pending()} of ${o.clients} clients did not ACK`);
  return group.latencies();
}

interface ChangeSamples {
  readonly ours: number[];
  readonly floor: number[];
  readonly oursAll: number[];
  readonly floorAll: number[];
  /** Control-plane CPU from each rename to its last ACK, summed. */
  cpuMs: number;
}

/** The K changes, alternating: the control plane (file rename), then the floor (IPC trigger, same bytes). */
async function measureChanges(o: BenchOptions, md: ManifestDir, build: BuildReport, cp: ControlPlane, ours: ClientGroup, floor: FloorProcess, floorClients: ClientGroup): Promise<ChangeSamples> {
  const out: ChangeSamples = { ours: [], floor: [], oursAll: [], floorAll: [], cpuMs: 0 };
  for (const [k, change] of build.changes.entries()) {
    const label = `change ${k + 1}/${o.changes} ACKed`;
    // Staged first (the control plane rescans on the staging file's event, finds nothing new and pushes
    // nothing); the clock starts at the rename that makes the change visible.
    const staged = await md.stageChange(change.service, change.generation);
    await sleep(o.spacingMs);
    const cpu0 = cpuMsOf(cp.pid);
    const l = await oneChange(o, `${label} (control plane)`, ours, change, staged.commit);
    out.cpuMs += cpuMsOf(cp.pid) - cpu0;
    out.ours.push(...l);
    out.oursAll.push(slowest(l));
    await sleep(o.spacingMs);
    const f = await oneChange(o, `${label} (floor)`, floorClients, change, () => floor.push(change.cluster, change.hash, change.encoded));
    out.floor.push(...f);
    out.floorAll.push(slowest(f));
  }
  return out;
}

export async function runScale(o: BenchOptions, services: number, log: (line: string) => void): Promise<ScaleResult> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'meshlet-bench-cp-'));
  const forget = removeOnExit(root);
  const running: Running = { groups: [] };
  try {
    const md = await generateManifests(root, services);
    log(`  generated ${md.services} services in ${md.files} files under ${md.dir}`);
    const build = await measureBuild(md, changePlan(services, o.changes));
    const cp = await startServer(o, md, running);
    log(`  control plane (pid ${cp.pid}) ready after ${cp.readyMs.toFixed(0)} ms; connecting ${o.clients} clients`);

    const syncCpu0 = { cp: cpuMsOf(cp.pid), bench: process.cpuUsage() };
    const ours = await syncClients(o, build, cp.xds, 'control plane', running);
    const firstConfigMs = performance.now() - cp.spawnedAt;
    const syncCpu = { cp: cpuMsOf(cp.pid) - syncCpu0.cp, bench: cpuTotalMs(process.cpuUsage(syncCpu0.bench)) };
    const synced = memoryOf(cp.pid);
    const afterSync = await readPushCounters(cp.admin);
    const initialReceivedBytes = ours.totals().bytes;
    log(`  ${o.clients} clients synced ${firstConfigMs.toFixed(0)} ms after the control plane started`);

    const floor = await phase('floor server start', o.phaseTimeoutMs, startFloor(o.phaseTimeoutMs));
    running.floor = floor;
    const floorStart = performance.now();
    const floorClients = await syncClients(o, build, `127.0.0.1:${floor.port}`, 'floor', running);
    const floorSyncMs = performance.now() - floorStart;

    await sleep(1000); // let the initial sync's garbage and stragglers settle before measuring changes
    const before = await readPushCounters(cp.admin);
    const received0 = { ours: ours.totals().bytes, floor: floorClients.totals().bytes };
    const benchCpu0 = process.cpuUsage();
    const samples = await measureChanges(o, md, build, cp, ours, floor, floorClients);
    await sleep(Math.max(500, o.debounceMs * 2)); // anything else the changes caused is pushed by now
    const benchCpuMs = cpuTotalMs(process.cpuUsage(benchCpu0));
    const after = await readPushCounters(cp.admin);
    const end = memoryOf(cp.pid);
    const oursTotals = ours.totals();
    return {
      services,
      files: md.files,
      yamlBytes: md.bytes,
      build,
      readyMs: cp.readyMs,
      firstConfigMs,
      syncedAt: ours.syncTimes().map((t) => t - cp.spawnedAt),
      initialPushedBytes: total(afterSync.bytes),
      initialReceivedBytes,
      floorSyncMs,
      ours: samples.ours,
      floor: samples.floor,
      oursAll: samples.oursAll,
      floorAll: samples.floorAll,
      pushedBytes: difference(after.bytes, before.bytes),
      pushes: difference(after.pushes, before.pushes),
      oursReceivedBytes: oursTotals.bytes - received0.ours,
      floorReceivedBytes: floorClients.totals().bytes - received0.floor,
      strays: oursTotals.strays,
      mismatches: oursTotals.mismatches,
      cpuMs: samples.cpuMs,
      benchCpuMs,
      syncCpu,
      memory: { ready: cp.ready, synced, end },
      benchRssMiB: process.memoryUsage().rss / 1024 / 1024,
      benchPeakMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await stopAll(running);
    await rm(root, { recursive: true, force: true });
    forget();
  }
}
