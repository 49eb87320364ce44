// `npm run demo` (until the local-cluster demo lands): starts `meshlet control-plane` on a copy of
// examples/manifests, three greeter backends on loopback, and a stock @grpc/grpc-js-xds client that dials
// xds:///greeter.default.svc.cluster.local:50051. It shows round-robin across the two endpoints of the manifests,
// then adds a third endpoint and removes one by editing the EndpointSlice, timing how fast the client follows.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGreeterServer, type GreeterServer } from './greeter.js';
import {
  BACKEND_HOSTS, GREETER_PORT, GREETER_TARGET, callMany, callUntil, createXdsGreeterClient, timeUntilGone, registerXds,
  setGreeterEndpoints,
} from './scenario.js';
import { spawnMeshlet, waitForHttpOk, type MeshletProcess } from './spawn-meshlet.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifestsSource = path.resolve(here, import.meta.url.endsWith('.ts') ? '../manifests' : '../../../examples/manifests');
const XDS = process.env['MESHLET_DEMO_XDS'] ?? '127.0.0.1:15010';
const ADMIN = process.env['MESHLET_DEMO_ADMIN'] ?? '127.0.0.1:15014';

function step(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

function table(counts: Map<string, number>): string {
  return [...counts.entries()].sort().map(([who, n]) => `    ${who.padEnd(18)} ${'#'.repeat(n)} ${n}`).join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshlet-demo-'));
  const servers: GreeterServer[] = [];
  let cp0: MeshletProcess | undefined;
  const cleanup = async (): Promise<void> => {
    await cp0?.stop();
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    await cp(manifestsSource, dir, { recursive: true });
    step(`meshlet control-plane --manifests ${dir} --xds-listen ${XDS} --admin-listen ${ADMIN}`);
    cp0 = spawnMeshlet(['control-plane', '--manifests', dir, '--xds-listen', XDS, '--admin-listen', ADMIN]);
    await waitForHttpOk(`http://${ADMIN}/readyz`, cp0);
    process.stdout.write(`    ready: xDS on ${XDS}, admin on http://${ADMIN}/\n`);

    step(`greeter backends on ${BACKEND_HOSTS.map((h) => `${h}:${GREETER_PORT}`).join(', ')} (the manifests list the first two)`);
    for (const host of BACKEND_HOSTS) servers.push(await startGreeterServer(host, GREETER_PORT));

    step(`a stock @grpc/grpc-js-xds client dials ${GREETER_TARGET}: 20 calls`);
    process.stdout.write('    (each endpoint is its own locality, zone + node: grpc-js-xds picks a locality by weight, at random)\n');
    await registerXds(XDS, 'demo-greeter-client');
    const client = createXdsGreeterClient();
    process.stdout.write(table(await callMany(client, 20)) + '\n');

    const third = `${BACKEND_HOSTS[2]}:${GREETER_PORT}`;
    step(`add ${BACKEND_HOSTS[2]} to the EndpointSlice in ${path.join(dir, 'greeter.yaml')}`);
    await setGreeterEndpoints(dir, BACKEND_HOSTS);
    const added = await callUntil(client, (by) => by === third);
    process.stdout.write(added === undefined ? '    the new endpoint got no call within 5 s\n' : `    first call served by ${third} after ${added.toFixed(0)} ms\n`);
    process.stdout.write(table(await callMany(client, 30)) + '\n');

    const first = `${BACKEND_HOSTS[0]}:${GREETER_PORT}`;
    step(`remove ${BACKEND_HOSTS[0]} from the EndpointSlice`);
    await setGreeterEndpoints(dir, BACKEND_HOSTS.slice(1));
    const gone = await timeUntilGone(client, first);
    process.stdout.write(gone === undefined ? `    ${first} still served calls after 5 s\n` : `    last call served by ${first} ${gone.toFixed(0)} ms after the edit (then 20 calls in a row elsewhere)\n`);
    process.stdout.write(table(await callMany(client, 20)) + '\n');

    step(`meshlet proxy-status --admin ${ADMIN}   (the client is still connected)`);
    const status = spawnMeshlet(['proxy-status', '--admin', ADMIN]);
    await status.exited;
    process.stdout.write(status.stdout() + status.stderr());
    client.close();
    step('done: control plane stopped, backends closed, temporary manifests removed');
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
