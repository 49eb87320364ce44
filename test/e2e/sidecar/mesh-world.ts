// The meshed world the sidecar e2e tests start: a World (test/support/world.ts) whose node runs
// `meshlet control-plane`, a client pod `a` running pod-client.ts, and server pods running pod-server.ts, every
// pod with `meshlet sidecar --capture iptables` beside its app. Pod IPs follow creation order: a is 10.244.0.2,
// the servers .3, .4, ...
import assert from 'node:assert/strict';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { httpService } from '../../support/mesh-harness.js';
import {
  eventually, startControlPlane, startSidecar, waitForSidecar, World, type ControlPlane, type Host, type WorldProcess,
} from '../../support/world.js';
import type { ClientCommand, ClientReply } from './pod-client.js';
import type { ServerReport } from './pod-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HTTP_PORT = 8080;
export const TCP_PORT = 9000;
export const GRPC_PORT = 50051;

/** A Service with one port, a fixed ClusterIP and its EndpointSlice (httpService with the port renamed). */
export function service(
  name: string, clusterIP: string, port: { name: string; port: number; targetPort: number }, endpoints: readonly string[],
  annotations: Record<string, string> = {},
): string {
  return httpService(name, port.port, endpoints, port.targetPort, annotations)
    .replace('\nspec:\n', `\nspec:\n  clusterIP: ${clusterIP}\n`)
    .replaceAll('{name: http,', `{name: ${port.name},`);
}

/** The app of pod `a`, driven over stdin (pod-client.ts). */
export class PodClient {
  private nextId = 1;
  private readonly pending = new Map<number, (r: ClientReply) => void>();

  constructor(readonly process: WorldProcess) {
    const stdout = process.child.stdout;
    assert.ok(stdout);
    createInterface({ input: stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const r = JSON.parse(line) as ClientReply;
      this.pending.get(r.id)?.(r);
      this.pending.delete(r.id);
    });
  }

  send(command: ClientCommand, timeoutMs = 5000): Promise<ClientReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, ok: false, error: `the client app did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.process.child.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  /** GET `url` from the app; the server's report, or what went wrong (a status other than 200 included). */
  async get(url: string): Promise<{ report: ServerReport } | { error: string }> {
    const r = await this.send({ op: 'http', url });
    if (!r.ok) return { error: r.error };
    if (r.status !== 200) return { error: `HTTP ${r.status}: ${r.body.slice(0, 300)}` };
    return { report: JSON.parse(r.body) as ServerReport };
  }
}

/** One access-log line of a sidecar (the fields the tests read). */
export interface AccessLine {
  readonly type: 'http' | 'tcp';
  readonly direction: 'inbound' | 'outbound';
  readonly upstream_cluster: string | null;
  readonly upstream_host: string | null;
  readonly protocol?: string;
  readonly path?: string;
  readonly response_code?: number;
}

/** The access-log lines a sidecar has printed so far (JSON lines with a `type` on stdout). */
export function accessLog(sidecar: WorldProcess): AccessLine[] {
  return sidecar
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"type":'))
    .map((l) => JSON.parse(l) as AccessLine);
}

/** The access-log lines `match` accepts, once there are at least `count` (the log is written asynchronously). */
export async function accessLines(sidecar: WorldProcess, match: (l: AccessLine) => boolean, count = 1, timeoutMs = 3000): Promise<AccessLine[]> {
  let lines: AccessLine[] = [];
  await eventually(() => (lines = accessLog(sidecar).filter(match)).length >= count, timeoutMs);
  return lines;
}

export interface MeshWorld {
  readonly world: World;
  readonly controlPlane: ControlPlane;
  readonly client: PodClient;
  /** Sidecars by pod name. */
  readonly sidecars: ReadonlyMap<string, WorldProcess>;
  /** Server apps by pod name. */
  readonly servers: ReadonlyMap<string, WorldProcess>;
  pod(name: string): Host;
  close(): Promise<void>;
}

/**
 * Builds the world (pods `a` and `serverNames`), serves `manifests(world)` from the control plane, starts every
 * sidecar and app and waits until each app printed `ready` and each sidecar's /healthz/ready answers 200.
 */
export async function startMeshWorld(purpose: string, serverNames: readonly string[], manifests: (world: World) => Record<string, string>): Promise<MeshWorld> {
  const world = World.create(purpose, ['a', ...serverNames]);
  try {
    const controlPlane = await startControlPlane(world, manifests(world));
    const sidecars = new Map(['a', ...serverNames].map((name) => [name, startSidecar(world.pod(name), controlPlane)]));
    const tsx = (pod: Host, label: string, script: string, args: readonly string[], stdin = false): WorldProcess =>
      pod.spawn(label, process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { stdin });
    const servers = new Map(
      serverNames.map((name) => {
        const pod = world.pod(name);
        return [name, tsx(pod, 'app', 'pod-server.ts', [name, pod.ip, String(HTTP_PORT), String(TCP_PORT), String(GRPC_PORT)])];
      }),
    );
    const client = new PodClient(tsx(world.pod('a'), 'app', 'pod-client.ts', [], true));
    await Promise.all([
      ...[...sidecars].map(([name, sidecar]) => waitForSidecar(world.pod(name), sidecar)),
      ...[...servers.values(), client.process].map((app) => app.waitForOutput(/^ready$/m, 20_000)),
    ]);
    return { world, controlPlane, client, sidecars, servers, pod: (name) => world.pod(name), close: () => world.close() };
  } catch (e) {
    const detail = world.describe();
    await world.close();
    throw new Error(`${(e as Error).message}\n${detail}`);
  }
}

/** Shorthand for a map lookup the test set up itself. */
export function the<T>(map: ReadonlyMap<string, T>, key: string): T {
  const value = map.get(key);
  assert.ok(value !== undefined, `no ${key}`);
  return value;
}
