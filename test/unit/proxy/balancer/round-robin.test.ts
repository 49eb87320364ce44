// ROUND_ROBIN: nginx smooth weighted round robin; exact order for a fixed start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmoothRoundRobin } from '../../../../proxy/balancer/weighted.js';
import { assignment, picker, sequence, tally } from './fixtures.js';

const zero = () => 0;

void test('round robin: exact order', () => {
  const table: { hosts: string[]; order: string }[] = [
    { hosts: ['a', 'b', 'c'], order: 'a b c a b c' },
    { hosts: ['a:5', 'b', 'c'], order: 'a a b a c a a' }, // nginx's documented smooth sequence
    { hosts: ['a:2', 'b'], order: 'a b a a b a' },
    { hosts: ['a:3', 'b:2'], order: 'a b a b a' },
    { hosts: ['a', 'b!', 'c'], order: 'a c a c' }, // unhealthy hosts are skipped
    { hosts: ['a'], order: 'a a a' },
  ];
  for (const { hosts, order } of table) {
    const p = picker('ROUND_ROBIN', assignment({ hosts }), { random: zero });
    assert.equal(sequence(p, order.split(' ').length).join(' '), order, hosts.join(','));
  }
});

void test('round robin: weights hold exactly over whole cycles', () => {
  const p = picker('ROUND_ROBIN', assignment({ hosts: ['a:5', 'b:3', 'c:2'] }));
  assert.deepEqual(tally(p, 1000), { a: 500, b: 300, c: 200 });
});

void test('round robin: the start is offset by the random source (proxies do not all begin on one host)', () => {
  const p = picker('ROUND_ROBIN', assignment({ hosts: ['a', 'b', 'c', 'd'] }), { random: () => 0.5 });
  assert.equal(sequence(p, 5).join(' '), 'c d a b c');
});

void test('smooth round robin: fractional weights (locality effective weights) keep their shares', () => {
  const rr = new SmoothRoundRobin([1, 0.7], 0);
  const counts = [0, 0];
  for (let i = 0; i < 1700; i++) counts[rr.next()]! += 1;
  assert.deepEqual(counts, [1000, 700]);
});
