// Printing: the figures of one scale, and the goals of issue 2 beside what was measured. Nothing is asserted
// (benchmarks report; tests assert) and every figure printed is one measured in this run.
import type { BuildTime } from './build.js';
import type { BenchOptions } from './options.js';
import type { ScaleResult } from './scale.js';
import { bytes, median, mib, ms, percentile, ratio, summarize } from './stats.js';
import { total } from './metrics.js';

const n = (v: number): string => v.toLocaleString('en-US');

function parts(t: BuildTime): string {
  return `model ${ms(t.model)} + translate ${ms(t.translate)} + check ${ms(t.check)}`;
}

function medianBuild(times: readonly BuildTime[]): BuildTime {
  return {
    model: median(times.map((t) => t.model)),
    translate: median(times.map((t) => t.translate)),
    check: median(times.map((t) => t.check)),
    total: median(times.map((t) => t.total)),
  };
}

function perType(m: ReadonlyMap<string, number>, k: number, fmt: (v: number) => string): string {
  if (m.size === 0) return 'none';
  return [...m].map(([type, v]) => `${type || '?'} ${fmt(v / k)}`).join(', ');
}

export function printHeader(o: BenchOptions, cpus: number): void {
  console.log(
    `meshlet control plane under ${n(o.clients)} simulated sidecars: ${o.mode} ADS, node metadata ROLE=sidecar, ` +
      `${o.mode === 'delta' ? 'wildcard CDS/EDS/LDS/RDS/NDS' : 'wildcard CDS/LDS/NDS, EDS and RDS by name (as Envoy)'}, ` +
      `every response ACKed; ${o.connections} HTTP/2 connections shared by the clients, in the bench process.`,
  );
  console.log(
    `Control plane: the real \`meshlet control-plane\` as a child process (the compiled dist/cli/main.js, as deployed), --debounce-ms ${o.debounceMs}. ` +
      `Peer: the transport floor (floor-server.ts, a child process): a bare @grpc/grpc-js ADS server that writes one ` +
      `pre-encoded response holding the same ClusterLoadAssignment bytes to every stream; no model, translation or diff.`,
  );
  console.log(
    `${o.changes} endpoint changes per scale, ${o.spacingMs} ms apart, alternating control plane / floor; a change ` +
      `rewrites one namespace's endpointslices.yaml (100 slices): staged as a dot-file beside it, then renamed over it ` +
      `(the clock starts at the rename).`,
  );
  console.log(
    `Node ${process.version}, ${cpus} CPUs; phase timeout ${o.phaseTimeoutMs / 1000} s, initial sync ${o.syncTimeoutMs / 1000} s.`,
  );
}

export function printBaseline(b: { node: number; tsx: number }): void {
  console.log(
    `RSS of an idle node: ${mib(b.node)} MiB (the floor under every process's RSS below; ` +
      `with --import tsx, as the bench process itself runs: ${mib(b.tsx)} MiB).`,
  );
}

