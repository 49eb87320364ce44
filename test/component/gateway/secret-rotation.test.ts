// "A changed Secret takes effect without dropping connections", end to end: the real control plane serves a
// manifest directory (Service web → a small HTTP backend on 127.0.0.91:8080, an Ingress of class meshlet for
// secure.example.com with spec.tls secretName web-tls, and the kubernetes.io/tls Secret web-tls holding
// certificate A, made with openssl at test time) to the real gateway, built from flags as `meshlet gateway`
// builds them (cli/gateway.ts gatewayOptions). Keep-alive connections are opened over HTTP/1.1 (an https Agent)
// and HTTP/2 (ALPN h2) and see A. Then the Secret file is rewritten with certificate B (same name, new key):
// while the control plane picks it up and pushes, new connections are opened every 50 ms and every request must
// answer 200; once new connections see B they must keep seeing B; the old connections — the same sockets — must
// still answer and still show A. Last, an invalid Secret (garbage tls.crt) must be reported in
// /debug/config_errors naming data["tls.crt"] while B keeps being served.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { gatewayOptions } from '../../../cli/gateway.js';
import { silentLogger } from '../../../common/log.js';
import type { ConfigError } from '../../../control-plane/model/types.js';
import { startSidecar, type Sidecar } from '../../../proxy/sidecar.js';
import { DISABLED_ACCESS_LOG } from '../../../proxy/telemetry/access-log.js';
import { DISABLED_TRACING } from '../../../proxy/telemetry/tracing.js';
import { eventually } from '../../support/ads-harness.js';
import { httpService, startTestControlPlane, type TestControlPlane } from '../../support/mesh-harness.js';
import { testGatewayFlags } from '../../support/gateway.js';
import { makeCertificates, tlsSecretManifest, type TestCertificate } from '../../support/tls-certs.js';

const HOST = 'secure.example.com';
const BACKEND = { address: '127.0.0.91', port: 8080 } as const;
const SECRET_FILE = 'web-tls-secret.yaml';
/** How long the rotation may take before the test gives up, and the pause between probes. */
const ROTATION_LIMIT_MS = 10_000;
const PROBE_EVERY_MS = 50;
/** Probe rounds that must all show B after the first round that did (a flip back to A fails the test). */
const ROUNDS_AFTER_SWITCH = 10;

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
spec:
  ingressClassName: meshlet
  tls:
  - hosts: [${HOST}]
    secretName: web-tls
  rules:
  - host: ${HOST}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
