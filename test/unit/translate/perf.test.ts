// Translation time for the benchmark mesh: 10,000 services, 1 port, 2 endpoints each. DESIGN.md keeps
// timing assertions out of tests; this one reports the figures as diagnostics and guards only against a
// complexity regression (a generous 3 s, against the goal of ≤ 1 s per group on this 2-core machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConsistency, translate } from '../../../control-plane/translate/index.js';
import type { NodeRole } from '../../../control-plane/translate/types.js';
import type { ResourceSet } from '../../../xds/resource.js';
import { endpoint, manyServices, snapshot, withEndpoints } from './fixtures.js';

const N = 10_000;
const ROUNDS = 3;

function time<T>(run: () => T): [number, T] {
  const start = performance.now();
  const result = run();
  return [performance.now() - start, result];
}

function count(set: ResourceSet): number {
  let n = 0;
  for (const m of set.values()) n += m.size;
  return n;
}

function newObjects(before: ResourceSet, after: ResourceSet): number {
  let n = 0;
  for (const [type, m] of after) for (const [name, r] of m) if (before.get(type)?.get(name) !== r) n++;
  return n;
}

void test(`translate ${N.toLocaleString('en')} services: fresh, one endpoint changed, consistency`, (t) => {
  const rows = new Map<string, number[][]>();
  for (let round = 0; round < ROUNDS; round++) {
    const mesh = manyServices(N, 'http', `r${round}-`); // new objects: every memo starts empty
    for (const role of ['sidecar', 'proxyless', 'gateway', 'dns'] as NodeRole[]) {
      const group = { role, namespace: 'ns000' };
      const [fresh, set] = time(() => translate(mesh, group));
      const services = mesh.services.slice();
      services[N / 2] = withEndpoints(services[N / 2]!, 0, [endpoint('10.250.0.1', 8080)]);
      const [changed, next] = time(() => translate(snapshot(services, 2), group));
      const [check, problems] = time(() => checkConsistency(set));
      const [recheck] = time(() => checkConsistency(next));
      assert.deepEqual(problems, []);
      assert.equal(newObjects(set, next), role === 'dns' ? 0 : 1, 'only the changed assignment is new');
      const row = [fresh, changed, check, recheck, count(set)];
      rows.set(role, [...(rows.get(role) ?? []), row]);
    }
  }
  for (const [role, runs] of rows) {
    const best = (i: number): string => Math.min(...runs.map((r) => r[i]!)).toFixed(0);
    const first = runs[0]!;
    t.diagnostic(
      `${role}: ${first[4]} resources; fresh ${first[0]!.toFixed(0)} ms first / ${best(0)} ms best; ` +
        `one endpoint changed ${best(1)} ms; consistency ${best(2)} ms fresh, ${best(3)} ms after the change`,
    );
    assert.ok(Math.min(...runs.map((r) => r[0]!)) < 3000, `${role} fresh translation took over 3 s`);
  }
});
