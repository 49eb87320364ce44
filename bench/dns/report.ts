// Printing — the setup, one line per run as it completes, the table of medians, meshlet's ratios to each peer,
// the issue's goals beside what was measured — and the raw results as JSON in results/last.json (git-ignored).
// Nothing is asserted: benchmarks report, tests assert.
import { printGoals as printCommonGoals, writeResults as writeCommonResults } from '../common/goals.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOST_LIMIT } from './dnsperf.js';
import type { BenchOptions } from './options.js';
import type { Run } from './runs.js';
import type { Goal, Ratio, Summary } from './summary.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const n = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const fixed = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const latency = (us: number): string => (!Number.isFinite(us) ? 'n/a' : us < 1000 ? `${us.toFixed(0)} µs` : `${(us / 1000).toFixed(2)} ms`);
const percent = (share: number): string => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 3 : 2)}%`;

export function printHeader(o: BenchOptions, versions: Record<string, string>, cpus: number): void {
  console.log(
    'meshlet dns (compiled dist/cli/main.js, fed the NameTable over xDS by meshlet control-plane, --ttl 5) on 127.0.0.53 against ' +
      `unbound on 127.0.0.54 (${o.unboundThreads.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' and ')}; the same names as local-data in a static ` +
      'local-zone "cluster.local.", everything else forwarded, cache on, logs off, so-reuseport). Both forward to one upstream unbound on ' +
      '127.0.0.55 serving bench.test. as local data.',
  );
  console.log(
    `Data: ${o.services.toLocaleString('en-US')} Services (nine tenths ClusterIP, one tenth headless with 3 endpoints each). Load: dnsperf -T 1 ` +
      `-c ${o.clients} -q ${o.outstanding} -l ${o.durationS} -t 1 per run (latency runs, cluster names: -c 1 -q 1, for the average latency only), ${o.rounds} rounds interleaved after a ${o.warmupS} s ` +
      'warm-up per server and query set; medians over the clean rounds. CPU: utime+stime of the server process (/proc) ÷ queries completed.',
  );
  console.log(
    'Forwarded names are cached by both servers after the first query (TTL 3600 upstream): the figures for `forward` are the steady ' +
      'state of a cache in front of the upstream, and the `upstream q/s` column shows what reached the upstream.',
  );
  console.log(`${Object.entries(versions).map(([k, v]) => `${k}: ${v}`).join('; ')}; ${cpus} CPUs.`);
}

export function printRun(r: Run): void {
  const bad = r.perf.problems.length > 0 ? `   FAILED: ${r.perf.problems.join('; ')}` : '';
  console.log(
    `  round ${r.round} ${r.set.padEnd(11)} ${r.mode === 'throughput' ? '' : '(1 outstanding) '}${r.target.padEnd(11)} ` +
      `${(r.mode === 'throughput' ? n(r.perf.qps) : '(paced)').padStart(8)} qps, avg ${latency(r.perf.avgLatencyUs)}, ${fixed(r.cpuUsPerQuery)} µs CPU/query, ` +
      `${fixed(r.cpuCores, 2)} cores, lost ${r.perf.lost}, upstream ${r.upstreamQueries}${bad}`,
  );
}

export function printTable(o: BenchOptions, summaries: readonly Summary[]): void {
  console.log(`\nmedians (throughput: dnsperf -c ${o.clients} -q ${o.outstanding}; latency: -c 1 -q 1):`);
  console.log(
    `  ${'server'.padEnd(11)} ${'query set'.padEnd(27)} ${'qps'.padStart(8)} ${'avg lat'.padStart(9)} ${'CPU µs/q'.padStart(8)} ` +
      `${'cores'.padStart(5)} ${'upstr q/s'.padStart(9)} ${'lost'.padStart(7)} ${'resp B'.padStart(6)} ${'RSS MiB'.padStart(7)}  runs`,
  );
  for (const s of summaries) {
    const runs = s.failedRuns > 0 ? `${s.cleanRuns} ok, ${s.failedRuns} FAILED` : `${s.cleanRuns}`;
    const qps = s.mode === 'throughput' ? n(s.qps) : '(paced)';
    console.log(
      `  ${s.target.padEnd(11)} ${`${s.set}${s.mode === 'throughput' ? '' : ' (1 outstanding)'}`.padEnd(27)} ${qps.padStart(8)} ` +
        `${latency(s.avgLatencyUs).padStart(9)} ${fixed(s.cpuUsPerQuery).padStart(8)} ${fixed(s.cpuCores, 2).padStart(5)} ` +
        `${n(s.upstreamQps).padStart(9)} ${percent(s.worstLost).padStart(7)} ${n(s.responseBytes).padStart(6)} ${fixed(s.rssMiB, 0).padStart(7)}  ${runs}`,
    );
  }
  console.log(
    `  (cores: server CPU time ÷ run time, 1.00 = one core saturated; lost: the worst run, > ${percent(LOST_LIMIT)} fails a run; ` +
      'resp B: average response size; RSS: VmRSS after the last run; (paced): with one query outstanding dnsperf paces ' +
      'its own sending, so only the latency of that row is a figure of the server)',
  );
}

export function printRatios(ratios: readonly Ratio[]): void {
  console.log('\nmeshlet dns ÷ peer (medians; qps > 1 and CPU, latency < 1 favour meshlet):');
  for (const r of ratios) {
    if (r.mode !== 'throughput') {
      console.log(`  ${`${r.set} (1 outstanding)`.padEnd(27)} vs ${r.peer.padEnd(11)} ${' '.repeat(40)}avg latency ${fixed(r.latency, 2).padStart(5)}×`);
      continue;
    }
    console.log(
      `  ${r.set.padEnd(27)} vs ${r.peer.padEnd(11)} ` +
        `qps ${fixed(r.qps, 2).padStart(5)}×   CPU/query ${fixed(r.cpu, 2).padStart(5)}×   avg latency ${fixed(r.latency, 2).padStart(5)}×`,
    );
  }
}

export function printGoals(goals: readonly Goal[]): void {
  printCommonGoals('dns', goals, 52);
}

/** Writes everything measured to bench/dns/results/last.json (git-ignored); returns the path. */
export function writeResults(results: object): string {
  return writeCommonResults(HERE, results);
}
