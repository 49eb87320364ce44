// From runs to figures: the median over the clean rounds of each server, query set and mode; meshlet's ratios to
// each unbound peer; and the goals beside what was measured. A run with problems (lost queries, wrong
// rcodes) is left out of the medians and counted as failed.
import { median } from '../control-plane/stats.js';
import type { Goal } from '../common/goals.js';
import type { SetName } from './queries.js';
import type { Mode, Run } from './runs.js';

export type { Goal };

export interface Summary {
  readonly target: string;
  readonly set: SetName;
  readonly mode: Mode;
  readonly cleanRuns: number;
  readonly failedRuns: number;
  readonly qps: number;
  readonly avgLatencyUs: number;
  readonly cpuUsPerQuery: number;
  readonly cpuCores: number;
  /** Queries the upstream received per second of the run. */
  readonly upstreamQps: number;
  /** The largest share of queries lost in any run, clean or not. */
  readonly worstLost: number;
  readonly responseBytes: number;
  /** VmRSS / VmHWM after the last run, MiB. */
  readonly rssMiB: number;
  readonly hwmMiB: number;
}

export function summarize(targets: readonly string[], runs: readonly Run[]): Summary[] {
  const out: Summary[] = [];
  const keys = [...new Map(runs.map((r) => [`${r.set}|${r.mode}`, r] as const)).values()];
  for (const { set, mode } of keys) {
    for (const target of targets) {
      const all = runs.filter((r) => r.target === target && r.set === set && r.mode === mode);
      const clean = all.filter((r) => r.perf.problems.length === 0);
      const med = (f: (r: Run) => number): number => (clean.length === 0 ? Number.NaN : median(clean.map(f)));
      const last = all[all.length - 1];
      out.push({
        target,
        set,
        mode,
        cleanRuns: clean.length,
        failedRuns: all.length - clean.length,
        qps: med((r) => r.perf.qps),
        avgLatencyUs: med((r) => r.perf.avgLatencyUs),
        cpuUsPerQuery: med((r) => r.cpuUsPerQuery),
        cpuCores: med((r) => r.cpuCores),
        upstreamQps: med((r) => r.upstreamQueries / r.perf.runTimeS),
        worstLost: Math.max(0, ...all.map((r) => (r.perf.sent > 0 ? r.perf.lost / r.perf.sent : 0))),
        responseBytes: med((r) => r.perf.responseBytes),
        rssMiB: last?.memory.rssMiB ?? Number.NaN,
        hwmMiB: last?.memory.hwmMiB ?? Number.NaN,
      });
    }
  }
  return out;
}

export interface Ratio {
  readonly set: SetName;
  readonly mode: Mode;
  readonly peer: string;
  /** meshlet qps ÷ peer qps. */
  readonly qps: number;
  /** meshlet CPU per query ÷ peer CPU per query. */
  readonly cpu: number;
  /** meshlet average latency ÷ peer average latency. */
  readonly latency: number;
}

export function ratios(s: readonly Summary[], meshlet: string): Ratio[] {
  const out: Ratio[] = [];
  for (const ours of s.filter((x) => x.target === meshlet)) {
    for (const peer of s.filter((x) => x.target !== meshlet && x.set === ours.set && x.mode === ours.mode)) {
      out.push({
        set: ours.set,
        mode: ours.mode,
        peer: peer.target,
        qps: ours.qps / peer.qps,
        cpu: ours.cpuUsPerQuery / peer.cpuUsPerQuery,
        latency: ours.avgLatencyUs / peer.avgLatencyUs,
      });
    }
  }
  return out;
}

const find = (s: readonly Summary[], target: string): Summary | undefined =>
  s.find((x) => x.target === target && x.set === 'cluster' && x.mode === 'throughput');

/** The goals: cluster-name qps against the headline peer (≥ 1.0×) and absolute (≥ 40,000). */
export function goals(s: readonly Summary[], meshlet: string, headlinePeer: string): Goal[] {
  const ours = find(s, meshlet);
  const peer = find(s, headlinePeer);
  const ratio = ours && peer ? ours.qps / peer.qps : undefined;
  const known = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const qps = (v: number | undefined): string => (known(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
  // Queries one core of CPU time serves (1 ÷ CPU per query): the ratio of those depends less on whether the load
  // generator, sharing this machine's cores, kept each server busy.
  const perCore = (x: Summary | undefined): number | undefined => (x ? 1e6 / x.cpuUsPerQuery : undefined);
  const [oursPerCore, peerPerCore] = [perCore(ours), perCore(peer)];
  const perCoreRatio = known(oursPerCore) && known(peerPerCore) ? (oursPerCore / peerPerCore).toFixed(2) : 'n/a';
  return [
    {
      name: `cluster-name qps, meshlet dns ÷ ${headlinePeer}`,
      goal: '≥ 1.0',
      measured:
        `${known(ratio) ? ratio.toFixed(2) : 'n/a'} (${qps(ours?.qps)} vs ${qps(peer?.qps)} qps; ` +
        `per core of CPU time ${perCoreRatio}: ${qps(oursPerCore)} vs ${qps(peerPerCore)} q/s)`,
      value: ratio,
      met: known(ratio) ? ratio >= 1 : undefined,
    },
    {
      name: 'cluster-name qps, meshlet dns',
      goal: '≥ 40,000',
      measured: `${qps(ours?.qps)} qps (CoreDNS publishes about 17,000 per vCPU)`,
      value: ours?.qps,
      met: known(ours?.qps) ? ours.qps >= 40_000 : undefined,
    },
  ];
}