`;


function makeCertificate(): TestCertificate {
  const c = makeCertificates([HOST]).get(HOST);
  assert.ok(c, 'openssl made no certificate');
  return c;
}

function fingerprint(cert: TestCertificate): string {
  return new X509Certificate(cert.cert).fingerprint256;
}

function startBackend(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ backend: 'web', host: req.headers.host ?? req.headers[':authority'] ?? '', path: req.url ?? '' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(BACKEND.port, BACKEND.address, () => resolve(server));
  });
}

/** One request's outcome: the status, the body, and the certificate and local port of the connection it used. */
interface Outcome {
  readonly status: number;
  readonly body: string;
  readonly fingerprint: string;
  readonly localPort: number;
}

/** A round of probes, kept whole for the failure message. */
interface Probe {
  readonly what: string;
  readonly at: number;
  readonly outcome?: Outcome;
  readonly error?: string;
}

/** An HTTP/1.1 GET over TLS with SNI secure.example.com; `agent` false opens (and closes) a new connection. */
function h1Exchange(port: number, ca: readonly string[], agent: https.Agent | false, urlPath: string): Promise<Outcome & { socket: TLSSocket; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: urlPath, servername: HOST, ca: [...ca], agent, headers: { host: HOST } },
      (res) => {
        const socket = res.socket as TLSSocket;
        const cert = socket.getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, fingerprint: cert.fingerprint256, localPort: socket.localPort ?? 0, socket, reused: req.reusedSocket }),
        );
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`HTTP/1.1 ${urlPath}: no answer within 5 s`)));
    req.once('error', reject);
  });
}

/** h1Exchange without the socket (a probe's outcome is printed as JSON). */
async function h1Get(port: number, ca: readonly string[], agent: https.Agent | false, urlPath: string): Promise<Outcome> {
  const { status, body, fingerprint, localPort } = await h1Exchange(port, ca, agent, urlPath);
  return { status, body, fingerprint, localPort };
}

/** An HTTP/2 session over TLS (ALPN h2) with SNI secure.example.com; rejects unless h2 was negotiated. */
function h2Connect(port: number, ca: readonly string[]): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { servername: HOST, ca: [...ca] });
    const timer = setTimeout(() => session.destroy(new Error('HTTP/2 connect: no session within 5 s')), 5000);
    session.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    session.once('connect', () => {
      clearTimeout(timer);
      const alpn = (session.socket as TLSSocket).alpnProtocol;
      if (alpn !== 'h2') {
        session.destroy();
        reject(new Error(`ALPN: ${String(alpn)}, not h2`));
        return;
      }
      session.on('error', () => {}); // a session that dies later fails its next request instead
      resolve(session);
    });
  });
}

function h2Get(session: http2.ClientHttp2Session, urlPath: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = session.socket as TLSSocket;
    const stream = session.request({ ':method': 'GET', ':path': urlPath, ':authority': HOST });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.setTimeout(5000, () => stream.destroy(new Error(`HTTP/2 ${urlPath}: no answer within 5 s`)));
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => resolve({ status, body, fingerprint: socket.getPeerCertificate().fingerprint256, localPort: socket.localPort ?? 0 }));
    stream.once('error', reject);
  });
}

/** A request on a new HTTP/2 connection, closed afterwards. */
async function h2GetNew(port: number, ca: readonly string[], urlPath: string): Promise<Outcome> {
  const session = await h2Connect(port, ca);
  try {
    return await h2Get(session, urlPath);
  } finally {
    session.close();
  }
}

async function probe(what: string, run: () => Promise<Outcome>): Promise<Probe> {
  const at = performance.now();
  try {
    return { what, at, outcome: await run() };
  } catch (err) {
    return { what, at, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The answer came from web and said 200. */
function served(p: Probe): boolean {
  if (p.outcome === undefined || p.outcome.status !== 200) return false;
  return (JSON.parse(p.outcome.body) as { backend?: string }).backend === 'web';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function configErrors(cp: TestControlPlane): Promise<ConfigError[]> {
  const res = await fetch(`http://127.0.0.1:${cp.controlPlane.adminAddress.port}/debug/config_errors`);
  assert.equal(res.status, 200);
  return (await res.json()) as ConfigError[];
}

