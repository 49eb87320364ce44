// Backoff: exponential ceilings with full jitter, capped, reset after a healthy stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../../proxy/xds/backoff.js';

void test('backoff: ceilings double from 100 ms to the 10 s cap; delays are uniform below the ceiling', () => {
  const top = new Backoff({ random: () => 0.999999 });
  const delays = Array.from({ length: 10 }, () => top.next());
  assert.deepEqual(delays, [99, 199, 399, 799, 1599, 3199, 6399, 9999, 9999, 9999]);
  const bottom = new Backoff({ random: () => 0 });
  assert.deepEqual([bottom.next(), bottom.next()], [0, 0], 'full jitter reaches down to 0');
});

void test('backoff: reset starts again from the first ceiling', () => {
  const b = new Backoff({ initialMs: 10, maxMs: 50, random: () => 0.5 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [5, 10, 20, 25]);
  b.reset();
  assert.equal(b.ceiling(), 10);
});
