// RFC 9110 §7.6.1 hop-by-hop fields and the headers the proxy adds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../../../../proxy/http/headers.js';

void test('request: hop-by-hop fields and the ones Connection names are dropped; end-to-end ones kept', () => {
  const { headers } = upstreamRequestHeaders(
    {
      host: 'web',
      connection: 'keep-alive, X-Trace-Hop',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'http2-settings': 'AAA',
      'x-trace-hop': '1',
      'content-type': 'text/plain',
      'set-cookie': ['a=1', 'b=2'],
      'x-request-id': 'r1',
    },
    undefined,
  );
  assert.deepEqual(headers, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'r1' });
});

void test('request: TE is hop-by-hop except "trailers", which gRPC needs', () => {
  assert.equal(upstreamRequestHeaders({ te: 'trailers' }, undefined).headers['te'], 'trailers');
  assert.equal(upstreamRequestHeaders({ te: 'gzip, trailers' }, undefined).headers['te'], 'trailers');
  assert.equal(upstreamRequestHeaders({ te: 'gzip' }, undefined).headers['te'], undefined);
});

void test('request: pseudo-headers are never copied as fields', () => {
  const { headers } = upstreamRequestHeaders({ ':authority': 'web', ':path': '/', ':method': 'GET', ':scheme': 'http', accept: '*/*' }, undefined);
  assert.deepEqual(Object.keys(headers).sort(), ['accept', 'x-request-id']);
});

void test('request: x-request-id is generated when absent or empty, kept when present', () => {
  const generated = upstreamRequestHeaders({}, undefined);
  assert.match(generated.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(generated.headers['x-request-id'], generated.requestId);
  assert.notEqual(upstreamRequestHeaders({ 'x-request-id': '' }, undefined).requestId, '');
  assert.equal(upstreamRequestHeaders({ 'x-request-id': 'keep-me' }, undefined).requestId, 'keep-me');
});

void test('request (inbound): the caller is appended to x-forwarded-for', () => {
  assert.equal(upstreamRequestHeaders({}, '10.244.0.5').headers['x-forwarded-for'], '10.244.0.5');
  assert.equal(upstreamRequestHeaders({ 'x-forwarded-for': '203.0.113.9' }, '10.244.0.5').headers['x-forwarded-for'], '203.0.113.9, 10.244.0.5');
});

void test('response: hop-by-hop fields dropped, the rest kept', () => {
  const out = downstreamResponseHeaders({ connection: 'close', 'keep-alive': 'timeout=1', 'transfer-encoding': 'chunked', 'content-length': '5', 'x-backend': 'b1' });
  assert.deepEqual(out, { 'content-length': '5', 'x-backend': 'b1' });
});
