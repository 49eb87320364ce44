// The state lock: commands that change the cluster's state run one after the other; a dead holder's lock is taken.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withStateLock } from '../../../localcluster/state.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('two holders never overlap, and the lock is gone afterwards', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-lock-'));
  try {
    const events: string[] = [];
    const hold = (who: string) => withStateLock(dir, async () => {
      events.push(`${who} in`);
      await sleep(50);
      events.push(`${who} out`);
      return who;
    });
    assert.deepEqual(await Promise.all([hold('a'), hold('b')]), ['a', 'b']);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out']);
    assert.equal(existsSync(path.join(dir, 'state.lock')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a process that is gone is taken over; a failing holder releases it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-lock-'));
  try {
    writeFileSync(path.join(dir, 'state.lock'), '2147483646\n'); // no such process
    assert.equal(await withStateLock(dir, () => Promise.resolve('taken')), 'taken');
    await assert.rejects(withStateLock(dir, () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(existsSync(path.join(dir, 'state.lock')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
