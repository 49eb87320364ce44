// Proxy metrics read back in Prometheus text: counters by labels, histogram buckets, TCP bytes, gauges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrometheusMetrics } from '../../../../common/prometheus.js';
import { ProxyMetrics } from '../../../../proxy/telemetry/metrics.js';
import { ResponseFlag } from '../../../../proxy/telemetry/response-flags.js';
import { sample, scrape } from './scrape.js';

function setup(t: { after(fn: () => Promise<void>): void }) {
  const prometheus = createPrometheusMetrics('test');
  t.after(() => prometheus.shutdown());
  return { prometheus, metrics: new ProxyMetrics(prometheus.meter) };
}

const A = 'outbound|80||a.default.svc.cluster.local';

void test('metrics: requests_total counts by cluster, direction, code and flags', async (t) => {
  const { prometheus, metrics } = setup(t);
  metrics.request(A, 'outbound', 200, 3);
  metrics.request(A, 'outbound', 200, 7);
  metrics.request(A, 'inbound', 200, 1);
  const flags = ResponseFlag.UpstreamConnectionFailure | ResponseFlag.UpstreamRetryLimitExceeded;
  metrics.request(A, 'outbound', 503, 40, flags);
  const text = await scrape(prometheus);
  const labels = { cluster: A, direction: 'outbound', code: '200', flags: '-' };
  assert.equal(sample(text, 'meshlet_requests_total', labels), 2);
  assert.equal(sample(text, 'meshlet_requests_total', { ...labels, direction: 'inbound' }), 1);
  assert.equal(sample(text, 'meshlet_requests_total', { ...labels, code: '503', flags: 'UF,URX' }), 1);
});

void test('metrics: request durations fall into Istio buckets (ms)', async (t) => {
  const { prometheus, metrics } = setup(t);
  for (const ms of [0.3, 3, 7, 40, 20000]) metrics.request(A, 'outbound', 200, ms);
  const text = await scrape(prometheus);
  const labels = { cluster: A, direction: 'outbound', code: '200', flags: '-' };
  const bucket = (le: string) => sample(text, 'meshlet_request_duration_milliseconds_bucket', { ...labels, le });
  assert.equal(bucket('0.5'), 1);
  assert.equal(bucket('5'), 2);
  assert.equal(bucket('10'), 3);
  assert.equal(bucket('50'), 4);
  assert.equal(bucket('10000'), 4);
  assert.equal(bucket('30000'), 5);
  assert.equal(bucket('3600000'), 5);
  assert.equal(bucket('+Inf'), 5);
  assert.equal(sample(text, 'meshlet_request_duration_milliseconds_count', labels), 5);
  assert.equal(sample(text, 'meshlet_request_duration_milliseconds_sum', labels), 20050.3);
});

void test('metrics: TCP bytes add up per chunk; connections opened, closed and active', async (t) => {
  const { prometheus, metrics } = setup(t);
  metrics.connectionOpened('db', 'outbound');
  metrics.connectionOpened('db', 'outbound');
  metrics.connectionClosed('db', 'outbound');
  metrics.tcpBytes('db', 'outbound', 100, 0);
  metrics.tcpBytes('db', 'outbound', 50, 7);
  const text = await scrape(prometheus);
  const labels = { cluster: 'db', direction: 'outbound' };
  assert.equal(sample(text, 'meshlet_tcp_sent_bytes_total', labels), 150);
  assert.equal(sample(text, 'meshlet_tcp_received_bytes_total', labels), 7);
  assert.equal(sample(text, 'meshlet_tcp_connections_opened_total', labels), 2);
  assert.equal(sample(text, 'meshlet_tcp_connections_closed_total', labels), 1);
  assert.equal(sample(text, 'meshlet_active_connections', labels), 1);
  assert.equal(sample(text, 'meshlet_tcp_sent_bytes_total', { cluster: A, direction: 'outbound' }), undefined);
});

void test('metrics: retries, ejections and overflows per cluster; a caller-owned gauge read at scrape', async (t) => {
  const { prometheus, metrics } = setup(t);
  metrics.retry(A);
  metrics.retry(A);
  metrics.ejection(A);
  metrics.overflow(A, 'pending_requests');
  metrics.overflow(A, 'connections');
  metrics.overflow(A, 'connections');
  const healthy = new Map([
    [A, 3],
    ['db', 0],
  ]);
  metrics.observeClusters('meshlet_cluster_healthy_hosts', 'Healthy hosts', (report) => {
    for (const [cluster, n] of healthy) report(cluster, n);
  });
  let text = await scrape(prometheus);
  assert.equal(sample(text, 'meshlet_upstream_retries_total', { cluster: A }), 2);
  assert.equal(sample(text, 'meshlet_outlier_ejections_total', { cluster: A }), 1);
  assert.equal(sample(text, 'meshlet_upstream_overflow_total', { cluster: A, kind: 'connections' }), 2);
  assert.equal(sample(text, 'meshlet_upstream_overflow_total', { cluster: A, kind: 'pending_requests' }), 1);
  assert.equal(sample(text, 'meshlet_cluster_healthy_hosts', { cluster: A }), 3);
  assert.equal(sample(text, 'meshlet_cluster_healthy_hosts', { cluster: 'db' }), 0);
  healthy.set(A, 2);
  text = await scrape(prometheus);
  assert.equal(sample(text, 'meshlet_cluster_healthy_hosts', { cluster: A }), 2);
});
