// The proxyless gRPC scenario shared by `npm run demo` and the interop end-to-end test: a stock
// @grpc/grpc-js-xds client dials xds:///greeter.default.svc.cluster.local:50051 and is load-balanced by meshlet's
// control plane across greeter backends on loopback addresses; endpoints change by editing the manifests.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createGreeterClient, sayHello, type GreeterClient } from './greeter.js';

export const GREETER_TARGET = 'xds:///greeter.default.svc.cluster.local:50051';
export const GREETER_PORT = 50051;
/** The loopback addresses the demo's greeter backends listen on (all of 127.0.0.0/8 is local on Linux). */
export const BACKEND_HOSTS = ['127.0.0.11', '127.0.0.12', '127.0.0.13'] as const;

/** A stock grpc-js-xds bootstrap: server address, node id and an empty locality, nothing meshlet-specific. */
export function bootstrapJson(xdsAddress: string, nodeId: string): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: nodeId, locality: {} },
  });
}

/**
 * Registers the xds: resolver with a bootstrap for `xdsAddress`. grpc-js-xds reads the bootstrap once per
 * process, when the first xds: channel is created, so this must run before any client exists.
 */
export async function registerXds(xdsAddress: string, nodeId: string): Promise<void> {
  process.env['GRPC_XDS_BOOTSTRAP_CONFIG'] = bootstrapJson(xdsAddress, nodeId);
  const xds = await import('@grpc/grpc-js-xds');
  xds.register();
}

export function createXdsGreeterClient(): GreeterClient {
  return createGreeterClient(GREETER_TARGET);
}

/** Makes `count` calls one after another and counts replies per backend (`served_by`). */
export async function callMany(client: GreeterClient, count: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const reply = await sayHello(client, `call ${i}`);
    counts.set(reply.served_by, (counts.get(reply.served_by) ?? 0) + 1);
  }
  return counts;
}

/**
 * Calls every `intervalMs` until `done(servedBy)` holds for a reply, or `timeoutMs` passes.
 * Returns the milliseconds it took, or undefined on timeout. Bounded in time and count.
 */
export async function callUntil(
  client: GreeterClient,
  done: (servedBy: string) => boolean,
  { timeoutMs = 5000, intervalMs = 10 } = {},
): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const reply = await sayHello(client, 'probe');
    if (done(reply.served_by)) return performance.now() - start;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return undefined;
}

/**
 * After an endpoint is removed: milliseconds from now until the last call it served, confirmed by `streak`
 * calls in a row served elsewhere; undefined if that does not happen within `timeoutMs`.
 */
export async function timeUntilGone(
  client: GreeterClient,
  gone: string,
  { streak = 20, timeoutMs = 5000 } = {},
): Promise<number | undefined> {
  const start = performance.now();
  let lastSeen = 0;
  let run = 0;
  const done = await callUntil(
    client,
    (by) => {
      if (by !== gone) return ++run >= streak;
      lastSeen = performance.now() - start;
      run = 0;
      return false;
    },
    { timeoutMs, intervalMs: 5 },
  );
  return done === undefined ? undefined : lastSeen;
}

const SLICE_FILE = 'greeter.yaml';

function endpointYaml(ip: string, node: string, pod: string): string {
  return [
    `- addresses: ["${ip}"]`,
    '  conditions: {ready: true, serving: true, terminating: false}',
    `  nodeName: ${node}`,
    '  zone: zone-a',
    `  targetRef: {kind: Pod, namespace: default, name: ${pod}}`,
  ].join('\n');
}

/** Rewrites the greeter EndpointSlice in `manifestsDir` so that it lists exactly `hosts`. */
export async function setGreeterEndpoints(manifestsDir: string, hosts: readonly string[]): Promise<void> {
  const file = path.join(manifestsDir, SLICE_FILE);
  const text = await readFile(file, 'utf8');
  const head = text.slice(0, text.indexOf('endpoints:\n') + 'endpoints:\n'.length);
  const body = hosts.map((ip, i) => endpointYaml(ip, `node-${(i % 2) + 1}`, `greeter-7d9f8-${ip.replace(/\./g, '-')}`));
  await writeFile(file + '.tmp', head + body.join('\n') + '\n');
  // rename is atomic: the control plane never reads a half-written file
  const { rename } = await import('node:fs/promises');
  await rename(file + '.tmp', file);
}
