// The study notes' Ingress manifest "must work as written": examples/manifests/seed-ingress.yaml
// (extensions/v1beta1, default backend `other:8080`, host foo.mydomain.com → foo:8080 without a path, host
// mydomain.com path `/bar/*` → bar:8080) and examples/manifests/seed-services.yaml, copied byte for byte, served
// by the real control plane to the real proxy in role gateway, built from flags exactly as `meshlet gateway`
// builds them (cli/gateway.ts gatewayOptions). Only EndpointSlices are added: foo, bar and other on
// 127.0.0.81/.82/.83:8080, three small HTTP servers that answer with their own name, the Host and the path they
// received. Each request states which backend must answer; the default backend takes what no rule matches.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gatewayOptions } from '../../../cli/gateway.js';
import { silentLogger } from '../../../common/log.js';
import { formatIngresses, type IngressReport } from '../../../control-plane/admin/ingress.js';
import { startSidecar, type Sidecar } from '../../../proxy/sidecar.js';
import { DISABLED_ACCESS_LOG } from '../../../proxy/telemetry/access-log.js';
import { DISABLED_TRACING } from '../../../proxy/telemetry/tracing.js';
import { eventually } from '../../support/ads-harness.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/mesh-harness.js';
import { testGatewayFlags } from '../../support/gateway.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SEED_INGRESS = readFileSync(path.join(ROOT, 'examples/manifests/seed-ingress.yaml'), 'utf8');
const SEED_SERVICES = readFileSync(path.join(ROOT, 'examples/manifests/seed-services.yaml'), 'utf8');

/** The backends of the Services of seed-services.yaml: their pods' addresses (targetPort 8080). */
const BACKENDS = { foo: '127.0.0.81', bar: '127.0.0.82', other: '127.0.0.83' } as const;
type BackendName = keyof typeof BACKENDS;
const BACKEND_PORT = 8080;

/** The EndpointSlice the endpoint controller would write for a seed Service (port name `http`, as the Service's). */
function endpointSlice(name: BackendName): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-abcde
  namespace: default
  labels: {kubernetes.io/service-name: ${name}}
addressType: IPv4
ports:
- {name: http, port: ${BACKEND_PORT}, protocol: TCP}
endpoints:
- addresses: ["${BACKENDS[name]}"]
  conditions: {ready: true}
`;
}

/** What a backend saw, as it answers it (JSON). */
interface Echo {
  readonly backend: string;
  readonly host: string;
  readonly path: string;
  readonly xForwardedFor: string | null;
  readonly xForwardedProto: string | null;
  readonly xRequestId: string | null;
}

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

function startBackend(name: BackendName): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const echo: Echo = {
      backend: name,
      host: req.headers.host ?? '',
      path: req.url ?? '',
      xForwardedFor: header(req, 'x-forwarded-for'),
      xForwardedProto: header(req, 'x-forwarded-proto'),
      xRequestId: header(req, 'x-request-id'),
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(echo));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(BACKEND_PORT, BACKENDS[name], () => resolve(server));
  });
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** A plain HTTP/1.1 request to the gateway with an explicit Host header (fetch may not set Host). */
function get(port: number, host: string, urlPath: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${host}${urlPath} within 5 s`)));
    req.once('error', reject);
  });
}

function echoOf(reply: Reply, what: string): Echo {
  assert.equal(reply.status, 200, `${what}: status ${reply.status}, body ${JSON.stringify(reply.body.slice(0, 200))}`);
  return JSON.parse(reply.body) as Echo;
}

