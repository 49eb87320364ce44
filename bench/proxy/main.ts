// bench/proxy: the meshlet sidecar at L7 and L4 against direct, haproxy (TCP mode) and nginx (HTTP reverse
// proxy), in one run: req/s, p50/p99, proxy CPU per request, RSS; then the sidecar's RSS holding 1,000 services.
// See topology.ts for the world it builds, runs.ts for what one round does, summary.ts for the goals.
// Run: `npm run bench -- proxy` (root; wrk, h2load, haproxy, nginx installed).
import os from 'node:os';
import { sleep } from '../../test/support/world.js';
import { killAll, loaderBaseline } from '../control-plane/children.js';
import { memoryOf, type Memory } from '../control-plane/proc.js';
import { measureSidecarMemory, type MemoryResult } from './memory.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { printGoals, printHeader, printMemory, printRun, printTables, writeResults } from './report.js';
import { measureAll, warmUp, type Run } from './runs.js';
import { goals, summarize } from './summary.js';
import { missingPrerequisites, toolVersions } from './tools.js';
import { startBench, type Target } from './topology.js';

/**
 * Every exit path: on exit the worlds (test/support/world.ts) kill their process groups by PID and delete their
 * namespaces, and killAll (bench/control-plane) removes the temporary directories registered with removeOnExit.
 */
function installCleanup(): void {
  process.once('exit', killAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`\nbench/proxy: ${signal}, stopping its processes and deleting its namespaces`);
      process.exit(code);
    });
  }
}

interface LoadPhase {
  readonly targets: Target[];
  readonly runs: Run[];
  /** The sidecar of the load phase (3 services), settled after start, before any load. */
  readonly sidecarAtReady: Memory;
}

async function loadPhase(o: BenchOptions): Promise<LoadPhase> {
  const bench = await startBench();
  try {
    await sleep(2000);
    const sidecarAtReady = memoryOf(bench.sidecar.pid);
    const pods = ['client', 'origin'].map((p) => `${p} ${bench.world.pod(p).netns.name}`).join(', ');
    console.log(
      `\nworld ${bench.world.node.netns.name}, pods ${pods}; sidecar pid ${bench.sidecar.pid}, ` +
        `VmRSS ${sidecarAtReady.rssMiB.toFixed(0)} MiB before any load (${bench.targets.length} targets answer 200)`,
    );
    const started = performance.now();
    await warmUp(bench, o);
    const runs = await measureAll(bench, o, printRun);
    console.log(`  (load phase done in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    return { targets: [...bench.targets], runs, sidecarAtReady };
  } finally {
    await bench.world.close();
  }
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    console.error(`bench/proxy cannot run here:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
    return 2;
  }
  installCleanup();
  const started = performance.now();
  const versions = toolVersions();
  const idle = await loaderBaseline();
  printHeader(options, versions, os.availableParallelism(), idle.node);
  const loadAtStart = os.loadavg();
  console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (anything else running on this machine skews every figure)`);
  const { targets, runs, sidecarAtReady } = await loadPhase(options);
  const loadAfter = os.loadavg();
  console.log(`load average after the load phase: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const summaries = summarize(targets, runs);
  printTables(summaries);
  let memory: MemoryResult | undefined;
  let status = 0;
  try {
    memory = await measureSidecarMemory(options.services);
    printMemory(memory);
  } catch (err) {
    console.error(`\nmemory phase failed: ${(err as Error).message}`);
    status = 1;
  }
  const goalList = goals(summaries, memory);
  printGoals(goalList);
  const failed = runs.filter((r) => r.load.problems.length > 0).length;
  if (failed > 0) console.log(`\n${failed} of ${runs.length} runs FAILED (see the lines marked FAILED above); they are left out of the medians.`);
  const seconds = (performance.now() - started) / 1000;
  const file = writeResults({
    date: new Date().toISOString(), seconds, cpus: os.availableParallelism(), versions, idleNodeRssMiB: idle.node, loadAverage: { start: loadAtStart, afterLoadPhase: loadAfter }, sidecarAtReady, options, summaries, goals: goalList, memory, runs,
  });
  console.log(`\nraw results: ${file}; total ${seconds.toFixed(0)} s`);
  return status;
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`\nbench/proxy failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
