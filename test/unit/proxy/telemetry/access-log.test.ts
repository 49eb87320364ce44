// Access log: one JSON line per request/connection with Envoy/Istio field names; the disabled log writes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createAccessLog,
  DISABLED_ACCESS_LOG,
  newHttpAccessEntry,
  newTcpAccessEntry,
} from '../../../../proxy/telemetry/access-log.js';
import { ResponseFlag } from '../../../../proxy/telemetry/response-flags.js';

function capture(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line) };
}

function parse(line: string | undefined): Record<string, unknown> {
  assert.ok(line !== undefined, 'a line was written');
  assert.ok(line.endsWith('\n'), 'one line each');
  return JSON.parse(line) as Record<string, unknown>;
}

const START = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

void test('access log: an HTTP line carries every field, flags and start time as Envoy prints them', () => {
  const out = capture();
  const log = createAccessLog({ destination: out });
  assert.equal(log.enabled, true);
  const e = newHttpAccessEntry('outbound');
  Object.assign(e, {
    start_time: START,
    method: 'GET',
    path: '/ratings/1?x=1',
    protocol: 'HTTP/1.1',
    response_code: 503,
    response_flags: ResponseFlag.UpstreamRetryLimitExceeded | ResponseFlag.UpstreamConnectionFailure,
    bytes_received: 0,
    bytes_sent: 91,
    duration: 12,
    x_request_id: 'req-1',
    authority: 'ratings:9080',
    upstream_cluster: 'outbound|9080||ratings.default.svc.cluster.local',
    downstream_local_address: '10.96.0.7:9080',
    downstream_remote_address: '10.1.0.5:41234',
    route_name: 'default',
  });
  log.http(e);
  const line = parse(out.lines[0]);
  assert.deepEqual(line, {
    level: 30,
    type: 'http',
    start_time: '2025-01-02T03:04:05.678Z',
    method: 'GET',
    path: '/ratings/1?x=1',
    protocol: 'HTTP/1.1',
    response_code: 503,
    response_flags: 'UF,URX',
    bytes_received: 0,
    bytes_sent: 91,
    duration: 12,
    upstream_service_time: null,
    x_forwarded_for: null,
    user_agent: null,
    x_request_id: 'req-1',
    authority: 'ratings:9080',
    upstream_host: null,
    upstream_cluster: 'outbound|9080||ratings.default.svc.cluster.local',
    downstream_local_address: '10.96.0.7:9080',
    downstream_remote_address: '10.1.0.5:41234',
    route_name: 'default',
    direction: 'outbound',
  });
});

void test('access log: a reused entry logs its values at the time of the call', () => {
  const out = capture();
  const log = createAccessLog({ destination: out });
  const e = newHttpAccessEntry('inbound');
  e.response_code = 200;
  log.http(e);
  e.response_code = 404;
  log.http(e);
  assert.deepEqual(
    out.lines.map((l) => parse(l)['response_code']),
    [200, 404],
  );
  assert.equal(parse(out.lines[0])['response_flags'], '-');
});

void test('access log: a TCP line has the connection fields and type tcp', () => {
  const out = capture();
  const log = createAccessLog({ destination: out });
  const e = newTcpAccessEntry('inbound');
  e.start_time = START;
  e.bytes_received = 10;
  e.bytes_sent = 20;
  e.duration = 3;
  e.upstream_host = '127.0.0.6:5432';
  e.upstream_cluster = 'inbound|5432||';
  e.response_flags = ResponseFlag.UpstreamConnectionFailure;
  log.tcp(e);
  const line = parse(out.lines[0]);
  assert.equal(line['type'], 'tcp');
  assert.equal(line['response_flags'], 'UF');
  assert.equal(line['upstream_host'], '127.0.0.6:5432');
  assert.equal(line['bytes_sent'], 20);
  assert.equal(line['direction'], 'inbound');
  assert.equal('method' in line, false);
});

void test('access log: the disabled log is one shared object that writes nothing', (t) => {
  assert.equal(DISABLED_ACCESS_LOG.enabled, false);
  assert.ok(Object.isFrozen(DISABLED_ACCESS_LOG));
  const stdout = t.mock.method(process.stdout, 'write');
  const stderr = t.mock.method(process.stderr, 'write');
  DISABLED_ACCESS_LOG.http(newHttpAccessEntry('outbound'));
  DISABLED_ACCESS_LOG.tcp(newTcpAccessEntry('outbound'));
  DISABLED_ACCESS_LOG.flush();
  t.mock.restoreAll();
  assert.equal(stdout.mock.callCount() + stderr.mock.callCount(), 0);
});
