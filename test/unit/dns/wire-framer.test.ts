// TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): messages cut anywhere, pipelined, split lengths, empty messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frame, TcpFramer } from '../../../dns/server/tcp-framer.js';

function messages(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.alloc(i % 7 === 0 ? 0 : 1 + ((i * 37) % 600), i & 0xff));
}

function collect(chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  const framer = new TcpFramer((m) => out.push(Buffer.from(m)));
  for (const c of chunks) framer.push(c);
  return out;
}

/** `data` cut at the given offsets. */
function cut(data: Buffer, at: readonly number[]): Buffer[] {
  const points = [0, ...at.filter((p) => p > 0 && p < data.length).sort((a, b) => a - b), data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

void test('one chunk holding several messages (pipelined) → each message, in order', () => {
  const sent = messages(20);
  assert.deepEqual(collect([Buffer.concat(sent.map(frame))]), sent);
});

void test('every message split at every kind of point: inside a length, between length and body, inside a body', () => {
  const sent = messages(12);
  const stream = Buffer.concat(sent.map(frame));
  for (let step = 1; step <= 9; step++) {
    const points = Array.from({ length: Math.ceil(stream.length / step) }, (_, i) => i * step);
    assert.deepEqual(collect(cut(stream, points)), sent, `chunks of ${step} bytes`);
  }
  // A chunk that ends after the first byte of a length, then the rest.
  const one = frame(Buffer.from('abc'));
  assert.deepEqual(collect([one.subarray(0, 1), one.subarray(1)]), [Buffer.from('abc')]);
});

void test('random cuts of a long stream give back the same messages', () => {
  const sent = messages(200);
  const stream = Buffer.concat(sent.map(frame));
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let round = 0; round < 20; round++) {
    const points = Array.from({ length: 50 }, () => Math.floor(random() * stream.length));
    assert.deepEqual(collect(cut(stream, points)), sent);
  }
});

void test('a message of 65535 bytes, the largest a length can say', () => {
  const big = Buffer.alloc(65535, 1);
  const f = frame(big);
  assert.equal(f.readUInt16BE(0), 65535);
  assert.deepEqual(collect(cut(f, [1, 2, 1000, 60000])), [big]);
});

void test('an unfinished message is held, not delivered', () => {
  const f = frame(Buffer.from('hello'));
  assert.deepEqual(collect([f.subarray(0, 5)]), []);
});
