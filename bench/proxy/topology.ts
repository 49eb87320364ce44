// The measured world, built from the e2e tests' World (test/support/world.ts): network namespaces `ml-bench-*`
// (the node, running `meshlet control-plane`) and two pods on its bridge, none linked to the root namespace.
//
//   client pod 10.244.0.2                                       origin pod 10.244.0.3
//     wrk / h2load ── direct ───────────────────────────────────→ nginx :8080 (HTTP/1.1), :8081 (h2c)
//                  ── 10.96.0.50:80 (echo, http)     ┐
//                  ── 10.96.0.51:80 (echo-tcp, tcp)  ├ iptables → meshlet sidecar :15001 ──→ :8080 / :8081
//                  ── 10.96.0.52:80 (echo-h2, h2c)   ┘
//                  ── 127.0.0.3:80 haproxy (mode tcp) ─────────→ :8080
//                  ── 127.0.0.4:80 nginx (proxy_pass, keepalive) → :8080
//
// Every target crosses the same veth/bridge hop to the origin. The sidecar runs with `--capture iptables` as
// deployed; the origin pod's address is excluded from capture so that the direct runs and the peers' upstream
// connections reach it unproxied (the peers listen on loopback, which the capture rules never take).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  sleep, startControlPlane, startSidecar, waitForSidecar, World, type Host, type WorldProcess,
} from '../../test/support/world.js';
import {
  BODY, HAPROXY_LISTEN, NGINX_LISTEN, ORIGIN_H2C_PORT, ORIGIN_HTTP_PORT, nginxProxyServers, originServers, startHaproxy, startNginx,
} from './peers.js';
import { removeOnExit } from '../control-plane/children.js';

/** The flags that make the sidecar measurable: no access log, only warnings. */
export const QUIET_SIDECAR = ['--access-log', 'off', '--log-level', 'warn'];

export type Protocol = 'http/1.1' | 'h2c';

export interface Target {
  readonly name: string;
  readonly protocol: Protocol;
  readonly url: string;
  /** The proxy whose CPU and memory are read around each run; undefined for the direct runs. */
  readonly proxy: { readonly name: string; readonly process: WorldProcess } | undefined;
}

export interface Bench {
  readonly world: World;
  readonly client: Host;
  readonly sidecar: WorldProcess;
  readonly targets: readonly Target[];
  /** A directory for the run's scratch files (removed with the world). */
  readonly scratch: string;
}

/** A Service on port 80 with a fixed ClusterIP and its EndpointSlice; `portFields` names the port (and its appProtocol). */
function service(name: string, clusterIP: string, portFields: string, targetPort: number, originIp: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  clusterIP: ${clusterIP}
  selector: {app: ${name}}
  ports:
  - {${portFields}, port: 80, targetPort: ${targetPort}, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports:
- {${portFields}, port: ${targetPort}, protocol: TCP}
endpoints:
- addresses: ["${originIp}"]
  conditions: {ready: true}
`;
}

export function manifests(originIp: string): Record<string, string> {
  return {
    'echo.yaml': service('echo', '10.96.0.50', 'name: http', ORIGIN_HTTP_PORT, originIp),
    'echo-tcp.yaml': service('echo-tcp', '10.96.0.51', 'name: tcp-echo', ORIGIN_HTTP_PORT, originIp),
    'echo-h2.yaml': service('echo-h2', '10.96.0.52', 'name: web, appProtocol: kubernetes.io/h2c', ORIGIN_H2C_PORT, originIp),
  };
}

/** GET `url` from the client pod until it answers 200 with the origin's body (curl; h2c with prior knowledge). */
async function waitForBody(client: Host, target: Target, watched: WorldProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const h2 = target.protocol === 'h2c' ? ['--http2-prior-knowledge'] : [];
  let last = '';
  while (Date.now() < deadline && watched.running) {
    const r = await client.run('curl', ['-sS', '--max-time', '1', ...h2, '-w', '|%{http_code}|%{http_version}', target.url], 3000);
    if (r.stdout === `${BODY}|200|${target.protocol === 'h2c' ? '2' : '1.1'}`) return;
    last = `${r.stdout} ${r.stderr}`.trim();
    await sleep(100);
  }
  throw new Error(`${target.name} (${target.url}) did not answer 200 "${BODY.trim()}" within ${timeoutMs} ms; last: ${last}\n${watched.describe()}`);
}

/** Builds the world and starts everything; on any failure it is closed again before the error is thrown. */
export async function startBench(): Promise<Bench> {
  const world = World.create('bench', ['client', 'origin']);
  try {
    const client = world.pod('client');
    const originIp = world.pod('origin').ip;
    const scratch = mkdtempSync(path.join(tmpdir(), 'meshlet-bench-proxy-'));
    world.onClose(() => rmSync(scratch, { recursive: true, force: true }));
    removeOnExit(scratch); // world.close() does not run on Ctrl-C; the bench's exit hook does
    chmodSync(scratch, 0o755); // nginx workers run as nobody
    const origin = startNginx(world.pod('origin'), scratch, 'origin', originServers(originIp));
    const haproxy = startHaproxy(client, scratch, originIp);
    const nginx = startNginx(client, scratch, 'nginx-proxy', nginxProxyServers(originIp));
    const controlPlane = await startControlPlane(world, manifests(originIp));
    removeOnExit(controlPlane.manifestsDir);
    const sidecar = startSidecar(client, controlPlane, [...QUIET_SIDECAR, '--exclude-outbound-cidrs', `${originIp}/32`]);
    await waitForSidecar(client, sidecar);
    const viaSidecar = { name: 'sidecar', process: sidecar };
    const targets: Target[] = [
      { name: 'direct', protocol: 'http/1.1', url: `http://${originIp}:${ORIGIN_HTTP_PORT}/`, proxy: undefined },
      { name: 'sidecar L7', protocol: 'http/1.1', url: 'http://10.96.0.50/', proxy: viaSidecar },
      { name: 'sidecar L4', protocol: 'http/1.1', url: 'http://10.96.0.51/', proxy: viaSidecar },
      { name: 'haproxy tcp', protocol: 'http/1.1', url: `http://${HAPROXY_LISTEN}/`, proxy: { name: 'haproxy', process: haproxy } },
      { name: 'nginx http', protocol: 'http/1.1', url: `http://${NGINX_LISTEN}/`, proxy: { name: 'nginx', process: nginx } },
      { name: 'direct h2c', protocol: 'h2c', url: `http://${originIp}:${ORIGIN_H2C_PORT}/`, proxy: undefined },
      { name: 'sidecar h2c', protocol: 'h2c', url: 'http://10.96.0.52/', proxy: viaSidecar },
    ];
    for (const target of targets) await waitForBody(client, target, target.proxy?.process ?? origin);
    return { world, client, sidecar, targets, scratch };
  } catch (e) {
    const detail = world.describe();
    await world.close();
    throw new Error(`${(e as Error).message}\n${detail}`);
  }
}
