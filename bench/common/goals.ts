// What every benchmark ends with: the issue's goals as measured ratios (reported, never asserted), and the raw
// results as JSON beside the benchmark (results/ is git-ignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Goal {
  readonly name: string;
  /** The issue's bound, as text (`≤ 2.0`). */
  readonly goal: string;
  /** What was measured, as text, with the figures it was computed from. */
  readonly measured: string;
  readonly value: number | undefined;
  /** undefined: not measured in this run. */
  readonly met: boolean | undefined;
}

export function printGoals(benchmark: string, goals: readonly Goal[], width = 56): void {
  console.log(`\ngoals (issue: bench/${benchmark}) — reported, not asserted:`);
  for (const g of goals) {
    const verdict = g.met === undefined ? 'not measured' : g.met ? 'met' : 'NOT met';
    console.log(`  ${`${g.name} ${g.goal}`.padEnd(width)} ${verdict.padEnd(12)} ${g.measured}`);
  }
}

/** Writes `results` to `<benchDir>/results/last.json`; returns the path. */
export function writeResults(benchDir: string, results: object): string {
  const file = path.join(benchDir, 'results', 'last.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
