// The measured world, built from the e2e tests' World (test/support/world.ts) as bench/proxy's is: network
// namespaces `ml-benchgw-*` (the node, running `meshlet control-plane`) and two pods on its bridge, none linked to
// the root namespace.
//
//   client pod 10.244.0.2                                                origin pod 10.244.0.3
//     wrk / TLS client ─ 127.0.0.1:8080 / :8443  meshlet gateway ─┐
//                      ─ 127.0.0.1:9080 / :9443  nginx (1 worker) ─┴──→ nginx :8080 (`hello\n`, bench/proxy's origin)
//
// Both proxies serve the same routes: host bench.example.com, /web (Prefix) → web, /api (Prefix) → api, both
// Services pointing at the origin; HTTPS with the same self-signed certificate (EC P-256, made with openssl at run
// time). The gateway gets them from the control plane (Services, EndpointSlices, an Ingress of class meshlet and
// a kubernetes.io/tls Secret); nginx from its configuration file. The client pod's /etc/hosts (through
// /etc/netns/<pod>/hosts, removed with the namespace) maps bench.example.com to 127.0.0.1, so that wrk's HTTPS runs
// send SNI bench.example.com.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCertificates, tlsSecretManifest, type TestCertificate } from '../../test/support/tls-certs.js';
import { eventually, MESHLET_MAIN, startControlPlane, World, type Host, type WorldProcess } from '../../test/support/world.js';
import { removeOnExit } from '../control-plane/children.js';
import { BODY, ORIGIN_HTTP_PORT, originServers, startNginx } from '../proxy/peers.js';
import type { Bench, Target } from '../proxy/topology.js';

export const HOST = 'bench.example.com';
export const GATEWAY = { http: 8080, https: 8443 } as const;
export const NGINX = { http: 9080, https: 9443 } as const;

export interface GatewayTarget extends Target {
  /** The same routes over HTTPS (keep-alive), by name so that SNI is bench.example.com. */
  readonly httpsUrl: string;
  readonly httpsPort: number;
}

export interface GatewayBench extends Bench {
  readonly targets: readonly GatewayTarget[];
  /** The client pod as it is, for processes other than wrk. */
  readonly pod: Host;
}

const service = (name: string, originIp: string): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: ${ORIGIN_HTTP_PORT}, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${ORIGIN_HTTP_PORT}, protocol: TCP}]
endpoints: [{addresses: ["${originIp}"], conditions: {ready: true}}]
`;

export function manifests(originIp: string, cert: TestCertificate): Record<string, string> {
  return {
    'web.yaml': service('web', originIp),
    'api.yaml': service('api', originIp),
    'tls.yaml': tlsSecretManifest('bench-tls', cert),
    'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench, namespace: default}
spec:
  ingressClassName: meshlet
  tls: [{hosts: [${HOST}], secretName: bench-tls}]
  rules:
  - host: ${HOST}
    http:
      paths:
      - {path: /web, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
`,
  };
}

/** nginx as the gateway's peer: the same host and paths, upstream keep-alive, HTTP and HTTPS (one worker). */
export function nginxGatewayServers(originIp: string, certFile: string, keyFile: string): string {
  const pass = 'proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;';
  return `  upstream origin {
    server ${originIp}:${ORIGIN_HTTP_PORT};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:${NGINX.http};
    listen 127.0.0.1:${NGINX.https} ssl;
    server_name ${HOST};
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    location /web { ${pass} }
    location /api { ${pass} }
    location / { return 404; }
  }`;
}

/** `host`, except that every wrk it starts sends `Host: bench.example.com` (bench/proxy's runWrk takes no headers). */
function sendingHostHeader(host: Host): Host {
  const wrapped = Object.create(host) as Host;
  wrapped.spawn = (label, cmd, args, options) => host.spawn(label, cmd, cmd === 'wrk' ? ['-H', `Host: ${HOST}`, ...args] : args, options);
  return wrapped;
}

