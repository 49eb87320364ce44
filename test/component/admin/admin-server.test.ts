// The admin server over a real ADS server: syncz states as a proxy ACKs and NACKs, config dumps, Prometheus
// metrics, readiness and the errors of bad requests; and `meshlet proxy-status`'s table built from syncz.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrometheusMetrics } from '../../../common/prometheus.js';
import { formatProxyStatus } from '../../../control-plane/admin/proxy-status.js';
import { startAdminServer } from '../../../control-plane/admin/server.js';
import type { SynczEntry } from '../../../control-plane/admin/syncz.js';
import { CLUSTER } from '../../../xds/type-urls.js';
import { ackedSotwSidecar, eventually, startAds } from '../../support/ads-harness.js';
import { cluster, mesh, resourceSet, assignment } from '../../support/xds-fixtures.js';

async function startAll(ready: { value: boolean }) {
  const ads = await startAds();
  const prometheus = createPrometheusMetrics('test');
  prometheus.meter.createCounter('meshlet_test_counter').add(3);
  const admin = await startAdminServer(
    {
      registry: ads.server,
      metrics: prometheus,
      isReady: () => ready.value,
      configErrors: () => [],
      modelSummary: () => ({ generation: 1 }),
      cacheErrors: () => ads.cache.errors(),
    },
    '127.0.0.1',
    0,
  );
  const base = `http://127.0.0.1:${admin.port}`;
  return {
    ads,
    base,
    get: (path: string) => fetch(base + path),
    close: async () => {
      await admin.close();
      await prometheus.shutdown();
      await ads.close();
    },
  };
}

test('syncz follows a proxy from NOT SENT to SYNCED to NACKED, and proxy-status prints it', async (t) => {
  const ready = { value: true };
  const env = await startAll(ready);
  t.after(() => env.close());
  env.ads.publish(mesh({ a: ['10.0.0.1'] }));
  const { c, first: v1 } = await ackedSotwSidecar(env.ads, CLUSTER);
  const syncz = async (): Promise<SynczEntry[]> => (await (await env.get('/debug/syncz')).json()) as SynczEntry[];
  await eventually(async () => (await syncz())[0]?.types['CDS']?.status === 'SYNCED');
  let entry = (await syncz())[0];
  assert.equal(entry?.proxy, 'sidecar-1');
  assert.equal(entry?.role, 'sidecar');
  assert.equal(entry?.types['LDS']?.status, 'NOT SENT');

  env.ads.publish(resourceSet(cluster('a', 99), assignment('a', ['10.0.0.1'])));
  const v2 = await c.next(CLUSTER);
  c.nack(v2, 'connect_timeout too large');
  await eventually(async () => (await syncz())[0]?.types['CDS']?.status === 'NACKED');
  entry = (await syncz())[0];
  assert.equal(entry?.types['CDS']?.error, 'connect_timeout too large');
  assert.equal(entry?.types['CDS']?.acked, v1.versionInfo);

  const table = formatProxyStatus(await syncz());
  const [header, row, errorLine] = table.split('\n');
  assert.match(header ?? '', /^NAME\s+ROLE\s+NAMESPACE\s+STREAM\s+CDS\s+LDS\s+EDS\s+RDS\s+NDS\s+VERSION$/);
  assert.match(row ?? '', /^sidecar-1\s+sidecar\s+default\s+sotw\s+NACKED \(1\)\s+NOT SENT/);
  assert.equal(errorLine, `sidecar-1 CDS rejected version ${v2.versionInfo}: connect_timeout too large`);
});

test('config_dump returns what was sent to a proxy; unknown or missing proxy ids are clear errors', async (t) => {
  const env = await startAll({ value: true });
  t.after(() => env.close());
  env.ads.publish(mesh({ a: ['10.0.0.1'] }));
  await ackedSotwSidecar(env.ads, CLUSTER);
  const dump = (await (await env.get('/debug/config_dump?proxy=sidecar-1')).json()) as {
    configs: Array<{ type_url: string; resources: Array<{ name: string }> }>;
  };
  const cds = dump.configs.find((x) => x.type_url === CLUSTER);
  assert.deepEqual(cds?.resources.map((r) => r.name), ['outbound|80||a.default.svc.cluster.local']);

  const missing = await env.get('/debug/config_dump');
  assert.equal(missing.status, 400);
  assert.match(((await missing.json()) as { error: string }).error, /proxy=<node id>/);
  const unknown = await env.get('/debug/config_dump?proxy=nope');
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /no connected proxy with node id "nope"/);
});

test('readyz, healthz, metrics, unknown paths and methods', async (t) => {
  const ready = { value: false };
  const env = await startAll(ready);
  t.after(() => env.close());
  assert.equal((await env.get('/healthz')).status, 200);
  assert.equal((await env.get('/readyz')).status, 503);
  ready.value = true;
  assert.equal((await env.get('/readyz')).status, 200);
  const metrics = await (await env.get('/metrics')).text();
  assert.match(metrics, /meshlet_test_counter(_total)?\{[^}]*\} 3|meshlet_test_counter(_total)? 3/);
  assert.equal((await env.get('/nope')).status, 404);
  assert.equal((await fetch(env.base + '/healthz', { method: 'POST' })).status, 405);
});
