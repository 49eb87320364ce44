// The measured passes: every query set against every server with the same dnsperf settings, plus a latency run
// (one query outstanding, cluster names), each server's CPU time read from /proc before and after, and the
// queries the upstream received meanwhile (forwards the server's cache did not absorb). Rounds are interleaved
// — set after set, server after server, the server order rotated each round — so that drift on a shared machine
// hits every server alike.
import { cpuMsOf, memoryOf, type Memory } from '../control-plane/proc.js';
import { runDnsperf, type PerfResult, type PerfSpec } from './dnsperf.js';
import type { BenchOptions } from './options.js';
import type { QuerySet, SetName } from './queries.js';
import type { Bench, Target } from './servers.js';

export type Mode = 'throughput' | 'one outstanding';

export interface Run {
  readonly target: string;
  readonly set: SetName;
  readonly mode: Mode;
  readonly round: number;
  readonly perf: PerfResult;
  /** The server's user + system CPU time during the run, ms (10 ms resolution). */
  readonly cpuMs: number;
  readonly cpuUsPerQuery: number;
  /** cpuMs ÷ run time: 1.0 is one core busy all the time. */
  readonly cpuCores: number;
  /** Queries the upstream received during the run. */
  readonly upstreamQueries: number;
  /** The server's VmRSS / VmHWM right after the run. */
  readonly memory: Memory;
}

function specOf(o: BenchOptions, mode: Mode): PerfSpec {
  return mode === 'throughput'
    ? { durationS: o.durationS, clients: o.clients, outstanding: o.outstanding }
    : { durationS: o.durationS, clients: 1, outstanding: 1 };
}

async function measure(bench: Bench, target: Target, set: QuerySet, mode: Mode, round: number, o: BenchOptions): Promise<Run> {
  const pid = target.proc.pid;
  const [cpuBefore, upstreamBefore] = [cpuMsOf(pid), bench.upstream.queries()];
  const perf = await runDnsperf(target.address, set, specOf(o, mode));
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  return {
    target: target.name,
    set: set.name,
    mode,
    round,
    perf,
    cpuMs,
    cpuUsPerQuery: perf.completed > 0 ? (cpuMs * 1000) / perf.completed : Number.NaN,
    cpuCores: cpuMs / (perf.runTimeS * 1000),
    upstreamQueries: bench.upstream.queries() - upstreamBefore,
    memory: memoryOf(pid),
  };
}

/** The passes of one round: [set, mode] in this order, each against every server. */
function passes(bench: Bench): Array<[QuerySet, Mode]> {
  const out: Array<[QuerySet, Mode]> = bench.sets.map((s) => [s, 'throughput']);
  const cluster = bench.sets.find((s) => s.name === 'cluster');
  if (cluster) out.push([cluster, 'one outstanding']);
  return out;
}

const rotated = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length] as T);

/** Unmeasured: every set against every server for warmupS (JIT; both caches filled with the forwarded names). */
export async function warmUp(bench: Bench, o: BenchOptions): Promise<void> {
  if (o.warmupS === 0) return;
  for (const set of bench.sets) {
    for (const t of bench.targets) await runDnsperf(t.address, set, { ...specOf(o, 'throughput'), durationS: o.warmupS });
  }
}

/** All rounds; `progress` gets every run as it completes. */
export async function measureAll(bench: Bench, o: BenchOptions, progress: (run: Run) => void): Promise<Run[]> {
  const runs: Run[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const [set, mode] of passes(bench)) {
      for (const target of rotated(bench.targets, round - 1)) {
        const run = await measure(bench, target, set, mode, round, o);
        progress(run);
        runs.push(run);
      }
    }
  }
  return runs;
}