/** Kubernetes Ingress semantics for the seed manifest: (Host, path) → the Service that must answer. */
const ROUTES: readonly { readonly host: string; readonly path: string; readonly backend: BackendName; readonly why: string }[] = [
  { host: 'foo.mydomain.com', path: '/', backend: 'foo', why: 'a rule without a path takes every path of its host' },
  { host: 'foo.mydomain.com', path: '/anything/deep', backend: 'foo', why: 'a rule without a path takes every path of its host' },
  { host: 'foo.mydomain.com', path: '/bar/x', backend: 'foo', why: "mydomain.com's /bar/* is not foo.mydomain.com's" },
  { host: 'FOO.MyDomain.com', path: '/', backend: 'foo', why: 'host names match case-insensitively' },
  { host: 'foo.mydomain.com:8080', path: '/', backend: 'foo', why: 'the Host port is not part of the host name' },
  { host: 'mydomain.com', path: '/bar/', backend: 'bar', why: '/bar/* takes /bar/' },
  { host: 'mydomain.com', path: '/bar/x', backend: 'bar', why: '/bar/* takes /bar/x' },
  { host: 'mydomain.com', path: '/bar/x/y?q=1', backend: 'bar', why: '/bar/* takes deeper paths; the query does not matter' },
  { host: 'mydomain.com', path: '/bar', backend: 'bar', why: 'ImplementationSpecific /bar/* is meshlet\'s prefix /bar (ingress-paths.ts)' },
  { host: 'mydomain.com', path: '/barx', backend: 'other', why: 'prefixes match whole path elements: /barx is not under /bar' },
  { host: 'mydomain.com', path: '/', backend: 'other', why: 'a path of a rule host that no path matches goes to the default backend' },
  { host: 'mydomain.com', path: '/foo', backend: 'other', why: 'a path of a rule host that no path matches goes to the default backend' },
  { host: 'mydomain.com:8080', path: '/bar/x', backend: 'bar', why: 'the Host port is not part of the host name' },
  { host: 'unknown.example.com', path: '/x', backend: 'other', why: 'a host no rule names goes to the default backend' },
  { host: 'x.foo.mydomain.com', path: '/', backend: 'other', why: 'rule hosts are exact: a subdomain is another host' },
  { host: 'bar.mydomain.com', path: '/bar/x', backend: 'other', why: 'rule hosts are exact: a subdomain is another host' },
];

