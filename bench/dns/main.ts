// bench/dns: dnsperf against `meshlet dns` and against unbound serving the same names as local data, in one run:
// qps, average latency and CPU per query for cluster names, misses, forwarded names and an ndots:5 search walk.
// See servers.ts for what runs where (loopback only), runs.ts for one round, summary.ts for the goals.
// Run: `npm run bench -- dns` (dnsperf and unbound installed).
import os from 'node:os';
import { sleep } from '../../test/support/world.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { installCleanup } from './procs.js';
import { printGoals, printHeader, printRatios, printRun, printTable, writeResults } from './report.js';
import { measureAll, warmUp } from './runs.js';
import { startBench } from './servers.js';
import { goals, ratios, summarize } from './summary.js';
import { missingPrerequisites, toolVersions } from './tools.js';

const MESHLET = 'meshlet dns';

/** The options, or why the bench cannot run here (with what to do about it). */
function prepare(): BenchOptions | string {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    return `${(err as Error).message}\n${USAGE}`;
  }
  const missing = missingPrerequisites();
  return missing.length === 0 ? options : `bench/dns cannot run here:\n${missing.map((m) => `  - ${m}`).join('\n')}`;
}

async function main(): Promise<number> {
  const options = prepare();
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  installCleanup();
  const started = performance.now();
  const versions = toolVersions();
  printHeader(options, versions, os.availableParallelism());
  const loadAtStart = os.loadavg();
  console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (anything else running on this machine skews every figure)\n`);
  const bench = await startBench(options, (line) => console.log(line));
  try {
    await sleep(1000);
    const peers = bench.targets.filter((t) => t.name !== MESHLET).map((t) => t.name);
    const sets = bench.sets.map((s) => `${s.name} ${s.queries.length}`).join(', ');
    console.log(`query files (queries per pass): ${sets}; meshlet ${bench.meshletArgs.join(' ')}`);
    await warmUp(bench, options);
    const runs = await measureAll(bench, options, printRun);
    const loadAfter = os.loadavg();
    console.log(`load average after the runs: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
    const summaries = summarize(bench.targets.map((t) => t.name), runs);
    printTable(options, summaries);
    const ratioList = ratios(summaries, MESHLET);
    printRatios(ratioList);
    const goalList = goals(summaries, MESHLET, peers[0] ?? 'unbound');
    printGoals(goalList);
    console.log(`  (headline peer: ${peers[0]}, one thread as meshlet dns is one event loop${peers.length > 1 ? `; ${peers.slice(1).join(', ')} in the ratios above` : ''})`);
    const meshletLog = bench.targets.find((t) => t.name === MESHLET)?.proc.stderr().trim() ?? '';
    if (meshletLog !== '') console.log(`\nmeshlet dns logged (at warn and above; last 2,000 characters):\n${meshletLog.slice(-2000)}`);
    const wrong = bench.targets.filter((t) => t.wrongAnswers.length > 0);
    for (const t of wrong) console.log(`\n${t.name} answered ${t.wrongAnswers.length} sampled queries wrong before the load, e.g. ${t.wrongAnswers.slice(0, 3).join('; ')}`);
    const failed = runs.filter((r) => r.perf.problems.length > 0).length;
    if (failed > 0) console.log(`\n${failed} of ${runs.length} runs FAILED (see the lines marked FAILED above); they are left out of the medians.`);
    const seconds = (performance.now() - started) / 1000;
    const file = writeResults({
      date: new Date().toISOString(), seconds, cpus: os.availableParallelism(), versions, loadAverage: { start: loadAtStart, afterRuns: loadAfter }, options,
      targets: bench.targets.map((t) => ({ name: t.name, address: t.address, readyMs: t.readyMs, wrongAnswers: t.wrongAnswers })),
      querySets: bench.sets.map((s) => ({ name: s.name, queries: s.queries.length })), summaries, ratios: ratioList, goals: goalList, runs,
    });
    console.log(`\nraw results: ${file}; total ${seconds.toFixed(0)} s`);
    return 0; // reported, not asserted: wrong answers and failed runs are printed above and in the JSON
  } finally {
    await bench.close();
  }
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`\nbench/dns failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