/** curl from the client pod until `url` answers 200 with the origin's body (HTTPS: SNI by name, not verified). */
async function waitForRoute(pod: Host, url: string, watched: WorldProcess, timeoutMs = 20_000): Promise<void> {
  const args = ['-sSk', '--max-time', '1', '-H', `Host: ${HOST}`, '-w', '|%{http_code}', url];
  let last = '';
  const answered = async (): Promise<boolean> => {
    const r = await pod.run('curl', args, 3000);
    last = `${r.stdout} ${r.stderr}`.trim();
    return r.stdout === `${BODY}|200`;
  };
  if (await eventually(async () => !watched.running || (await answered()), timeoutMs, 100) && watched.running) return;
  throw new Error(`${url} (Host: ${HOST}) did not answer 200 "${BODY.trim()}" within ${timeoutMs} ms; last: ${last}\n${watched.describe()}`);
}

function startGateway(pod: Host, xds: string): WorldProcess {
  return pod.spawn('gateway', process.execPath, [
    MESHLET_MAIN, 'gateway', '--xds', xds, '--node-name', `gateway.default`, '--namespace', 'default',
    '--http-listen', `127.0.0.1:${GATEWAY.http}`, '--https-listen', `127.0.0.1:${GATEWAY.https}`,
    '--access-log', 'off', '--log-level', 'warn', '--drain-seconds', '0',
  ]);
}

/** The run's scratch directory (nginx files, the certificate): removed with the world, or on exit after Ctrl-C. */
function scratchOf(world: World): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-bench-gateway-'));
  world.onClose(() => rmSync(dir, { recursive: true, force: true }));
  removeOnExit(dir); // world.close() does not run on Ctrl-C; the bench's exit hook does
  chmodSync(dir, 0o755); // nginx workers run as nobody
  return dir;
}

/** Builds the world and starts everything; on any failure it is closed again before the error is thrown. */
export async function startGatewayBench(): Promise<GatewayBench> {
  const world = World.create('benchgw', ['client', 'origin']);
  try {
    const pod = world.pod('client');
    const originIp = world.pod('origin').ip;
    const scratch = scratchOf(world);
    const cert = makeCertificates([HOST]).get(HOST) as TestCertificate;
    const [certFile, keyFile] = [path.join(scratch, 'tls.crt'), path.join(scratch, 'tls.key')];
    writeFileSync(certFile, cert.cert);
    writeFileSync(keyFile, cert.key, { mode: 0o600 });
    const etc = path.join('/etc/netns', pod.netns.name); // removed with the namespace (Netns.delete)
    mkdirSync(etc, { recursive: true });
    writeFileSync(path.join(etc, 'hosts'), `127.0.0.1 localhost\n127.0.0.1 ${HOST}\n`);
    const origin = startNginx(world.pod('origin'), scratch, 'origin', originServers(originIp));
    const nginx = startNginx(pod, scratch, 'nginx-gateway', nginxGatewayServers(originIp, certFile, keyFile));
    const controlPlane = await startControlPlane(world, manifests(originIp, cert));
    removeOnExit(controlPlane.manifestsDir);
    const gateway = startGateway(pod, controlPlane.xds);
    const target = (name: string, process: WorldProcess, ports: { http: number; https: number }): GatewayTarget => ({
      name, protocol: 'http/1.1', url: `http://127.0.0.1:${ports.http}/web`, httpsUrl: `https://${HOST}:${ports.https}/web`,
      httpsPort: ports.https, proxy: { name, process },
    });
    const targets = [target('gateway', gateway, GATEWAY), target('nginx', nginx, NGINX)];
    await waitForRoute(pod, `http://${world.pod('origin').ip}:${ORIGIN_HTTP_PORT}/`, origin);
    for (const t of targets) {
      const watched = t.proxy?.process ?? origin;
      for (const url of [t.url, t.url.replace('/web', '/api'), t.httpsUrl]) await waitForRoute(pod, url, watched);
    }
    return { world, client: sendingHostHeader(pod), pod, sidecar: gateway, targets, scratch };
  } catch (e) {
    const detail = world.describe();
    await world.close();
    throw new Error(`${(e as Error).message}\n${detail}`);
  }
}
