// The ingress gateway end to end in a local cluster: `meshlet gateway` in meshlet-system behind a LoadBalancer
// Service, configured by the control plane from Ingresses, a Gateway with an HTTPRoute, and two kubernetes.io/tls
// Secrets. From the external namespace: host and path routing (exact host, one-label wildcard, default 404),
// TLS with the certificate chosen by SNI over HTTP/1.1 and HTTP/2, a 90/10 weighted HTTPRoute over 2,000
// requests, and a slowloris client and oversized headers rejected while other clients are served.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { down, up } from '../../../localcluster/cluster.js';
import type { ClusterState } from '../../../localcluster/state.js';
import { clusterAppDeployment } from '../../support/cluster-app.js';
import { makeCertificates, tlsSecretManifest, type TestCertificate } from '../../support/tls-certs.js';
import { netnsSkip } from '../../support/world.js';

const NAME = 'mle2egw';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLIENT = path.join(ROOT, 'test/e2e/localcluster/gateway-client.ts');
const skip = netnsSkip('gateway e2e');
/** The gateway's header deadline in this test (the default is 10 s). */
const HEADER_TIMEOUT_MS = 2000;


function certificatesFor(hosts: readonly [string, string]): [TestCertificate, TestCertificate] {
  const made = makeCertificates(hosts);
  const [a, b] = hosts.map((h) => made.get(h));
  assert.ok(a && b);
  return [a, b];
}

const echo = (name: string, version: string): string => `${clusterAppDeployment({ name, labels: { app: 'echo', version } })}---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: echo, version: ${version}}
  ports: [{name: http, port: 80, targetPort: http}]
`;