describe('the study notes\' seed Ingress through the control plane and the gateway', () => {
  const backends: http.Server[] = [];
  let cp: TestControlPlane;
  let gateway: Sidecar;
  let httpPort: number;

  before(async () => {
    for (const name of Object.keys(BACKENDS) as BackendName[]) backends.push(await startBackend(name));
    cp = await startTestControlPlane({
      'seed-ingress.yaml': SEED_INGRESS,
      'seed-services.yaml': SEED_SERVICES,
      'endpointslices.yaml': (Object.keys(BACKENDS) as BackendName[]).map(endpointSlice).join('---\n'),
    });
    // `meshlet gateway --xds <cp> --node-name … --http-listen 127.0.0.1:<p> --https-listen 127.0.0.1:<q> …`
    const { flags, httpPort: port } = await testGatewayFlags(cp.xds, 'meshlet-gateway-seed.meshlet-system');
    httpPort = port;
    const options = gatewayOptions(flags);
    assert.equal(options.role, 'gateway');
    assert.equal(options.bindAddress, '127.0.0.1');
    gateway = await startSidecar({ ...options, logger: silentLogger(), accessLog: DISABLED_ACCESS_LOG, tracing: DISABLED_TRACING });
    await gateway.ready;
    // The listener is named after the --http-listen port and bound on its host.
    assert.deepEqual(gateway.boundAddress(`0.0.0.0:${httpPort}`), { address: '127.0.0.1', port: httpPort });
    await eventually(async () => (await get(httpPort, 'foo.mydomain.com', '/').catch(() => ({ status: 0, body: '' }))).status === 200, 5000);
  });

  after(async () => {
    await gateway?.stop();
    await cp?.close();
    for (const b of backends) {
      b.closeAllConnections();
      await new Promise((resolve) => b.close(resolve));
    }
  });

  test('the manifests load without errors or warnings', async () => {
    assert.deepEqual(cp.controlPlane.pipeline.errors(), []);
    assert.deepEqual(cp.controlPlane.pipeline.warnings(), []);
    const res = await fetch(`http://127.0.0.1:${cp.controlPlane.adminAddress.port}/debug/config_errors`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), []);
  });

  for (const r of ROUTES) {
    test(`Host ${r.host} ${r.path} → ${r.backend} (${r.why})`, async () => {
      const echo = echoOf(await get(httpPort, r.host, r.path), `${r.host}${r.path}`);
      assert.equal(echo.backend, r.backend, `${r.host}${r.path} reached ${echo.backend}, expected ${r.backend}`);
      // Forwarded unchanged: the path (with its query) and the Host the client sent.
      assert.equal(echo.path, r.path);
      assert.equal(echo.host, r.host);
    });
  }

  test('every backend is reached by some row, and only by the rows that name it', async () => {
    const reached = new Map<string, number>();
    for (const r of ROUTES) {
      const echo = echoOf(await get(httpPort, r.host, r.path), `${r.host}${r.path}`);
      reached.set(echo.backend, (reached.get(echo.backend) ?? 0) + 1);
    }
    const expected = new Map<string, number>();
    for (const r of ROUTES) expected.set(r.backend, (expected.get(r.backend) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(reached), Object.fromEntries(expected));
    assert.deepEqual([...reached.keys()].sort(), ['bar', 'foo', 'other']);
  });

  test('the gateway adds x-forwarded-for (the client), x-forwarded-proto http and a fresh x-request-id', async () => {
    const a = echoOf(await get(httpPort, 'foo.mydomain.com', '/headers'), 'foo.mydomain.com/headers');
    const b = echoOf(await get(httpPort, 'mydomain.com', '/bar/headers'), 'mydomain.com/bar/headers');
    const c = echoOf(await get(httpPort, 'unknown.example.com', '/headers'), 'unknown.example.com/headers');
    assert.deepEqual([a.backend, b.backend, c.backend], ['foo', 'bar', 'other']);
    for (const e of [a, b, c]) {
      assert.equal(e.xForwardedFor, '127.0.0.1', `${e.backend}: x-forwarded-for`);
      assert.equal(e.xForwardedProto, 'http', `${e.backend}: x-forwarded-proto`);
      assert.match(e.xRequestId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `${e.backend}: x-request-id`);
    }
    assert.equal(new Set([a.xRequestId, b.xRequestId, c.xRequestId]).size, 3, 'each request gets its own x-request-id');
  });

  test('`meshlet get ingress`: /debug/ingress lists my-ingress as served, with its hosts and no problems', async () => {
    const res = await fetch(`http://127.0.0.1:${cp.controlPlane.adminAddress.port}/debug/ingress`);
    assert.equal(res.status, 200);
    const report = (await res.json()) as IngressReport;
    assert.equal(report.ingresses.length, 1);
    const ing = report.ingresses[0];
    assert.ok(ing);
    assert.equal(ing.namespace, 'default');
    assert.equal(ing.name, 'my-ingress');
    assert.equal(ing.served, true, `not served: ${ing.reason ?? ''}`);
    assert.equal(ing.reason, undefined);
    assert.equal(ing.class, '<none>');
    assert.deepEqual(ing.hosts, ['foo.mydomain.com', 'mydomain.com']);
    assert.deepEqual(ing.problems, []);
    assert.deepEqual(ing.ports, [80]);
    // The table `meshlet get ingress` prints from that JSON.
    const table = formatIngresses(report).split('\n');
    assert.match(table[0] ?? '', /^NAMESPACE\s+NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS$/);
    assert.match(table[1] ?? '', /^default\s+my-ingress\s+<none>\s+foo\.mydomain\.com,mydomain\.com\s+80$/);
    assert.doesNotMatch(table[1] ?? '', /not served/);
  });
});
