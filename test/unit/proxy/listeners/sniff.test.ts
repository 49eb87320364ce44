// Protocol detection on first bytes (Envoy's http_inspector): h2 preface, HTTP/1 request lines, everything else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniff } from '../../../../proxy/listeners/sniff.js';

const CASES: readonly [string, string, ReturnType<typeof sniff>][] = [
  ['h2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'h2c'],
  ['h2 preface with a SETTINGS frame behind it', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04', 'h2c'],
  ['part of the h2 preface: wait', 'PRI * HTTP/2', undefined],
  ['GET request line', 'GET / HTTP/1.1\r\nhost: a\r\n\r\n', 'http/1.1'],
  ['HTTP/1.0', 'POST /x HTTP/1.0\r\n', 'http/1.0'],
  ['WebDAV method', 'PROPFIND /d HTTP/1.1\r\n', 'http/1.1'],
  ['a method cut short: wait', 'GE', undefined],
  ['request line without its end: wait', 'GET /long/path', undefined],
  ['unknown method', 'HELLO / HTTP/1.1\r\n', 'tcp'],
  ['lower-case method is not HTTP', 'get / HTTP/1.1\r\n', 'tcp'],
  ['wrong version', 'GET / HTTP/3.0\r\n', 'tcp'],
  ['TLS ClientHello', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'tcp'],
  ['Redis inline command', '*1\r\n$4\r\nPING\r\n', 'tcp'],
  ['MySQL-ish binary', '\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a', 'tcp'],
];

void test('sniff: first bytes → protocol (undefined: need more bytes)', () => {
  for (const [name, bytes, expected] of CASES) assert.equal(sniff(Buffer.from(bytes, 'latin1')), expected, name);
});
