// From runs to figures: the median over the clean rounds of each target and mode, and the goals as
// ratios of figures measured in this run. A run with problems (non-2xx answers, socket errors) is left out of
// the medians and counted as failed.
import { median } from '../control-plane/stats.js';
import type { MemoryResult } from './memory.js';
import type { Mode, Run } from './runs.js';
import type { Protocol, Target } from './topology.js';

export interface Summary {
  readonly target: string;
  readonly protocol: Protocol;
  readonly proxy: string | undefined;
  readonly mode: Mode;
  readonly connections: number;
  readonly cleanRuns: number;
  readonly failedRuns: number;
  readonly rps: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly cpuUsPerRequest: number | undefined;
  /** The proxy's VmRSS / VmHWM after its last run of this mode, MiB. */
  readonly rssMiB: number | undefined;
  readonly hwmMiB: number | undefined;
}

export function summarize(targets: readonly Target[], runs: readonly Run[]): Summary[] {
  const out: Summary[] = [];
  for (const mode of ['throughput', 'one connection'] as const) {
    for (const t of targets) {
      const all = runs.filter((r) => r.target === t.name && r.mode === mode);
      const clean = all.filter((r) => r.load.problems.length === 0);
      const med = (f: (r: Run) => number | undefined): number | undefined => {
        const values = clean.map(f).filter((v): v is number => v !== undefined);
        return values.length === 0 ? undefined : median(values);
      };
      const last = all[all.length - 1];
      out.push({
        target: t.name,
        protocol: t.protocol,
        proxy: t.proxy?.name,
        mode,
        connections: last?.connections ?? 0,
        cleanRuns: clean.length,
        failedRuns: all.length - clean.length,
        rps: med((r) => r.load.rps) ?? Number.NaN,
        p50Us: med((r) => r.load.p50Us) ?? Number.NaN,
        p99Us: med((r) => r.load.p99Us) ?? Number.NaN,
        cpuUsPerRequest: med((r) => r.proxyCpuUsPerRequest),
        rssMiB: last?.proxyMemory?.rssMiB,
        hwmMiB: last?.proxyMemory?.hwmMiB,
      });
    }
  }
  return out;
}

export type { Goal } from '../common/goals.js';
import type { Goal } from '../common/goals.js';

function find(s: readonly Summary[], target: string, mode: Mode): Summary | undefined {
  return s.find((x) => x.target === target && x.mode === mode);
}

const MB = 1e6 / (1024 * 1024); // 1 MB (10^6 bytes) in MiB

export function goals(s: readonly Summary[], memory: MemoryResult | undefined): Goal[] {
  const l7 = find(s, 'sidecar L7', 'throughput');
  const nginx = find(s, 'nginx http', 'throughput');
  const l4 = find(s, 'sidecar L4', 'throughput');
  const haproxy = find(s, 'haproxy tcp', 'throughput');
  const l7one = find(s, 'sidecar L7', 'one connection');
  const directOne = find(s, 'direct', 'one connection');
  const cpuRatio = l7?.cpuUsPerRequest !== undefined && nginx?.cpuUsPerRequest ? l7.cpuUsPerRequest / nginx.cpuUsPerRequest : undefined;
  const rpsRatio = l4 && haproxy && haproxy.rps > 0 ? l4.rps / haproxy.rps : undefined;
  const addedP50 = l7one && directOne ? l7one.p50Us - directOne.p50Us : undefined;
  const rssMB = memory ? memory.memory.rssMiB / MB : undefined;
  const ok = (v: number | undefined, good: (v: number) => boolean): boolean | undefined => (v === undefined || Number.isNaN(v) ? undefined : good(v));
  const us = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(1)} µs`);
  return [
    {
      name: 'L7 CPU per request ÷ nginx (HTTP proxy)',
      goal: '≤ 2.0',
      measured: `${cpuRatio?.toFixed(2) ?? 'n/a'} (${us(l7?.cpuUsPerRequest)} vs ${us(nginx?.cpuUsPerRequest)} per request)`,
      value: cpuRatio,
      met: ok(cpuRatio, (v) => v <= 2),
    },
    {
      name: 'L4 req/s ÷ haproxy (TCP mode)',
      goal: '≥ 0.90',
      measured: `${rpsRatio?.toFixed(2) ?? 'n/a'} (${l4?.rps.toFixed(0) ?? 'n/a'} vs ${haproxy?.rps.toFixed(0) ?? 'n/a'} req/s)`,
      value: rpsRatio,
      met: ok(rpsRatio, (v) => v >= 0.9),
    },
    {
      name: 'added p50 on one connection, L7 − direct',
      goal: '≤ 60 µs',
      measured: `${us(addedP50)} (${us(l7one?.p50Us)} vs ${us(directOne?.p50Us)})`,
      value: addedP50,
      met: ok(addedP50, (v) => v <= 60),
    },
    {
      name: `sidecar RSS holding ${memory?.services.toLocaleString('en-US') ?? 'n/a'} services`,
      goal: '≤ 80 MB',
      measured: memory
        ? `${rssMB?.toFixed(1)} MB = ${memory.memory.rssMiB.toFixed(1)} MiB VmRSS (peak ${memory.memory.hwmMiB.toFixed(1)} MiB; ${memory.clusters} clusters)`
        : 'not measured',
      value: rssMB,
      met: memory?.services === 1000 ? ok(rssMB, (v) => v <= 80) : undefined,
    },
  ];
}
