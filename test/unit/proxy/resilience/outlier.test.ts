// Outlier detection on a fake clock: the consecutive detectors, ejection times that grow and shrink, the
// interval sweep, max_ejection_percent, host-set changes and change notification.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutlierDetector, outlierResultOf, realClock } from '../../../../proxy/resilience/outlier.js';
import type { OutlierResult } from '../../../../proxy/resilience/outlier.js';
import type { AttemptOutcome } from '../../../../proxy/resilience/retry.js';
import type { OutlierDetection } from '../../../../proxy/xds/types.js';
import { FakeClock, outlierConfig } from './fixtures.js';

const RESULTS: Record<string, OutlierResult> = { s: 'success', '5': 'http-5xx', g: 'gateway-error', l: 'local-origin-failure' };

function detector(config: Partial<OutlierDetection>, hosts = ['a', 'b', 'c', 'd']) {
  const clock = new FakeClock();
  const changes: string[] = [];
  const od = new OutlierDetector(outlierConfig(config), { clock, onChange: (ejected) => changes.push([...ejected].sort().join(',')) });
  od.setHosts(hosts);
  /** Feeds results written as `5 5 g l s` (5xx, gateway error, local-origin failure, success). */
  const feed = (host: string, results: string) => {
    for (const r of results.split(' ')) od.recordResult(host, RESULTS[r]!);
  };
  return { od, clock, changes, feed };
}

void test('consecutive detectors: which runs of results eject a host', () => {
  const table: { config: Partial<OutlierDetection>; results: string; ejected: boolean }[] = [
    { config: { consecutive5xx: 5 }, results: '5 5 5 5 5', ejected: true },
    { config: { consecutive5xx: 5 }, results: '5 5 5 5', ejected: false },
    { config: { consecutive5xx: 5 }, results: '5 5 5 5 s 5', ejected: false }, // a success starts again
    { config: { consecutive5xx: 5 }, results: 'g l g l g', ejected: true }, // gateway and local errors are 5xx
    { config: { consecutive5xx: 1 }, results: 's l', ejected: true },
    // consecutive_gateway_failure alone
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 3 }, results: 'g g g', ejected: true },
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 3 }, results: 'l g l', ejected: true },
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 3 }, results: 'g g 5 g', ejected: false }, // another 5xx breaks the run
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 3 }, results: 'g s g g', ejected: false },
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 3 }, results: '5 5 5 5 5 5 5 5', ejected: false },
    // both off: counted, never ejected
    { config: { consecutive5xx: 0, consecutiveGatewayFailure: 0 }, results: 'g g g g g g g g g g', ejected: false },
  ];
  for (const { config, results, ejected } of table) {
    const { od, feed } = detector(config);
    feed('a', results);
    assert.equal(od.isEjected('a'), ejected, `${JSON.stringify(config)}: ${results}`);
    assert.equal(od.isEjected('b'), false);
    od.close();
  }
});

void test('consecutive detectors: the stats name the detector that ejected, gateway checked first', () => {
  const { od, feed } = detector({ consecutive5xx: 3, consecutiveGatewayFailure: 3 });
  feed('a', 'g g g');
  feed('b', '5 g 5');
  const { ejections_active, ejections_enforced_consecutive_5xx, ejections_enforced_consecutive_gateway_failure } = od.outlierStats();
  assert.deepEqual([ejections_active, ejections_enforced_consecutive_5xx, ejections_enforced_consecutive_gateway_failure], [2, 1, 1]);
  assert.equal(od.ejectionsTotal, 2);
  od.close();
});

/** Ejects `a` now and returns how long, in seconds, until the sweep returns it. */
function ejectionSeconds(d: ReturnType<typeof detector>): number {
  d.feed('a', '5 5 5 5 5');
  assert.equal(d.od.isEjected('a'), true);
  const start = d.clock.now();
  while (d.od.isEjected('a')) d.clock.advance(10_000);
  return (d.clock.now() - start) / 1000;
}

