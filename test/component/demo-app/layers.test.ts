// The "layers" the demo apps report, in-process on 127.0.0.1: who called each app (first x-forwarded-for entry,
// else the socket's or gRPC peer) and which ip:port each outgoing call went to (`via`), plus pod/ip/node from the
// downward-API variables; failures keep 502 with the same identity and an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCatalog, tcpLineVia } from '../../../examples/demo-app/catalog.js';
import { startFrontend } from '../../../examples/demo-app/frontend.js';
import { getJson } from '../../../examples/demo-app/http.js';
import { startInventory, stockOf } from '../../../examples/demo-app/inventory.js';
import { check, createInventoryClient } from '../../../examples/demo-app/inventory-proto.js';
import { startLedger } from '../../../examples/demo-app/ledger.js';
import { firstForwardedFor, hostPort, isIpPort, stripPeerScheme } from '../../../examples/demo-app/peer.js';
import { freePort } from '../../support/ports.js';

const HOST = '127.0.0.1';

void test('peer helpers: first x-forwarded-for entry, gRPC peer scheme, ip:port, IPv6 brackets', () => {
  assert.equal(firstForwardedFor(' 10.0.0.1 , 10.0.0.2'), '10.0.0.1');
  assert.equal(firstForwardedFor(['10.0.0.3', '10.0.0.4']), '10.0.0.3');
  assert.equal(firstForwardedFor(' '), undefined);
  assert.equal(firstForwardedFor([]), undefined);
  assert.equal(firstForwardedFor(undefined), undefined);
  assert.equal(stripPeerScheme('ipv4:10.96.0.5:50051'), '10.96.0.5:50051');
  assert.equal(stripPeerScheme('ipv6:[fd00::5]:50051'), '[fd00::5]:50051');
  assert.equal(stripPeerScheme('10.96.0.5:50051'), '10.96.0.5:50051');
  assert.deepEqual(
    ['10.96.0.5:50051', '[fd00::5]:50051', 'unknown', 'inventory:50051', 'dns:inventory:50051'].map(isIpPort),
    [true, true, false, false, false],
  );
  assert.equal(hostPort('fd00::5', 80), '[fd00::5]:80');
  assert.equal(hostPort('10.0.0.1', 80), '10.0.0.1:80');
  assert.equal(hostPort(undefined, 80), '');
});

void test('inventory: the reply carries ip, node and the caller from x-forwarded-for, else the gRPC peer', async (t) => {
  const inventory = await startInventory({ HOST, PORT: '0', POD_NAME: 'inventory-1', POD_IP: '10.244.3.7', NODE_NAME: 'node-c' });
  t.after(() => inventory.close());
  const client = createInventoryClient(`${HOST}:${inventory.port}`);
  t.after(() => client.close());
  const forwarded = await check(client, { item: 'pen' }, { 'x-forwarded-for': '10.244.1.3 , 10.0.0.1' }, 'fallback:1');
  assert.deepEqual(forwarded, {
    via: `${HOST}:${inventory.port}`,
    reply: { item: 'pen', in_stock: stockOf('pen'), served_by: 'inventory-1', ip: '10.244.3.7', node: 'node-c', caller: '10.244.1.3' },
  });
  const direct = await check(client, { item: 'pen' }, {}, 'fallback:1');
  assert.match(direct.reply.caller, /^127\.0\.0\.1:\d+$/, 'the gRPC peer, without an ipv4: prefix');
  assert.equal(direct.via, `${HOST}:${inventory.port}`);
});

void test('ledger over TCP: via is the ip:port connected to; the line format is unchanged', async (t) => {
  const ledger = await startLedger({ HOST, PORT: '0', POD_NAME: 'ledger-2' });
  t.after(() => ledger.close());
  assert.deepEqual(await tcpLineVia(HOST, ledger.port, 'hi'), { via: `${HOST}:${ledger.port}`, line: 'ok ledger-2 1 hi' });
});

void test('catalog: caller from x-forwarded-for, via per call; a failed call is 502 with the identity and an error', async (t) => {
  const inventory = await startInventory({ HOST, PORT: '0', POD_NAME: 'inventory-0' });
  t.after(() => inventory.close());
  const ledger = await startLedger({ HOST, PORT: '0', POD_NAME: 'ledger-0' });
  t.after(() => ledger.close());
  const env = { HOST, PORT: '0', POD_NAME: 'catalog-v1-0', POD_IP: '10.244.1.5', NODE_NAME: 'node-a', VERSION: 'v1' };
  const catalog = await startCatalog({ ...env, INVENTORY_ADDR: `${HOST}:${inventory.port}`, LEDGER_ADDR: `${HOST}:${ledger.port}` });
  t.after(() => catalog.close());
  const ok = await getJson(`http://${HOST}:${catalog.port}/items`, { 'x-forwarded-for': '10.244.1.2' });
  assert.equal(ok.status, 200);
  const body = ok.body as Record<string, unknown>;
  assert.deepEqual(
    [body['pod'], body['ip'], body['node'], body['version'], body['caller']],
    ['catalog-v1-0', '10.244.1.5', 'node-a', 'v1', '10.244.1.2'],
  );
  assert.equal((body['inventory'] as { via: string }).via, `${HOST}:${inventory.port}`);
  assert.equal((body['inventory'] as { reply: { caller: string } }).reply.caller.startsWith(`${HOST}:`), true);
  assert.deepEqual(body['ledger'], { via: `${HOST}:${ledger.port}`, line: 'ok ledger-0 1 lookup book by catalog-v1-0' });

  const closed = await freePort(HOST);
  const broken = await startCatalog({ ...env, INVENTORY_ADDR: `${HOST}:${inventory.port}`, LEDGER_ADDR: `${HOST}:${closed}` });
  t.after(() => broken.close());
  const failed = await getJson(`http://${HOST}:${broken.port}/items`, {});
  assert.equal(failed.status, 502);
  const { error, ...who } = failed.body as Record<string, unknown>;
  assert.equal(typeof error, 'string');
  assert.deepEqual(who, { pod: 'catalog-v1-0', ip: '10.244.1.5', node: 'node-a', version: 'v1', caller: HOST });
});

void test('frontend: caller falls back to the socket address; an unreachable catalog is 502 with an error', async (t) => {
  const closed = await freePort(HOST);
  const frontend = await startFrontend({ HOST, PORT: '0', POD_NAME: 'frontend-1', CATALOG_URL: `http://${HOST}:${closed}` });
  t.after(() => frontend.close());
  const failed = await getJson(`http://${HOST}:${frontend.port}/`, {});
  assert.equal(failed.status, 502);
  const { error, ...who } = failed.body as Record<string, unknown>;
  assert.match(String(error), /ECONNREFUSED/);
  assert.deepEqual(who, { pod: 'frontend-1', ip: '', node: '', caller: HOST, forwardedFor: [] });
  const behindGateway = await getJson(`http://${HOST}:${frontend.port}/`, { 'x-forwarded-for': '172.19.0.3, 10.244.2.5' });
  const { error: _e, ...chain } = behindGateway.body as Record<string, unknown>;
  assert.deepEqual(chain, { pod: 'frontend-1', ip: '', node: '', caller: '172.19.0.3', forwardedFor: ['172.19.0.3', '10.244.2.5'] });
});
