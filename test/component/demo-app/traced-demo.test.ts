// The demo application traced end to end, in-process on 127.0.0.1: ledger (TCP), inventory (gRPC), catalog and
// frontend (HTTP), each with its own tracer provider exporting OTLP/HTTP JSON to the local receiver. One request to
// the frontend gives one trace: frontend → catalog → inventory, plus catalog's span for the ledger call, with the
// parent links the traceparent header/metadata carried. The rendered tree is printed as the test's diagnostic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCatalog } from '../../../examples/demo-app/catalog.js';
import type { Env, RunningApp } from '../../../examples/demo-app/config.js';
import { startFrontend } from '../../../examples/demo-app/frontend.js';
import { getJson } from '../../../examples/demo-app/http.js';
import { startInventory, stockOf } from '../../../examples/demo-app/inventory.js';
import { startLedger } from '../../../examples/demo-app/ledger.js';
import type { ReceivedSpan } from '../../../localcluster/tracing/otlp-json.js';
import { startOtlpReceiver } from '../../../localcluster/tracing/otlp-receiver.js';
import { renderTrace } from '../../../localcluster/tracing/trace-view.js';
import { eventually } from '../../support/ads-harness.js';

const HOST = '127.0.0.1';

void test('one request to the frontend → one trace across frontend, catalog, inventory and the ledger call', async (t) => {
  const receiver = await startOtlpReceiver({ host: HOST, port: 0 });
  t.after(() => receiver.close());
  const apps: RunningApp[] = [];
  t.after(() => Promise.all(apps.map((a) => a.close())));
  const start = async (fn: (env: Env) => Promise<RunningApp>, env: Env): Promise<RunningApp> => {
    const app = await fn({ HOST, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env });
    apps.push(app);
    return app;
  };
  const ledger = await start(startLedger, { POD_NAME: 'ledger-0' });
  const inventory = await start(startInventory, { POD_NAME: 'inventory-0', OTEL_SERVICE_NAME: 'inventory' });
  const catalog = await start(startCatalog, {
    POD_NAME: 'catalog-v2-0',
    VERSION: 'v2',
    OTEL_SERVICE_NAME: 'catalog',
    INVENTORY_ADDR: `${HOST}:${inventory.port}`,
    LEDGER_ADDR: `${HOST}:${ledger.port}`,
  });
  const frontend = await start(startFrontend, {
    POD_NAME: 'frontend-0',
    OTEL_SERVICE_NAME: 'frontend',
    CATALOG_URL: `http://${HOST}:${catalog.port}`,
  });

  const reply = await getJson(`http://${HOST}:${frontend.port}/`, {});
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.body, {
    frontend: 'frontend-0',
    catalog: {
      catalog: 'catalog-v2-0',
      version: 'v2',
      inventory: { item: 'book', in_stock: stockOf('book'), served_by: 'inventory-0' },
      ledger: 'ok ledger-0 1 lookup book by catalog-v2-0',
    },
  });

  await Promise.all(apps.map((a) => a.flush()));
  await eventually(() => receiver.spans().length >= 6, 3000);
  assert.deepEqual(receiver.errors(), []);
  const spans = receiver.spans();
  const traceIds = new Set(spans.map((s) => s.traceId));
  assert.equal(traceIds.size, 1, 'one trace id');
  const [traceId] = [...traceIds];
  const view = renderTrace(receiver.trace(traceId ?? ''));
  for (const line of view.split('\n')) t.diagnostic(line);

  const find = (service: string, name: string, kind: ReceivedSpan['kind']): ReceivedSpan => {
    const found = spans.filter((s) => s.serviceName === service && s.name === name && s.kind === kind);
    assert.equal(found.length, 1, `one ${kind} span "${name}" from ${service}\n${view}`);
    return found[0] as ReceivedSpan;
  };
  const root = find('frontend', 'GET /', 'SERVER');
  const toCatalog = find('frontend', 'GET /items', 'CLIENT');
  const inCatalog = find('catalog', 'GET /items', 'SERVER');
  const toInventory = find('catalog', 'inventory.Inventory/Check', 'CLIENT');
  const inInventory = find('inventory', 'inventory.Inventory/Check', 'SERVER');
  const toLedger = find('catalog', 'ledger', 'CLIENT');
  assert.equal(spans.length, 6, view);
  assert.deepEqual(
    [root, toCatalog, inCatalog, toInventory, inInventory, toLedger].map((s) => s.parentSpanId),
    [null, root.spanId, toCatalog.spanId, inCatalog.spanId, toInventory.spanId, inCatalog.spanId],
  );
  assert.ok(spans.every((s) => s.status.code !== 'ERROR'), view);
  assert.equal(inCatalog.attributes['service.version'], 'v2');
  assert.equal(toLedger.attributes['server.port'], ledger.port);
  assert.match(view, /^ {4}\[catalog\] GET \/items \(server\)/m);
});

void test('an incoming traceparent is continued, and without an OTLP endpoint nothing is exported', async (t) => {
  const receiver = await startOtlpReceiver({ host: HOST, port: 0 });
  t.after(() => receiver.close());
  const traced = await startInventory({ HOST, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
  t.after(() => traced.close());
  const ledger = await startLedger({ HOST, PORT: '0' });
  t.after(() => ledger.close());
  const catalog = await startCatalog({
    HOST,
    PORT: '0',
    INVENTORY_ADDR: `${HOST}:${traced.port}`,
    LEDGER_ADDR: `${HOST}:${ledger.port}`,
  });
  t.after(() => catalog.close());
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const reply = await getJson(`http://${HOST}:${catalog.port}/items`, { traceparent });
  assert.equal(reply.status, 200);
  await Promise.all([traced.flush(), catalog.flush()]);
  await eventually(() => receiver.spans().length >= 1, 3000);
  // The untraced catalog forwarded the caller's context unchanged (no span of its own), so inventory's span is a
  // direct child of the caller's span.
  assert.deepEqual(
    receiver.spans().map((s) => [s.serviceName, s.traceId, s.parentSpanId]),
    [['inventory', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7']],
  );
});