void test('ejection time: base × times ejected, capped at max_ejection_time', () => {
  const table: { base: number; max: number; seconds: number[] }[] = [
    { base: 30_000, max: 300_000, seconds: [30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300] },
    { base: 30_000, max: 90_000, seconds: [30, 60, 90, 90, 90] },
    { base: 30_000, max: 100_000, seconds: [30, 60, 90, 100, 100] }, // the cap is reached, not stepped over
    { base: 30_000, max: 10_000, seconds: [30, 30] }, // a max below the base: the base
  ];
  for (const { base, max, seconds } of table) {
    const d = detector({ baseEjectionTimeMs: base, maxEjectionTimeMs: max, intervalMs: 10_000 });
    assert.deepEqual(seconds.map(() => ejectionSeconds(d)), seconds, `base ${base} max ${max}`);
    d.od.close();
  }
});

void test('ejection time: each sweep a host spends in service lowers the multiplier by one', () => {
  const d = detector({ baseEjectionTimeMs: 10_000, intervalMs: 10_000 });
  assert.deepEqual([ejectionSeconds(d), ejectionSeconds(d), ejectionSeconds(d)], [10, 20, 30]);
  d.clock.advance(20_000); // two healthy sweeps: 3 → 1
  assert.equal(ejectionSeconds(d), 20);
  d.clock.advance(100_000); // long healthy: back to the base
  assert.equal(ejectionSeconds(d), 10);
  assert.equal(d.od.snapshot().find((h) => h.host === 'a')?.ejectionCount, 5, 'the count of ejections never drops');
  d.od.close();
});

void test('un-ejection waits for the first sweep after the ejection time, and starts from clean counters', () => {
  const d = detector({ consecutive5xx: 3, baseEjectionTimeMs: 30_000, intervalMs: 10_000 });
  d.clock.advance(5_000);
  d.feed('a', '5 5 5');
  assert.deepEqual(d.od.snapshot()[0], { host: 'a', ejected: true, ejectionCount: 1, consecutive5xx: 0, consecutiveGatewayFailure: 0, ejectedUntil: 35_000 });
  d.feed('a', '5 5'); // an ejected host still gets some traffic (in flight, panic mode)
  d.clock.advance(30_000); // t = 35 s: the time has passed, but no sweep yet
  assert.equal(d.od.isEjected('a'), true);
  d.clock.advance(5_000); // t = 40 s: the sweep
  assert.equal(d.od.isEjected('a'), false);
  assert.equal(d.od.snapshot()[0]?.consecutive5xx, 0);
  d.od.close();
});

void test('max_ejection_percent counts the host being ejected, but one host may always be ejected', () => {
  const table: { hosts: number; percent: number; failing: number; ejected: number }[] = [
    { hosts: 4, percent: 10, failing: 4, ejected: 1 },
    { hosts: 4, percent: 50, failing: 4, ejected: 2 },
    { hosts: 3, percent: 50, failing: 3, ejected: 1 }, // a second would make 67%
    { hosts: 10, percent: 20, failing: 5, ejected: 2 },
    { hosts: 2, percent: 100, failing: 2, ejected: 2 },
    { hosts: 1, percent: 0, failing: 1, ejected: 1 },
  ];
  for (const { hosts, percent, failing, ejected } of table) {
    const keys = Array.from({ length: hosts }, (_, i) => `10.0.0.${i}:80`);
    const d = detector({ maxEjectionPercent: percent }, keys);
    for (const key of keys.slice(0, failing)) for (let i = 0; i < 5; i++) d.od.recordResult(key, 'http-5xx');
    const stats = d.od.outlierStats();
    assert.deepEqual([stats.ejections_active, stats.ejections_overflow], [ejected, failing - ejected], `${hosts} hosts, ${percent}%`);
    d.od.close();
  }
});

void test('setHosts: hosts that leave are forgotten, hosts that stay keep their state', () => {
  const d = detector({}, ['a', 'b', 'c']);
  d.feed('a', '5 5 5 5 5');
  d.feed('b', '5 5 5');
  d.od.setHosts(['b', 'c', 'd']);
  assert.deepEqual(d.changes, ['a', ''], 'the ejected host left: a change');
  assert.deepEqual(d.od.snapshot().map((h) => `${h.host}:${h.consecutive5xx}`), ['b:3', 'c:0', 'd:0']);
  d.feed('a', '5 5 5 5 5'); // late results for a host that left
  assert.equal(d.od.isEjected('a'), false);
  d.od.setHosts(['a', 'b']);
  assert.equal(d.od.snapshot().find((h) => h.host === 'a')?.ejectionCount, 0, 'a host that comes back starts afresh');
  assert.equal(d.od.outlierStats().ejections_active, 0);
  d.od.close();
});

