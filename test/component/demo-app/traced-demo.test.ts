// The demo application traced end to end, in-process on 127.0.0.1: ledger (TCP), inventory (gRPC), catalog and
// frontend (HTTP), each with its own tracer provider exporting OTLP/HTTP JSON to the local receiver. One request to
// the frontend gives one trace: frontend → catalog → inventory, plus catalog's span for the ledger call, with the
// parent links the traceparent header/metadata carried. The rendered tree is printed as the test's diagnostic. The
// reply reports every hop: pod/ip/node of each app, who called it and which ip:port each call went to.
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
  const inventory = await start(startInventory, {
    POD_NAME: 'inventory-0',
    POD_IP: '10.244.2.4',
    NODE_NAME: 'node-b',
    OTEL_SERVICE_NAME: 'inventory',
  });
  const catalog = await start(startCatalog, {
    POD_NAME: 'catalog-v2-0',
    POD_IP: '10.244.1.3',
    NODE_NAME: 'node-a',
    VERSION: 'v2',
    OTEL_SERVICE_NAME: 'catalog',
    INVENTORY_ADDR: `${HOST}:${inventory.port}`,
    LEDGER_ADDR: `${HOST}:${ledger.port}`,
  });
  const frontend = await start(startFrontend, {
    POD_NAME: 'frontend-0',
    POD_IP: '10.244.1.2',
    NODE_NAME: 'node-a',
    OTEL_SERVICE_NAME: 'frontend',
    CATALOG_URL: `http://${HOST}:${catalog.port}`,
  });

  // As the sidecar would: the caller's address first in x-forwarded-for.
  const reply = await getJson(`http://${HOST}:${frontend.port}/`, { 'x-forwarded-for': ' 10.244.0.9 , 10.0.0.1' });
  assert.equal(reply.status, 200);
  assert.equal(reply.via, `${HOST}:${frontend.port}`);
  const body = reply.body as { catalog: { reply: { inventory: { reply: { caller: string } } } } };
  const inventoryCaller = body.catalog.reply.inventory.reply.caller;
  assert.match(inventoryCaller, /^127\.0\.0\.1:\d+$/, 'no x-forwarded-for in the metadata: the gRPC peer ip:port');
  assert.deepEqual(reply.body, {
    pod: 'frontend-0',
    ip: '10.244.1.2',
    node: 'node-a',
    caller: '10.244.0.9',
    forwardedFor: ['10.244.0.9', '10.0.0.1'],
    catalog: {
      via: `${HOST}:${catalog.port}`,
      reply: {
        pod: 'catalog-v2-0',
        ip: '10.244.1.3',
        node: 'node-a',
        version: 'v2',
        caller: HOST,
        inventory: {
          via: `${HOST}:${inventory.port}`,
          reply: {
            item: 'book',
            in_stock: stockOf('book'),
            served_by: 'inventory-0',
            ip: '10.244.2.4',
            node: 'node-b',
            caller: inventoryCaller,
          },
        },
        ledger: { via: `${HOST}:${ledger.port}`, line: 'ok ledger-0 1 lookup book by catalog-v2-0' },
      },
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
  const body = reply.body as Record<string, unknown>;
  assert.deepEqual([body['ip'], body['node'], body['caller']], ['', '', HOST], 'no POD_IP/NODE_NAME: empty strings');
  await Promise.all([traced.flush(), catalog.flush()]);
  await eventually(() => receiver.spans().length >= 1, 3000);
  // The untraced catalog forwarded the caller's context unchanged (no span of its own), so inventory's span is a
  // direct child of the caller's span.
  assert.deepEqual(
    receiver.spans().map((s) => [s.serviceName, s.traceId, s.parentSpanId]),
    [['inventory', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7']],
  );
});
