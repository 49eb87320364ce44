// bench/gateway: the meshlet ingress gateway against nginx serving the same routes (host bench.example.com, /web
// and /api, TLS with the same certificate), in one run: req/s, p50/p99 and proxy CPU per request over HTTP and
// HTTPS keep-alive, and new TLS connections per second. See topology.ts for the world, runs.ts for the runs.
// Run: `npm run bench -- gateway` (root; wrk, nginx, openssl installed). Options as bench/proxy's (BENCH_*).
import os from 'node:os';
import { killAll } from '../control-plane/children.js';
import { parseOptions, USAGE, type BenchOptions } from '../proxy/options.js';
import { printHeader, printRun, report, summarize, writeGatewayResults } from './report.js';
import { measureAll } from './runs.js';
import { missingPrerequisites, toolVersions } from './tools.js';
import { startGatewayBench } from './topology.js';

function options(): BenchOptions | string {
  try {
    const o = parseOptions(process.argv.slice(2), process.env);
    const missing = missingPrerequisites();
    return missing.length === 0 ? o : `bench/gateway cannot run here:\n${missing.map((m) => `  - ${m}`).join('\n')}`;
  } catch (err) {
    return `${(err as Error).message}\n${USAGE.replace('bench/proxy', 'bench/gateway')} (--services is not used here)`;
  }
}

async function main(): Promise<number> {
  const o = options();
  if (typeof o === 'string') {
    console.error(o);
    return 2;
  }
  // Every exit path: the world (test/support/world.ts) turns SIGINT/SIGTERM into process.exit, and on exit kills its
  // process groups by PID and deletes its namespaces; killAll removes the temporary directories (removeOnExit).
  process.once('exit', killAll);
  const started = performance.now();
  const versions = toolVersions();
  printHeader(o, versions, os.availableParallelism());
  const bench = await startGatewayBench();
  const procs = bench.targets.map((t) => `${t.name} pid ${t.proxy?.process.pid}`).join(', ');
  console.log(`\nworld ${bench.world.node.netns.name}, client pod ${bench.pod.netns.name}; ${procs}; every route answers 200 on both`);
  const runs = await measureAll(bench, o, printRun).finally(() => bench.world.close());
  const summaries = summarize(bench.targets.map((t) => t.name), runs);
  const goals = report(summaries);
  const failed = runs.filter((r) => r.load.problems.length > 0).length;
  if (failed > 0) console.log(`\n${failed} of ${runs.length} runs FAILED (see the lines marked FAILED above); they are left out of the medians.`);
  const seconds = (performance.now() - started) / 1000;
  const { services: _unused, ...used } = o;
  const file = writeGatewayResults({ date: new Date().toISOString(), seconds, cpus: os.availableParallelism(), versions, loadAverageAtEnd: os.loadavg(), options: used, summaries, goals, runs });
  console.log(`\nraw results: ${file}; total ${seconds.toFixed(0)} s`);
  return 0;
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`\nbench/gateway failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
