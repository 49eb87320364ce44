// The tls_inspector's ClientHello parser on real ClientHellos (captured from node:tls clients), the same
// bytes re-framed, truncated and corrupted, and random bytes: it answers, and never throws.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connect, type ConnectionOptions } from 'node:tls';
import { MAX_CLIENT_HELLO, parseClientHello } from '../../../../proxy/tls/client-hello.js';

/** The first flight of a node:tls client, read by a raw TCP server on loopback. */
async function capture(options: ConnectionOptions): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => (resolve(d), s.destroy()))));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ...options });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  server.close();
  return hello;
}

const CAPTURES: readonly [string, ConnectionOptions, ReturnType<typeof parseClientHello>][] = [
  ['SNI and ALPN', { servername: 'a.example.com', ALPNProtocols: ['h2', 'http/1.1'] }, { kind: 'tls', serverName: 'a.example.com', alpn: ['h2', 'http/1.1'] }],
  ['SNI lower-cased', { servername: 'X.B.Example.COM' }, { kind: 'tls', serverName: 'x.b.example.com', alpn: [] }],
  ['no SNI (an IP host), no ALPN', {}, { kind: 'tls', alpn: [] }],
  ['TLS 1.2 only', { servername: 'old.example.com', maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] }, { kind: 'tls', serverName: 'old.example.com', alpn: ['http/1.1'] }],
];

/** The same ClientHello carried in records of at most `size` bytes (RFC 8446 §5.1 allows any fragmentation). */
function reframe(hello: Buffer, size: number): Buffer {
  const message = hello.subarray(5, 5 + hello.readUInt16BE(3));
  const records: Buffer[] = [];
  for (let i = 0; i < message.length; i += size) {
    const fragment = message.subarray(i, i + size);
    const header = Buffer.from([22, 3, 1, 0, 0]);
    header.writeUInt16BE(fragment.length, 3);
    records.push(header, fragment);
  }
  return Buffer.concat(records);
}

void test('ClientHello: real handshakes, whole, re-framed into small records, and every truncation', async () => {
  for (const [name, options, expected] of CAPTURES) {
    const hello = await capture({ host: '127.0.0.1', ...options });
    assert.deepEqual(parseClientHello(hello), expected, name);
    for (const size of [1, 7, 100]) assert.deepEqual(parseClientHello(reframe(hello, size)), expected, `${name}, records of ${size}`);
    for (let n = 0; n < hello.length; n++) assert.deepEqual(parseClientHello(hello.subarray(0, n)), { kind: 'need-more' }, `${name}, first ${n} bytes`);
  }
});

const header = (type: number, major: number, length: number): Buffer => Buffer.from([type, major, 1, length >> 8, length & 0xff]);

const MALFORMED: readonly [string, Buffer, string][] = [
  ['an HTTP/1 request', Buffer.from('GET / HTTP/1.1\r\n'), 'not-tls'],
  ['the HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'not-tls'],
  ['an SSLv2-style hello', Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]), 'not-tls'],
  ['handshake record of major version 2', Buffer.from([22, 2, 0]), 'not-tls'],
  ['an alert record after the first', Buffer.concat([header(22, 3, 1), Buffer.from([1]), header(21, 3, 2), Buffer.from([2, 40])]), 'malformed'],
  ['a zero-length record', header(22, 3, 0), 'malformed'],
  ['a record longer than 2^14', header(22, 3, 0x4001), 'malformed'],
  ['a ServerHello, not a ClientHello', Buffer.concat([header(22, 3, 4), Buffer.from([2, 0, 0, 0])]), 'malformed'],
  ['a ClientHello claiming more than 16 KiB', Buffer.concat([header(22, 3, 4), Buffer.from([1, 0, 0x40, 0x01])]), 'too-large'],
  ['an empty ClientHello body', Buffer.concat([header(22, 3, 4), Buffer.from([1, 0, 0, 0])]), 'malformed'],
];

void test('ClientHello: not TLS, malformed and oversized', () => {
  assert.equal(MAX_CLIENT_HELLO, 16384);
  for (const [name, bytes, reason] of MALFORMED) assert.deepEqual(parseClientHello(bytes), { kind: 'not-tls', reason }, name);
});

void test('ClientHello: corrupting any length byte of a real hello gives an answer, never a throw', async () => {
  const hello = await capture({ host: '127.0.0.1', servername: 'a.example.com', ALPNProtocols: ['h2'] });
  for (let i = 0; i < hello.length; i++) {
    for (const v of [0x00, 0xff, (hello[i] ?? 0) + 1]) {
      const copy = Buffer.from(hello);
      copy[i] = v & 0xff;
      const r = parseClientHello(copy);
      assert.ok(['tls', 'not-tls', 'need-more'].includes(r.kind));
    }
  }
});

void test('ClientHello: random bytes, and random bytes behind a handshake header, never throw', () => {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
  for (let i = 0; i < 5000; i++) {
    const body = Buffer.from(Array.from({ length: random() * 2 }, random));
    const framed = Buffer.concat([header(22, 3, body.length + 4), Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
    for (const bytes of [body, framed]) assert.ok(['tls', 'not-tls', 'need-more'].includes(parseClientHello(bytes).kind));
  }
});
