// Priority load and panic, against the tables in Envoy's docs ("Priority levels", "Panic threshold"). A row
// gives each level's healthy percentage (of 100 hosts) and the traffic share Envoy documents for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computePriorityLoad, effectiveLocalityWeight, levelHealth } from '../../../../proxy/balancer/priority.js';

const levels = (...healthyPercent: number[]) => healthyPercent.map((healthy) => ({ total: 100, healthy }));

void test('priority: health = min(100, floor(1.4 × healthy%))', () => {
  const table: [number, number][] = [[100, 100], [80, 100], [72, 100], [71, 99], [50, 70], [25, 35], [0, 0]];
  for (const [healthy, health] of table) assert.equal(levelHealth({ total: 100, healthy }, 1.4), health, `${healthy}%`);
  assert.equal(levelHealth({ total: 0, healthy: 0 }, 1.4), 0, 'an empty level has no health');
});

void test('priority: Envoy "Priority levels" tables (P=1 and P=2 spill-over, normalisation below 100)', () => {
  const table: [number[], number[]][] = [
    // P=0 only degrades, P=1 fully healthy
    [[100, 100], [100, 0]],
    [[72, 100], [100, 0]],
    [[71, 100], [99, 1]],
    [[50, 100], [70, 30]],
    [[25, 100], [35, 65]],
    [[0, 100], [0, 100]],
    // both degrade
    [[72, 72], [100, 0]],
    [[71, 71], [99, 1]],
    [[50, 50], [70, 30]],
    [[25, 25], [50, 50]],
    // three levels
    [[100, 100, 100], [100, 0, 0]],
    [[72, 72, 100], [100, 0, 0]],
    [[71, 71, 100], [99, 1, 0]],
    [[50, 50, 100], [70, 30, 0]],
    [[25, 100, 100], [35, 65, 0]],
    [[25, 25, 100], [35, 35, 30]],
    [[25, 25, 20], [36, 36, 28]],
  ];
  for (const [healthy, want] of table) {
    assert.deepEqual(computePriorityLoad(levels(...healthy)).load, want, `healthy ${healthy.join('/')}`);
  }
  // "health scores of {20, 30} (normalized total health of 50) are normalized to priority loads of {40%, 60%}"
  const scores = computePriorityLoad([{ total: 7, healthy: 1 }, { total: 14, healthy: 3 }], 1.4, 0);
  assert.deepEqual([scores.normalizedTotalHealth, ...scores.load], [50, 40, 60]);
});

void test('priority: Envoy "Panic threshold" table (default threshold 50%)', () => {
  const table: { healthy: number[]; load: number[]; panic: boolean[]; total: number }[] = [
    { healthy: [72, 72], load: [100, 0], panic: [false, false], total: 100 },
    { healthy: [71, 71], load: [99, 1], panic: [false, false], total: 100 },
    { healthy: [25, 100], load: [35, 65], panic: [false, false], total: 100 },
    { healthy: [25, 25], load: [50, 50], panic: [true, true], total: 70 },
    { healthy: [5, 65], load: [7, 93], panic: [true, false], total: 98 },
  ];
  for (const row of table) {
    const got = computePriorityLoad(levels(...row.healthy));
    assert.deepEqual(
      { load: got.load, panic: got.panic, total: got.normalizedTotalHealth },
      { load: row.load, panic: row.panic, total: row.total },
      `healthy ${row.healthy.join('/')}`,
    );
  }
});

void test('priority: total panic (normalized health under the threshold) spreads load by host count', () => {
  const table: { levels: { total: number; healthy: number }[]; threshold: number; load: number[]; panic: boolean[] }[] = [
    { levels: [{ total: 4, healthy: 0 }], threshold: 50, load: [100], panic: [true] },
    { levels: [{ total: 4, healthy: 1 }], threshold: 50, load: [100], panic: [true] }, // health 35 < 50
    { levels: [{ total: 4, healthy: 0 }, { total: 2, healthy: 0 }], threshold: 50, load: [67, 33], panic: [true, true] },
    { levels: [{ total: 10, healthy: 1 }, { total: 10, healthy: 2 }], threshold: 50, load: [50, 50], panic: [true, true] },
    // threshold 0 disables panic: nothing healthy → no load anywhere
    { levels: [{ total: 4, healthy: 0 }], threshold: 0, load: [0], panic: [false] },
    { levels: [{ total: 4, healthy: 1 }], threshold: 0, load: [100], panic: [false] },
  ];
  for (const row of table) {
    const got = computePriorityLoad(row.levels, 1.4, row.threshold);
    assert.deepEqual({ load: got.load, panic: got.panic }, { load: row.load, panic: row.panic }, JSON.stringify(row.levels));
  }
});

void test('locality: effective weight = weight × min(1, 1.4 × healthy / total)', () => {
  const table: [number, number, number, number][] = [
    // weight, healthy, total, effective
    [10, 4, 4, 10],
    [10, 3, 4, 10],
    [10, 2, 4, 7],
    [10, 0, 4, 0],
    [0, 4, 4, 0],
    [3, 1, 0, 0],
  ];
  for (const [weight, healthy, total, want] of table) {
    assert.ok(Math.abs(effectiveLocalityWeight(weight, healthy, total) - want) < 1e-9, `${weight} ${healthy}/${total}`);
  }
});
