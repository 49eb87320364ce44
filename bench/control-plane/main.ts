// bench/control-plane: N simulated sidecars against the real `meshlet control-plane` over M services, with the
// transport floor measured in the same run as the peer. See options.ts for flags, scale.ts for what one scale
// does, report.ts for what is printed. Run: `npm run bench -- control-plane`.
import os from 'node:os';
import { installCleanup, killAll, loaderBaseline } from './children.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { printBaseline, printGoals, printHeader, printScale } from './report.js';
import { runScale, type ScaleResult } from './scale.js';

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  installCleanup();
  printHeader(options, os.availableParallelism());
  printBaseline(await loaderBaseline());
  const results: ScaleResult[] = [];
  for (const services of options.services) {
    const started = performance.now();
    const result = await runScale(options, services, (line) => console.log(line));
    printScale(options, result);
    console.log(`  (scale done in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    results.push(result);
  }
  printGoals(options, results);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nbench/control-plane failed: ${err instanceof Error ? err.message : String(err)}`);
    killAll();
    process.exit(1);
  },
);
