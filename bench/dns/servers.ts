// Everything the bench measures against, on loopback only: the upstream unbound (127.0.0.55), the real
// `meshlet control-plane` serving the generated manifests, `meshlet dns` (127.0.0.53; compiled dist/cli/main.js,
// as deployed) fed the NameTable over xDS and forwarding to the upstream, and one unbound peer per thread count
// (127.0.0.54) holding the same names as local data and forwarding to the same upstream. Each server is ready
// when it answers a query of the data as it must; then a sample of every query set is checked on every server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitForHttpOk, type MeshletProcess } from '../../examples/proxyless/spawn-meshlet.js';
import { freePort } from '../../test/support/ports.js';
import { MESHLET_MAIN, type WorldProcess } from '../../test/support/world.js';
import { removeOnExit, startControlPlane } from '../control-plane/children.js';
import { CLUSTER_DOMAIN, generateData, UPSTREAM_ZONE, type BenchData } from './data.js';
import type { BenchOptions } from './options.js';
import { checkSample, waitUntilAnswered, type Address } from './probe.js';
import { freeDnsPort, start } from './procs.js';
import { writeQuerySets, type Query, type QuerySet } from './queries.js';
import { CLUSTER_TTL, clusterLocalData, startUnbound, upstreamLocalData, type Unbound } from './unbound.js';

export const MESHLET_HOST = '127.0.0.53';
export const PEER_HOST = '127.0.0.54';
export const UPSTREAM_HOST = '127.0.0.55';
const READY_TIMEOUT_MS = 60_000;
/** Queries of each set asked of each server before any load. */
const SAMPLE_PER_SET = 60;

export interface Target {
  readonly name: string;
  readonly address: Address;
  readonly proc: WorldProcess;
  /** Process start → first correct answer to a cluster name, ms. */
  readonly readyMs: number;
  /** Differences found by the sample check (empty: every sampled answer as expected). */
  readonly wrongAnswers: readonly string[];
}

export interface Bench {
  readonly data: BenchData;
  readonly sets: readonly QuerySet[];
  readonly targets: readonly Target[];
  readonly upstream: Unbound;
  readonly controlPlane: MeshletProcess;
  readonly meshletArgs: readonly string[];
  close(): Promise<void>;
}

async function stop(proc: WorldProcess): Promise<void> {
  await proc.kill('SIGTERM', 5000).catch(() => proc.kill('SIGKILL'));
}

async function startMeshletDns(xds: string, upstream: Address, probe: Query): Promise<{ proc: WorldProcess; args: string[]; address: Address; readyMs: number }> {
  const address = { host: MESHLET_HOST, port: await freeDnsPort(MESHLET_HOST) };
  const args = ['dns', '--xds', xds, '--listen', `${address.host}:${address.port}`, '--upstream', `${upstream.host}:${upstream.port}`, '--ttl', String(CLUSTER_TTL), '--log-level', 'warn'];
  const proc = start('meshlet dns', process.execPath, [MESHLET_MAIN, ...args]);
  const readyMs = await waitUntilAnswered(address, probe, proc, READY_TIMEOUT_MS);
  return { proc, args, address, readyMs };
}

export async function startBench(o: BenchOptions, log: (line: string) => void): Promise<Bench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-bench-dns-'));
  removeOnExit(dir);
  const procs: WorldProcess[] = [];
  let controlPlane: MeshletProcess | undefined;
  const close = async (): Promise<void> => {
    for (const p of procs.reverse()) await stop(p);
    await controlPlane?.stop();
  };
  try {
    const data = await generateData(dir, o.services);
    const sets = writeQuerySets(data, dir);
    const [cluster, , forward] = sets.map((s) => s.queries[0] as Query) as [Query, Query, Query];
    const upstreamAddress = { host: UPSTREAM_HOST, port: await freeDnsPort(UPSTREAM_HOST) };
    const upstream = startUnbound({
      label: 'unbound upstream', dir, listen: upstreamAddress, threads: 1, zone: UPSTREAM_ZONE, localData: upstreamLocalData(data), forwardTo: undefined, control: true,
    });
    procs.push(upstream.proc);
    await waitUntilAnswered(upstreamAddress, forward, upstream.proc, READY_TIMEOUT_MS);

    const [xdsPort, adminPort] = [await freePort(), await freePort()];
    controlPlane = startControlPlane([
      '--manifests', data.manifestsDir, '--xds-listen', `127.0.0.1:${xdsPort}`, '--admin-listen', `127.0.0.1:${adminPort}`, '--log-level', 'warn',
    ]);
    await waitForHttpOk(`http://127.0.0.1:${adminPort}/readyz`, controlPlane, READY_TIMEOUT_MS);

    const meshlet = await startMeshletDns(`127.0.0.1:${xdsPort}`, upstreamAddress, cluster);
    procs.push(meshlet.proc);
    const started: Array<Omit<Target, 'wrongAnswers'>> = [{ name: 'meshlet dns', address: meshlet.address, proc: meshlet.proc, readyMs: meshlet.readyMs }];
    const localData = clusterLocalData(data);
    for (const threads of o.unboundThreads) {
      const name = `unbound ${threads}t`;
      const peer = startUnbound({
        label: name, dir, listen: { host: PEER_HOST, port: await freeDnsPort(PEER_HOST) }, threads, zone: CLUSTER_DOMAIN, localData, forwardTo: upstreamAddress, control: false,
      });
      procs.push(peer.proc);
      started.push({ name, address: peer.address, proc: peer.proc, readyMs: await waitUntilAnswered(peer.address, cluster, peer.proc, READY_TIMEOUT_MS) });
    }
    const targets: Target[] = [];
    for (const t of started) {
      const wrongAnswers = await checkSample(t.address, sets, SAMPLE_PER_SET);
      log(`  ${t.name} (pid ${t.proc.pid}, ${t.address.host}:${t.address.port}) ready in ${(t.readyMs / 1000).toFixed(1)} s; ` +
        `sample check: ${wrongAnswers.length === 0 ? 'every answer as expected' : `${wrongAnswers.length} WRONG`}`);
      for (const w of wrongAnswers.slice(0, 10)) log(`    WRONG ${w}`);
      targets.push({ ...t, wrongAnswers });
    }
    return { data, sets, targets, upstream, controlPlane, meshletArgs: meshlet.args, close };
  } catch (e) {
    await close();
    throw e;
  }
}