function manifests(a: TestCertificate, b: TestCertificate): string {
  return [
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: meshlet-gateway, namespace: meshlet-system}
spec:
  replicas: 1
  selector: {matchLabels: {app: meshlet-gateway}}
  template:
    metadata:
      labels: {app: meshlet-gateway}
      annotations: {sidecar.meshlet.io/inject: "false"}
    spec:
      containers:
        - name: gateway
          image: meshlet/meshlet
          command: [node, --import, tsx, cli/main.ts, gateway, --xds, "172.19.0.1:15010", --node-name, "$(POD_NAME).$(POD_NAMESPACE)",
                    --namespace, "$(POD_NAMESPACE)", --request-headers-timeout-ms, "${HEADER_TIMEOUT_MS}", --access-log, "off"]
          ports: [{name: http, containerPort: 8080}, {name: https, containerPort: 8443}]
          readinessProbe: {httpGet: {path: /healthz/ready, port: 15021}, periodSeconds: 1}
`,
    `apiVersion: v1
kind: Service
metadata: {name: meshlet-gateway, namespace: meshlet-system}
spec:
  type: LoadBalancer
  selector: {app: meshlet-gateway}
  ports: [{name: http, port: 80, targetPort: http}, {name: https, port: 443, targetPort: https}]
`,
    echo('echo-v1', 'v1'),
    echo('echo-v2', 'v2'),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: hosts}
spec:
  ingressClassName: meshlet
  tls:
    - {hosts: [a.example.com], secretName: a-tls}
    - {hosts: ["*.b.example.com"], secretName: b-tls}
  rules:
    - host: a.example.com
      http:
        paths:
          - {path: /app, pathType: Prefix, backend: {service: {name: echo-v1, port: {number: 80}}}}
          - {path: /exact, pathType: Exact, backend: {service: {name: echo-v2, port: {name: http}}}}
    - host: "*.b.example.com"
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: echo-v2, port: {number: 80}}}}]
`,
    tlsSecretManifest('a-tls', a),
    tlsSecretManifest('b-tls', b),
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web}
spec:
  gatewayClassName: meshlet
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: canary.example.com}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: canary}
spec:
  parentRefs: [{name: web}]
  hostnames: [canary.example.com]
  rules:
    - backendRefs: [{name: echo-v1, port: 80, weight: 90}, {name: echo-v2, port: 80, weight: 10}]
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-canary, value: "yes"}]}}]
`,
  ].join('---\n');
}

interface Answer {
  status: number;
  body?: { pod?: string; host?: string; path?: string; headers?: Record<string, string> } | string;
  alpn?: string;
  certSubject?: string;
  error?: string;
}

describe('meshlet gateway in a local cluster', { skip }, () => {
  let dir: string;
  let state: ClusterState;
  const LB = '172.20.0.1';

  function ask(plan: readonly object[]): Answer[] {
    const r = spawnSync('ip', ['netns', 'exec', state.plan.external.namespace, process.execPath, '--import', 'tsx', CLIENT, JSON.stringify(plan)], {
      encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, `gateway-client: ${r.error?.message ?? ''} ${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Answer);
  }
  const pod = (a: Answer | undefined): string => (typeof a?.body === 'object' ? (a.body.pod ?? '') : '');

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'meshlet-gw-'));
    writeFileSync(path.join(dir, 'all.yaml'), manifests(...certificatesFor(['a.example.com', '*.b.example.com'])));
    await down(NAME);
    state = await up({ name: NAME, manifests: path.join(dir, 'all.yaml'), cwd: ROOT, readyTimeoutMs: 30_000 });
    // The gateway's listeners come over xDS once it is ready; wait until a route answers from outside.
    const deadline = Date.now() + 20_000;
    while (ask([{ url: `http://${LB}/app`, host: 'a.example.com' }])[0]?.status !== 200) {
      assert.ok(Date.now() < deadline, 'the gateway did not route a.example.com/app within 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  after(async () => {
    await down(NAME);
    rmSync(dir, { recursive: true, force: true });
  });

  void test('host and path routing: exact host, Exact and Prefix paths, one-label wildcard, 404 for the rest', () => {
    const rows: ReadonlyArray<[string, string, number, string]> = [
      ['a.example.com', '/app', 200, 'echo-v1'],
      ['a.example.com', '/app/x?q=1', 200, 'echo-v1'],
      ['a.example.com', '/apple', 404, ''],
      ['a.example.com', '/exact', 200, 'echo-v2'],
      ['a.example.com', '/exact/more', 404, ''],
      ['x.b.example.com', '/anything', 200, 'echo-v2'],
      ['y.x.b.example.com', '/', 404, ''], // a wildcard matches exactly one label
      ['unknown.example.com', '/app', 404, ''],
    ];
    const answers = ask(rows.map(([host, p]) => ({ url: `http://${LB}${p}`, host })));
    rows.forEach(([host, p, status, backend], i) => {
      const a = answers[i];
      assert.equal(a?.status, status, `${host}${p}: ${JSON.stringify(a)}`);
      if (backend !== '') assert.ok(pod(a).startsWith(`${backend}-`), `${host}${p} went to ${pod(a)}`);
    });
    const headers = typeof answers[0]?.body === 'object' ? answers[0].body.headers : undefined;
    assert.equal(headers?.['x-forwarded-proto'], 'http');
    assert.match(headers?.['x-forwarded-for'] ?? '', /^172\.19\.0\.\d+|^10\.244\.\d+\.1/, 'the gateway saw the node proxy');
    assert.ok(headers?.['x-request-id'], 'the gateway sets x-request-id');
  });

  void test('TLS: the certificate is chosen by SNI, HTTP/2 by ALPN', () => {
    const answers = ask([
      { url: `https://${LB}/app`, host: 'a.example.com', servername: 'a.example.com', alpn: 'http/1.1' },
      { url: `https://${LB}/app`, host: 'a.example.com', servername: 'a.example.com', alpn: 'h2' },
      { url: `https://${LB}/x`, host: 'x.b.example.com', servername: 'x.b.example.com', alpn: 'h2' },
    ]);
    assert.deepEqual(answers.map((a) => [a.status, a.certSubject, a.alpn]), [
      [200, 'a.example.com', 'http/1.1'],
      [200, 'a.example.com', 'h2'],
      [200, '*.b.example.com', 'h2'],
    ]);
    assert.ok(pod(answers[2]).startsWith('echo-v2-'));
    const headers = typeof answers[0]?.body === 'object' ? answers[0].body.headers : undefined;
    assert.equal(headers?.['x-forwarded-proto'], 'https');
  });

  void test('a 90/10 weighted HTTPRoute splits 2,000 requests within ±5 points, with its header modifier', () => {
    const answers = ask([{ url: `http://${LB}/`, host: 'canary.example.com', count: 2000, concurrency: 8 }]);
    assert.equal(answers.filter((a) => a.status === 200).length, 2000, JSON.stringify(answers.find((a) => a.status !== 200)));
    const v2 = answers.filter((a) => pod(a).startsWith('echo-v2-')).length / answers.length;
    console.log(`# 90/10 split: echo-v2 took ${(v2 * 100).toFixed(1)} % of 2000 requests`);
    assert.ok(v2 >= 0.05 && v2 <= 0.15, `echo-v2 share ${v2}`);
    assert.ok(answers.every((a) => typeof a.body === 'object' && a.body.headers?.['x-canary'] === 'yes'));
  });

  void test('a slowloris client and oversized headers are cut off while other clients are served', async () => {
    // Sends a header byte every 300 ms; prints what the gateway answered and after how long it closed.
    const slow = `
      const s = require('node:net').connect(80, ${JSON.stringify(LB)});
      const t0 = Date.now(); let got = '';
      s.write('GET /app HTTP/1.1\\r\\nHost: a.example.com\\r\\n');
      const timer = setInterval(() => s.write('X'), 300);
      s.on('data', (d) => (got += d));
      s.on('close', () => { clearInterval(timer); console.log(JSON.stringify({ ms: Date.now() - t0, got: got.split('\\r\\n')[0] })); process.exit(0); });
      s.on('error', () => {});
      setTimeout(() => { console.log(JSON.stringify({ ms: Date.now() - t0, got: 'still open' })); process.exit(0); }, ${HEADER_TIMEOUT_MS * 4});`;
    const child = spawn('ip', ['netns', 'exec', state.plan.external.namespace, process.execPath, '-e', slow], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Meanwhile, other clients: normal requests are served; oversized and too many headers are refused.
    const others = ask([
      { url: `http://${LB}/app`, host: 'a.example.com', count: 10 },
      { url: `http://${LB}/app`, host: 'a.example.com', headers: { 'x-big': 'a'.repeat(70_000) } },
      { url: `http://${LB}/app`, host: 'a.example.com', headers: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-h${i}`, 'v'])) },
      { url: `http://${LB}/app`, host: 'a.example.com', count: 5 },
    ]);
    await exited;
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ms: number; got: string };
    console.log(`# slowloris: the gateway answered "${result.got}" and closed after ${result.ms} ms (header timeout ${HEADER_TIMEOUT_MS} ms)`);
    assert.match(result.got, /^HTTP\/1\.1 408/);
    assert.ok(result.ms >= HEADER_TIMEOUT_MS - 100 && result.ms <= HEADER_TIMEOUT_MS + 1500, `closed after ${result.ms} ms`);
    assert.deepEqual(others.map((a) => a.status), [...Array(10).fill(200), 431, 431, ...Array(5).fill(200)]);
  });
});
