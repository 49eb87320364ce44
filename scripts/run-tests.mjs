#!/usr/bin/env node
// Runs every test file with node:test through tsx. Node 20 does not expand globs in `--test`, so the files are
// listed here. Usage: npm test [-- unit|component|e2e ...] (default: all three suites).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SUITES = ['unit', 'component', 'e2e'];
const chosen = process.argv.slice(2);
for (const s of chosen) {
  if (!SUITES.includes(s)) {
    console.error(`unknown test suite "${s}": expected one of ${SUITES.join(', ')}`);
    process.exit(2);
  }
}

function testFiles(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(testFiles(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = (chosen.length ? chosen : SUITES).flatMap((s) => testFiles(path.join('test', s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
