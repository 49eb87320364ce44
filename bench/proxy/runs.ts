// The measured passes: every target under the same load — a throughput run (`connections` connections) and a
// latency run (one connection) — with the proxy's CPU time read from /proc before and after, repeated `rounds`
// times interleaved (target after target, round after round) so that drift on a noisy machine hits all alike.
import type { Memory } from '../control-plane/proc.js';
import { runH2load, runWrk, type LoadResult, type LoadSpec } from './load.js';
import type { BenchOptions } from './options.js';
import { treeCpuMs, treeMemory } from './proc-tree.js';
import type { Bench, Target } from './topology.js';

export type Mode = 'throughput' | 'one connection';

export interface Run {
  readonly target: string;
  readonly mode: Mode;
  readonly round: number;
  readonly connections: number;
  readonly load: LoadResult;
  /** CPU time of the proxy's processes during the run, ms (undefined: direct). */
  readonly proxyCpuMs: number | undefined;
  /** proxyCpuMs per completed request, µs. */
  readonly proxyCpuUsPerRequest: number | undefined;
  /** The proxy's VmRSS / VmHWM right after the run (summed over its processes). */
  readonly proxyMemory: Memory | undefined;
}

async function load(bench: Bench, target: Target, spec: LoadSpec): Promise<LoadResult> {
  return target.protocol === 'h2c' ? runH2load(bench.client, spec, bench.scratch) : runWrk(bench.client, spec);
}

export async function measure(bench: Bench, target: Target, mode: Mode, round: number, spec: LoadSpec): Promise<Run> {
  const pid = target.proxy?.process.pid;
  const before = pid === undefined ? 0 : treeCpuMs(pid);
  const result = await load(bench, target, spec);
  const cpuMs = pid === undefined ? undefined : treeCpuMs(pid) - before;
  return {
    target: target.name,
    mode,
    round,
    connections: spec.connections,
    load: result,
    proxyCpuMs: cpuMs,
    proxyCpuUsPerRequest: cpuMs === undefined || result.requests === 0 ? undefined : (cpuMs * 1000) / result.requests,
    proxyMemory: pid === undefined ? undefined : treeMemory(pid),
  };
}

/** Unmeasured: one throughput run per target (JIT warm-up, upstream pools filled). */
export async function warmUp(bench: Bench, o: BenchOptions): Promise<void> {
  if (o.warmupS === 0) return;
  for (const target of bench.targets) await load(bench, target, { url: target.url, connections: o.connections, durationS: o.warmupS });
}

/** All rounds; `progress` gets one line per run. */
export async function measureAll(bench: Bench, o: BenchOptions, progress: (run: Run) => void): Promise<Run[]> {
  const runs: Run[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const target of bench.targets) {
      for (const [mode, connections] of [['throughput', o.connections], ['one connection', 1]] as const) {
        const run = await measure(bench, target, mode, round, { url: target.url, connections, durationS: o.durationS });
        progress(run);
        runs.push(run);
      }
    }
  }
  return runs;
}
