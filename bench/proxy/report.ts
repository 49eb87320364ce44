// Printing — the setup, one line per run as it completes, the two tables (throughput; one connection), the memory
// phase and the issue's goals beside what was measured — and the raw results as JSON in results/last.json.
// Nothing is asserted: benchmarks report, tests assert.
import { printGoals as printCommonGoals, writeResults as writeCommonResults } from '../common/goals.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryResult } from './memory.js';
import type { BenchOptions } from './options.js';
import type { Run } from './runs.js';
import type { Goal, Summary } from './summary.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const n = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const us = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v < 1000 ? `${v.toFixed(0)} µs` : `${(v / 1000).toFixed(2)} ms`;
const fixed = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function printHeader(o: BenchOptions, versions: Record<string, string>, cpus: number, idleNodeMiB: number): void {
  console.log(
    'meshlet sidecar (compiled dist/cli/main.js, --capture iptables, --access-log off, --log-level warn) against ' +
      'haproxy (mode tcp, nbthread 1) and nginx (proxy_pass, upstream keepalive 64, worker_processes 1), ' +
      'all in a client pod, in front of an nginx origin (`hello\\n`; HTTP/1.1 and h2c) in another pod on the same bridge.',
  );
  console.log(
    `Load: wrk -t1 (HTTP/1.1) and h2load -t1 -m1 (h2c) from the client pod; throughput runs with ${o.connections} ` +
      `connections, latency runs with 1; ${o.durationS} s each, ${o.rounds} rounds interleaved after a ${o.warmupS} s ` +
      'warm-up per target; medians over the rounds. Proxy CPU: utime+stime of its processes (/proc) ÷ requests completed.',
  );
  console.log(`${Object.entries(versions).map(([k, v]) => `${k}: ${v}`).join('; ')}; ${cpus} CPUs; idle node VmRSS ${idleNodeMiB.toFixed(0)} MiB.`);
}

export function printRun(r: Run): void {
  const cpu = r.proxyCpuUsPerRequest === undefined ? '' : `, proxy ${fixed(r.proxyCpuUsPerRequest)} µs CPU/req`;
  const bad = r.load.problems.length > 0 ? `   FAILED: ${r.load.problems.join('; ')}` : '';
  console.log(
    `  round ${r.round} ${r.target.padEnd(12)} ${r.mode.padEnd(14)} ${n(r.load.rps).padStart(7)} req/s, p50 ${us(r.load.p50Us)}, p99 ${us(r.load.p99Us)}${cpu}${bad}`,
  );
}

function directOf(s: Summary, all: readonly Summary[]): Summary | undefined {
  return all.find((d) => d.proxy === undefined && d.protocol === s.protocol && d.mode === s.mode);
}

export function printTables(summaries: readonly Summary[]): void {
  for (const mode of ['throughput', 'one connection'] as const) {
    const rows = summaries.filter((s) => s.mode === mode);
    console.log(`\n${mode === 'throughput' ? `throughput, ${rows[0]?.connections ?? '?'} connections` : 'latency, one connection'} (medians):`);
    console.log(`  ${'target'.padEnd(12)} ${'protocol'.padEnd(8)} ${'req/s'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'+p50'.padStart(9)} ${'CPU µs/req'.padStart(10)} ${'RSS MiB'.padStart(8)} ${'peak'.padStart(5)}  runs`);
    for (const s of rows) {
      const direct = directOf(s, summaries);
      const added = s.proxy === undefined || direct === undefined ? undefined : s.p50Us - direct.p50Us;
      const runs = s.failedRuns > 0 ? `${s.cleanRuns} ok, ${s.failedRuns} FAILED` : `${s.cleanRuns}`;
      console.log(
        `  ${s.target.padEnd(12)} ${s.protocol.padEnd(8)} ${n(s.rps).padStart(8)} ${us(s.p50Us).padStart(9)} ${us(s.p99Us).padStart(9)} ` +
          `${(added === undefined ? '—' : `${added >= 0 ? '+' : ''}${added.toFixed(0)} µs`).padStart(9)} ${fixed(s.cpuUsPerRequest).padStart(10)} ` +
          `${fixed(s.rssMiB, 0).padStart(8)} ${fixed(s.hwmMiB, 0).padStart(5)}  ${runs}`,
      );
    }
  }
  console.log('  (+p50: over the direct run of the same protocol; RSS/peak: VmRSS/VmHWM of the proxy\'s processes after its last run)');
}

export function printMemory(m: MemoryResult): void {
  console.log(
    `\nsidecar holding ${m.services.toLocaleString('en-US')} services (${m.clusters} clusters, ${m.listeners} listeners in /config_dump; ` +
      `ready ${(m.readyMs / 1000).toFixed(1)} s after start): VmRSS ${m.memory.rssMiB.toFixed(1)} MiB, VmHWM ${m.memory.hwmMiB.toFixed(1)} MiB ` +
      `(after serving /config_dump: ${m.afterDump.rssMiB.toFixed(1)} / ${m.afterDump.hwmMiB.toFixed(1)} MiB)`,
  );
}

export function printGoals(goals: readonly Goal[]): void {
  printCommonGoals('proxy', goals, 56);
}

/** Writes everything measured to bench/proxy/results/last.json (git-ignored); returns the path. */
export function writeResults(results: object): string {
  return writeCommonResults(HERE, results);
}
