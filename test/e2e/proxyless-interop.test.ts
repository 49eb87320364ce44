// Interop with a client we did not write: a stock @grpc/grpc-js-xds client, bootstrapped with only the server
// address and a node id, is load-balanced by `meshlet control-plane` (a real child process) across greeter
// backends declared in manifests, and follows endpoint changes made by editing the manifests.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startGreeterServer, type GreeterClient, type GreeterServer } from '../../examples/proxyless/greeter.js';
import {
  BACKEND_HOSTS, GREETER_PORT, callMany, callUntil, createXdsGreeterClient, registerXds, setGreeterEndpoints,
  timeUntilGone,
} from '../../examples/proxyless/scenario.js';
import { spawnMeshlet, waitForHttpOk, type MeshletProcess } from '../../examples/proxyless/spawn-meshlet.js';
import { freePort } from '../support/ports.js';

const [HOST_A, HOST_B, HOST_C] = BACKEND_HOSTS;
const at = (host: string): string => `${host}:${GREETER_PORT}`;

let dir = '';
let controlPlane: MeshletProcess | undefined;
let adminUrl = '';
let client: GreeterClient | undefined;
const servers: GreeterServer[] = [];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'meshlet-interop-'));
  await cp(path.resolve('examples/manifests'), dir, { recursive: true });
  const xds = `127.0.0.1:${await freePort()}`;
  adminUrl = `http://127.0.0.1:${await freePort()}`;
  controlPlane = spawnMeshlet(['control-plane', '--manifests', dir, '--xds-listen', xds, '--admin-listen', adminUrl.slice(7), '--debounce-ms', '50']);
  await waitForHttpOk(`${adminUrl}/readyz`, controlPlane);
  for (const host of BACKEND_HOSTS) servers.push(await startGreeterServer(host, GREETER_PORT));
  await registerXds(xds, 'interop-test-client');
  client = createXdsGreeterClient();
});

after(async () => {
  client?.close();
  await controlPlane?.stop();
  await Promise.all(servers.map((s) => s.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

// The two endpoints sit on different nodes, so they are two localities (zone, node): grpc-js-xds picks a
// locality at random by weight (weighted_target) and round-robins inside it. Over 100 calls each endpoint gets
// 50 ± 5 (one standard deviation); the bounds below are four of them.
test('balances real gRPC calls across the two endpoints of the manifests', async () => {
  assert.ok(client);
  // grpc-js round robin picks among READY subchannels; the second one may still be connecting on the first call.
  const warm = await callUntil(client, (by) => by === at(HOST_B ?? ''), { timeoutMs: 5000, intervalMs: 5 });
  assert.ok(warm !== undefined, 'the second endpoint never received a call');
  const counts = await callMany(client, 100);
  assert.deepEqual([...counts.keys()].sort(), [at(HOST_A ?? ''), at(HOST_B ?? '')]);
  const a = counts.get(at(HOST_A ?? '')) ?? 0;
  assert.ok(a >= 30 && a <= 70, `uneven: ${JSON.stringify([...counts])}`);
});

test('the control plane reports the proxyless client as SYNCED on every type it subscribed to', async () => {
  const syncz = (await (await fetch(`${adminUrl}/debug/syncz`)).json()) as Array<{
    proxy: string; role: string; types: Record<string, { status: string }>;
  }>;
  const entry = syncz.find((e) => e.proxy === 'interop-test-client');
  assert.ok(entry, JSON.stringify(syncz));
  assert.equal(entry.role, 'proxyless');
  for (const type of ['LDS', 'RDS', 'CDS', 'EDS']) assert.equal(entry.types[type]?.status, 'SYNCED', type);
});

test('a third endpoint added to the manifests receives calls within 1 s', async () => {
  assert.ok(client);
  await setGreeterEndpoints(dir, [HOST_A ?? '', HOST_B ?? '', HOST_C ?? '']);
  const ms = await callUntil(client, (by) => by === at(HOST_C ?? ''), { timeoutMs: 5000, intervalMs: 5 });
  assert.ok(ms !== undefined, 'the new endpoint never received a call');
  assert.ok(ms <= 1000, `took ${ms.toFixed(0)} ms`);
  const counts = await callMany(client, 30);
  assert.equal(counts.size, 3, JSON.stringify([...counts]));
});

test('an endpoint deleted from the manifests stops receiving calls', async () => {
  assert.ok(client);
  await setGreeterEndpoints(dir, [HOST_B ?? '', HOST_C ?? '']);
  const lastSeen = await timeUntilGone(client, at(HOST_A ?? ''));
  assert.ok(lastSeen !== undefined, `${at(HOST_A ?? '')} kept receiving calls`);
  assert.ok(lastSeen <= 1000, `last call to the removed endpoint ${lastSeen.toFixed(0)} ms after the edit`);
  const counts = await callMany(client, 30);
  assert.equal(counts.get(at(HOST_A ?? '')), undefined, JSON.stringify([...counts]));
});