describe('gateway: a rotated TLS Secret takes effect without dropping connections', () => {
  const certA = makeCertificate();
  const certB = makeCertificate();
  const fpA = fingerprint(certA);
  const fpB = fingerprint(certB);
  const ca = [certA.cert, certB.cert];
  const label = (fp: string): string => (fp === fpA ? 'A' : fp === fpB ? 'B' : `unknown ${fp}`);

  let backend: http.Server;
  let cp: TestControlPlane;
  let gateway: Sidecar;
  let httpsPort: number;
  // The connections opened before the rotation, and what they were on their first request.
  const oldAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  let oldH1Socket: TLSSocket;
  let oldH1Closed: number | undefined;
  let oldH2: http2.ClientHttp2Session;
  let oldH2Port: number;
  let oldH2Closed: number | undefined;

  before(async () => {
    assert.notEqual(fpA, fpB, 'two openssl runs made the same certificate');
    backend = await startBackend();
    cp = await startTestControlPlane({
      'web.yaml': httpService('web', 80, [BACKEND.address], BACKEND.port),
      'ingress.yaml': INGRESS,
      [SECRET_FILE]: tlsSecretManifest('web-tls', certA),
    });
    const gw = await testGatewayFlags(cp.xds, 'meshlet-gateway-rotation.meshlet-system');
    const { flags } = gw;
    httpsPort = gw.httpsPort;
    gateway = await startSidecar({ ...gatewayOptions(flags), logger: silentLogger(), accessLog: DISABLED_ACCESS_LOG, tracing: DISABLED_TRACING });
    await gateway.ready;
    await eventually(async () => served(await probe('ready', () => h1Get(httpsPort, ca, false, '/ready'))), 5000);
  });

  after(async () => {
    oldAgent.destroy();
    oldH2?.destroy();
    await gateway?.stop();
    await cp?.close();
    if (backend) {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  test('the manifests load without errors, and keep-alive HTTP/1.1 and HTTP/2 connections see certificate A', async () => {
    assert.deepEqual(await configErrors(cp), []);

    const first = await h1Exchange(httpsPort, ca, oldAgent, '/old-h1/1');
    assert.equal(first.status, 200, first.body);
    assert.equal(first.reused, false);
    assert.equal(label(first.fingerprint), 'A');
    oldH1Socket = first.socket;
    oldH1Socket.once('close', () => (oldH1Closed = performance.now()));
    // The agent keeps it: a second request goes over the same socket.
    const second = await h1Exchange(httpsPort, ca, oldAgent, '/old-h1/2');
    assert.equal(second.status, 200, second.body);
    assert.ok(second.socket === oldH1Socket && second.reused, 'the keep-alive agent opened a second connection');

    oldH2 = await h2Connect(httpsPort, ca);
    oldH2.once('close', () => (oldH2Closed = performance.now()));
    const h2 = await h2Get(oldH2, '/old-h2/1');
    assert.equal(h2.status, 200, h2.body);
    assert.equal(label(h2.fingerprint), 'A');
    oldH2Port = h2.localPort;
    assert.ok(oldH2Port > 0);
    assert.equal(JSON.parse(h2.body).host, HOST);
  });

  test('after the Secret is rewritten with B: new connections see B, none fails, the old ones still answer with A', async (t) => {
    assert.ok(oldH1Socket && oldH2, 'the previous test opened the old connections');
    const oldH1Port = oldH1Socket.localPort;
    const newH1 = (p: string): Promise<Outcome> => h1Get(httpsPort, ca, false, p);
    const newH2 = (p: string): Promise<Outcome> => h2GetNew(httpsPort, ca, p);
    const oldH1 = (p: string): Promise<Outcome> => h1Get(httpsPort, ca, oldAgent, p);
    const oldH2Get = (p: string): Promise<Outcome> => h2Get(oldH2, p);

    // Before the change: new connections see A.
    const before = await Promise.all([probe('new h1', () => newH1('/before')), probe('new h2', () => newH2('/before'))]);
    for (const p of before) {
      assert.ok(served(p), `${p.what} before the change: ${JSON.stringify(p)}`);
      assert.equal(label(p.outcome?.fingerprint ?? ''), 'A', `${p.what} before the change`);
    }

    cp.writeManifest(SECRET_FILE, tlsSecretManifest('web-tls', certB));
    const written = performance.now();
    const probes: Probe[] = [];
    let switched: number | undefined;
    let roundsAfter = 0;
    for (let round = 0; performance.now() - written < ROTATION_LIMIT_MS && roundsAfter < ROUNDS_AFTER_SWITCH; round++) {
      const p = `/during/${round}`;
      const batch = await Promise.all([
        probe('new h1', () => newH1(p)),
        probe('new h2', () => newH2(p)),
        probe('old h1', () => oldH1(p)),
        probe('old h2', () => oldH2Get(p)),
      ]);
      probes.push(...batch);
      const fresh = batch.slice(0, 2);
      if (switched === undefined && fresh.every((b) => b.outcome?.fingerprint === fpB)) switched = batch[0]?.at ?? performance.now();
      else if (switched !== undefined) roundsAfter++;
      await sleep(PROBE_EVERY_MS);
    }
    const took = switched === undefined ? undefined : Math.round(switched - written);
    t.diagnostic(`new connections presented B ${took ?? 'never'} ms after the Secret file was written; ${probes.length} requests in ${probes.length / 4} rounds`);

    const failed = probes.filter((p) => !served(p));
    assert.deepEqual(failed, [], 'every request during the rotation answers 200 from web');
    assert.ok(took !== undefined, `new connections still presented A ${ROTATION_LIMIT_MS} ms after the Secret changed`);
    assert.equal(roundsAfter, ROUNDS_AFTER_SWITCH);
    for (const p of probes) {
      const got = label(p.outcome?.fingerprint ?? '');
      if (p.what.startsWith('old')) {
        assert.equal(got, 'A', `${p.what} at +${Math.round(p.at - written)} ms: the old connection's certificate`);
        const port = p.what === 'old h1' ? oldH1Port : oldH2Port;
        assert.equal(p.outcome?.localPort, port, `${p.what}: the same connection (local port)`);
      } else if (switched !== undefined && p.at >= switched) {
        assert.equal(got, 'B', `${p.what} at +${Math.round(p.at - written)} ms, after new connections saw B`);
      } else {
        assert.ok(got === 'A' || got === 'B', `${p.what}: ${got}`);
      }
    }

    // After the change, once more and by object: the very same sockets, never closed, still showing A.
    const h1 = await h1Exchange(httpsPort, ca, oldAgent, '/after');
    assert.equal(h1.status, 200, h1.body);
    assert.ok(h1.socket === oldH1Socket && h1.reused, `HTTP/1.1: a new socket (local port ${h1.localPort}, old ${oldH1Port})`);
    assert.equal(label(h1.fingerprint), 'A');
    const h2 = await h2Get(oldH2, '/after');
    assert.equal(h2.status, 200, h2.body);
    assert.equal(h2.localPort, oldH2Port);
    assert.equal(label(h2.fingerprint), 'A');
    assert.equal(oldH1Closed, undefined, 'the old HTTP/1.1 connection was closed');
    assert.equal(oldH2Closed, undefined, 'the old HTTP/2 session was closed');
    assert.ok(!oldH2.closed && !oldH2.destroyed);
    assert.deepEqual(await configErrors(cp), []);
  });

  test('an invalid Secret (garbage tls.crt) is reported in /debug/config_errors and B keeps being served', async (t) => {
    const garbage = tlsSecretManifest('web-tls', { cert: 'this is not a certificate', key: certB.key });
    cp.writeManifest(SECRET_FILE, garbage);
    const written = performance.now();
    let errors: ConfigError[] = [];
    await eventually(async () => (errors = await configErrors(cp)).length > 0, 5000).catch(() => {
      assert.fail('no config error within 5 s of writing an invalid Secret');
    });
    t.diagnostic(`the config error was listed ${Math.round(performance.now() - written)} ms after the invalid Secret was written`);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const [e] = errors;
    assert.equal(e?.file, path.join(cp.manifestsDir, SECRET_FILE));
    assert.equal(e?.object, 'Secret default/web-tls');
    assert.equal(e?.field, 'data["tls.crt"]');
    assert.match(e?.message ?? '', /not a PEM certificate/);
    assert.ok(!JSON.stringify(errors).includes(Buffer.from(certB.key).toString('base64')), 'the error quotes key material');

    // For a while longer than the debounce and a push: every new connection still sees B, and the old ones A.
    const probes: Probe[] = [];
    for (let round = 0; round < 20; round++) {
      const p = `/invalid/${round}`;
      probes.push(
        ...(await Promise.all([
          probe('new h1', () => h1Get(httpsPort, ca, false, p)),
          probe('new h2', () => h2GetNew(httpsPort, ca, p)),
          probe('old h1', () => h1Get(httpsPort, ca, oldAgent, p)),
          probe('old h2', () => h2Get(oldH2, p)),
        ])),
      );
      await sleep(PROBE_EVERY_MS);
    }
    assert.deepEqual(probes.filter((p) => !served(p)), [], 'every request after the invalid Secret answers 200 from web');
    for (const p of probes) {
      const expected = p.what.startsWith('old') ? 'A' : 'B';
      assert.equal(label(p.outcome?.fingerprint ?? ''), expected, `${p.what} at +${Math.round(p.at - written)} ms`);
    }
    assert.equal(oldH1Closed, undefined, 'the old HTTP/1.1 connection was closed');
    assert.equal(oldH2Closed, undefined, 'the old HTTP/2 session was closed');
    // The error stays listed while the file is invalid.
    assert.deepEqual((await configErrors(cp)).map((x) => x.field), ['data["tls.crt"]']);
  });
});
