#!/usr/bin/env node
// Runs the benchmarks in bench/ (each prints its own figures and the peer's from the same run).
// Usage: npm run bench [-- control-plane ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const all = readdirSync('bench').filter((d) => existsSync(path.join('bench', d, 'main.ts'))).sort();
const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}": expected one of ${all.join(', ')}`);
    process.exit(2);
  }
}
let status = 0;
for (const name of chosen.length ? chosen : all) {
  console.log(`\n### bench/${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join('bench', name, 'main.ts')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
