// Container restarts: Kubernetes' CrashLoopBackOff sequence, and the kubelets' reports merged for `status`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { kubeletFile, MAX_BACKOFF_MS, nextBackoffMs, readContainers, writeNodeContainers } from '../../../localcluster/restarts.js';

const BACKOFF: ReadonlyArray<[number, number]> = [
  [0, 10_000], // the first restart is at once; the next waits 10 s
  [10_000, 20_000],
  [20_000, 40_000],
  [160_000, 300_000], // capped at 5 min
  [MAX_BACKOFF_MS, MAX_BACKOFF_MS],
];
for (const [previous, next] of BACKOFF) {
  test(`back-off after ${previous} ms: ${next} ms`, () => assert.equal(nextBackoffMs(previous), next));
}

test("the kubelets' reports are merged per pod; a torn or missing report is skipped", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-restarts-'));
  try {
    assert.deepEqual(readContainers(path.join(dir, 'missing')), {});
    writeNodeContainers(dir, 'node1', { a: [{ name: 'istio-proxy', pid: 10, restarts: 0 }, { name: 'app', pid: 11, restarts: 2 }] });
    writeNodeContainers(dir, 'node2', { b: [{ name: 'app', pid: 20, restarts: 0 }] });
    writeFileSync(kubeletFile(dir, 'node3'), '{"c": [');
    writeFileSync(path.join(dir, 'state.json'), '{"pods": []}');
    assert.deepEqual(readContainers(dir), {
      a: [{ name: 'istio-proxy', pid: 10, restarts: 0 }, { name: 'app', pid: 11, restarts: 2 }],
      b: [{ name: 'app', pid: 20, restarts: 0 }],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