export function printScale(o: BenchOptions, r: ScaleResult): void {
  const b = r.build;
  const k = r.build.changes.length;
  console.log(`\n== M = ${n(r.services)} services × N = ${n(o.clients)} clients (${r.files} files, ${bytes(r.yamlBytes)} of YAML) ==`);
  console.log('snapshot build, in-process on the same files (model + sidecar translation + consistency check):');
  const res = b.resources.map((x) => `${n(x.count)} ${x.type}`).join(', ');
  const resBytes = b.resources.reduce((a, x) => a + x.bytes, 0);
  console.log(`  resources of the sidecar set: ${res} (${bytes(resBytes)} encoded)`);
  console.log(`  initial load (scan + parse + decode all files)   ${ms(b.loadMs)} ms`);
  console.log(`  cold build (first)                               ${ms(b.cold.total)} ms   (${parts(b.cold)})`);
  const warm = medianBuild(b.warm);
  console.log(`  warm build (one endpoint change), median of ${k}   ${ms(warm.total)} ms   (${parts(warm)}; first ${ms(b.warm[0]?.total ?? NaN)} ms)`);
  console.log(`  store update for the rewritten file, median      ${ms(median(b.reparseMs))} ms`);
  console.log('time to first config (control plane child started → all clients ACKed a first response of every type):');
  console.log(
    `  ${ms(r.firstConfigMs)} ms   (/readyz answered after ${ms(r.readyMs)} ms, then ${ms(r.firstConfigMs - r.readyMs)} ms to sync ${n(o.clients)} clients; ` +
      `${bytes(r.initialPushedBytes)} pushed, ${bytes(r.initialReceivedBytes)} received; floor: ${ms(r.floorSyncMs)} ms to sync)`,
  );
  const at = [...r.syncedAt].sort((a, b) => a - b);
  console.log(
    `  per client (spawn → synced): first ${ms(at[0] ?? NaN)} ms, median ${ms(percentile(at, 50))} ms, last ${ms(at[at.length - 1] ?? NaN)} ms; ` +
      `CPU time during the sync: control plane ${ms(r.syncCpu.cp)} ms, bench process (the clients) ${ms(r.syncCpu.bench)} ms`,
  );

  const ours = summarize(r.ours);
  const floor = summarize(r.floor);
  console.log(
    `endpoint change → ACK, per client and change (${n(ours.count)} samples each; file rename / IPC trigger → the client's ACK; ` +
      `control plane includes --debounce-ms ${o.debounceMs}):`,
  );
  console.log('                      p50        p99        max   slowest client per change (median)');
  const row = (name: string, s: typeof ours, all: readonly number[]): string =>
    `  ${name.padEnd(14)} ${ms(s.p50).padStart(7)} ms ${ms(s.p99).padStart(7)} ms ${ms(s.max).padStart(7)} ms   ${ms(median(all))} ms`;
  console.log(row('control plane', ours, r.oursAll));
  console.log(row('floor', floor, r.floorAll));
  console.log(`  ${'ratio'.padEnd(14)} ${ratio(ours.p50, floor.p50).padStart(10)} ${ratio(ours.p99, floor.p99).padStart(10)} ${ratio(ours.max, floor.max).padStart(10)}   ${ratio(median(r.oursAll), median(r.floorAll))}`);
  if (r.strays > 0 || r.mismatches > 0) {
    console.log(`  note: ${r.strays} EDS responses after a change did not carry it; ${r.mismatches} carried another hash than computed in-process`);
  } else if (o.mode === 'delta') {
    console.log('  every client received the changed assignment at the hash computed in-process (same bytes as the floor\'s)');
  }

  const pushed = total(r.pushedBytes);
  console.log('bytes pushed per change:');
  console.log(
    `  control plane /metrics meshlet_xds_pushed_bytes: ${bytes(pushed / k)} (${perType(r.pushedBytes, k, bytes)}); ` +
      `meshlet_xds_pushes: ${perType(r.pushes, k, (v) => v.toFixed(0))}`,
  );
  console.log(
    `  received by the clients: ${bytes(r.oursReceivedBytes / k)} (${bytes(r.oursReceivedBytes / k / o.clients)} per client); ` +
      `floor: ${bytes(r.floorReceivedBytes / k)} (${bytes(r.floorReceivedBytes / k / o.clients)} per client)`,
  );
  console.log(
    `CPU time per change: control plane ${ms(r.cpuMs / k)} ms (/proc/<pid>/stat utime+stime, rename → last ACK); ` +
      `bench process ${ms(r.benchCpuMs / k)} ms (both groups of clients, whole change phase)`,
  );
  const m = r.memory;
  console.log(
    `control-plane memory (VmRSS / VmHWM, MiB): ready ${mib(m.ready.rssMiB)} / ${mib(m.ready.hwmMiB)}, ` +
      `after initial sync ${mib(m.synced.rssMiB)} / ${mib(m.synced.hwmMiB)}, end ${mib(m.end.rssMiB)} / ${mib(m.end.hwmMiB)}` +
      `   (bench process with ${n(o.clients * 2)} clients: ${mib(r.benchRssMiB)} MiB now, peak ${mib(r.benchPeakMiB)} MiB)`,
  );
}

/** The goals of issue 2 beside what was measured (only where this run measured the goal's case). */
export function printGoals(o: BenchOptions, results: readonly ScaleResult[]): void {
  console.log('\ngoals (issue 2, this 2-core machine) — reported, not asserted:');
  const at = (m: number): ScaleResult | undefined => (o.clients === 1000 ? results.find((r) => r.services === m) : undefined);
  const small = at(1000);
  const big = at(10_000);
  const build10k = results.find((r) => r.services === 10_000);
  const line = (goal: string, measured: string): void => console.log(`  ${goal.padEnd(58)} ${measured}`);
  line('change ACKed by all, p99 ≤ 500 ms (1,000 clients × 1,000 svc)', small ? `measured p99 ${ms(summarize(small.ours).p99)} ms` : 'not measured in this run');
  line('build of 10,000 services ≤ 1 s', build10k ? `measured cold ${ms(build10k.build.cold.total)} ms, warm ${ms(medianBuild(build10k.build.warm).total)} ms` : 'not measured in this run');
  line('control-plane RSS ≤ 512 MB (1,000 clients × 10,000 svc)', big ? `measured VmHWM ${mib(big.memory.end.hwmMiB)} MiB, VmRSS at end ${mib(big.memory.end.rssMiB)} MiB` : 'not measured in this run');
}