void test('onChange fires once per change of the ejected set, and only then', () => {
  const d = detector({ consecutive5xx: 2, baseEjectionTimeMs: 30_000 });
  const steps: [string, () => void][] = [
    ['one failure', () => d.feed('a', '5')],
    ['a ejected', () => d.feed('a', '5')],
    ['more failures on a', () => d.feed('a', '5 5 5')],
    ['b ejected', () => d.feed('b', 'g g')],
    ['sweeps with nothing due', () => d.clock.advance(20_000)],
    ['both return at one sweep', () => d.clock.advance(10_000)],
    ['same hosts again', () => d.od.setHosts(['a', 'b', 'c', 'd'])],
    ['a host without ejection leaves', () => d.od.setHosts(['a', 'b', 'c'])],
  ];
  const seen = steps.map(([name, step]) => {
    const before = d.changes.length;
    step();
    return `${name}: ${d.changes.slice(before).map((c) => `[${c}]`).join(' ')}`;
  });
  assert.deepEqual(seen, [
    'one failure: ',
    'a ejected: [a]',
    'more failures on a: ',
    'b ejected: [a,b]',
    'sweeps with nothing due: ',
    'both return at one sweep: []',
    'same hosts again: ',
    'a host without ejection leaves: ',
  ]);
  d.od.close();
});

void test('update: a new config keeps host state; a new interval restarts the sweep; close stops it', () => {
  const d = detector({ consecutive5xx: 5 });
  d.feed('a', '5 5 5');
  d.od.update(outlierConfig({ consecutive5xx: 3, intervalMs: 5_000 }));
  assert.deepEqual(d.clock.intervals(), [5_000]);
  d.feed('a', '5'); // 4 in a row reaches the new threshold of 3
  assert.equal(d.od.isEjected('a'), true);
  d.od.update(outlierConfig({ consecutive5xx: 3, intervalMs: 5_000, baseEjectionTimeMs: 10_000 }));
  d.clock.advance(10_000);
  assert.equal(d.od.isEjected('a'), false, 'the ejection time follows the new base');
  d.od.close();
  assert.deepEqual(d.clock.intervals(), []);
});

void test('outlierResultOf: how an attempt counts for the detectors', () => {
  const table: [AttemptOutcome, OutlierResult][] = [
    [{ kind: 'response', status: 200 }, 'success'],
    [{ kind: 'response', status: 404 }, 'success'],
    [{ kind: 'response', status: 500 }, 'http-5xx'],
    [{ kind: 'response', status: 501 }, 'http-5xx'],
    [{ kind: 'response', status: 502 }, 'gateway-error'],
    [{ kind: 'response', status: 503 }, 'gateway-error'],
    [{ kind: 'response', status: 504 }, 'gateway-error'],
    [{ kind: 'response', status: 200, grpcStatus: 0 }, 'success'],
    [{ kind: 'response', status: 200, grpcStatus: 5 }, 'success'], // NOT_FOUND → 404
    [{ kind: 'response', status: 200, grpcStatus: 13 }, 'http-5xx'], // INTERNAL → 500
    [{ kind: 'response', status: 200, grpcStatus: 14 }, 'gateway-error'], // UNAVAILABLE → 503
    [{ kind: 'response', status: 200, grpcStatus: 4 }, 'gateway-error'], // DEADLINE_EXCEEDED → 504
    [{ kind: 'connect-failure' }, 'local-origin-failure'],
    [{ kind: 'reset' }, 'local-origin-failure'],
    [{ kind: 'refused-stream' }, 'local-origin-failure'],
    [{ kind: 'per-try-timeout' }, 'local-origin-failure'],
  ];
  for (const [outcome, result] of table) assert.equal(outlierResultOf(outcome), result, JSON.stringify(outcome));
});

void test('the real clock: the sweep timer does not keep the process alive', () => {
  const handle = realClock.setInterval(() => undefined, 60_000) as ReturnType<typeof setInterval>;
  assert.equal(handle.hasRef(), false);
  realClock.clearInterval(handle);
  new OutlierDetector(outlierConfig()).close();
});
