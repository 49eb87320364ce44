// TLS termination on a gateway HTTPS listener, end to end through the real acceptor: the tls_inspector reads
// the SNI, the chain is chosen by server_names (exact, wildcard, default), the handshake uses that chain's
// certificate, and ALPN decides HTTP/2 or HTTP/1 on the decrypted stream (handed to plain node http servers).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttp1Server } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server } from 'node:http2';
import { connect as netConnect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { ConnectionAcceptor, type ConnectionSink } from '../../../proxy/listeners/accept.js';
import type { Downstream } from '../../../proxy/listeners/downstream.js';
import { ListenerTable } from '../../../proxy/listeners/listener-table.js';
import { decodeListener } from '../../../proxy/xds/decoders/listener.js';
import type { ProxyListener } from '../../../proxy/xds/types.js';
import { makeCertificates, type TestCertificate } from '../../support/tls-certs.js';
import { httpsListener } from '../../support/tls-listener.js';

const NAME = '0.0.0.0_8443';
const certs = makeCertificates(['a.example.com', '*.b.example.com', 'default.example.com', 'a-renewed.example.com']);
const cert = (cn: string): TestCertificate => certs.get(cn) ?? assert.fail(cn);

function decoded(chains: Parameters<typeof httpsListener>[2]): ProxyListener {
  const d = decodeListener(httpsListener(NAME, 8443, chains));
  if (!d.ok) assert.fail(d.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return d.value;
}

const gateway = (a = cert('a.example.com')): ProxyListener =>
  decoded([
    { name: 'a', serverNames: ['a.example.com'], ...a },
    { name: 'b', serverNames: ['*.b.example.com'], ...cert('*.b.example.com') },
    { name: 'default', serverNames: [], ...cert('default.example.com') },
  ]);

interface Seen {
  readonly downstream: Downstream;
  readonly protocol: string;
}

let table: ListenerTable;
let server: Server;
let port = 0;
const seen: Seen[] = [];
let acceptor: ConnectionAcceptor;

// The HTTP layer stand-in: node servers that answer with what the last connection was (tests run one at a time).
const answer = (version: string): string => {
  const s = seen[seen.length - 1];
  return JSON.stringify({ chain: s?.downstream.chain.name, serverName: s?.downstream.serverName ?? null, tls: s?.downstream.tls, version });
};
const http1 = createHttp1Server((req, res) => res.end(answer(`http/${req.httpVersion}`)));
const http2 = createHttp2Server((req, res) => res.end(answer(`http/${req.httpVersion}`)));

const sink: ConnectionSink = {
  http(socket, downstream, protocol) {
    seen.push({ downstream, protocol });
    if (protocol === 'h2c') http2.emit('connection', socket);
    else {
      http1.emit('connection', socket);
      socket.resume();
    }
  },
  tcp(socket) {
    socket.destroy();
  },
};

before(async () => {
  table = new ListenerTable(new Map([[NAME, gateway()]]));
  acceptor = new ConnectionAcceptor(() => table, sink, { originalDst: () => null, sniffTimeoutMs: 100 });
  server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
    const matcher = table.bound.get('0.0.0.0:8443') ?? assert.fail('no bound listener');
    acceptor.accept(matcher, socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.close();
  http2.close();
  http1.close();
});

/** A TLS handshake with `servername` (none when undefined); resolves with the certificate the server sent. */
async function handshake(servername: string | undefined, alpn: string[] = ['http/1.1']): Promise<{ socket: TLSSocket; peer: PeerCertificate }> {
  const options: ConnectionOptions = { host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: alpn, ...(servername !== undefined && { servername }) };
  const socket = tlsConnect(options);
  await once(socket, 'secureConnect');
  return { socket, peer: socket.getPeerCertificate() };
}

const SNI_CASES: readonly [string, string | undefined, string][] = [
  ['exact name', 'a.example.com', 'a.example.com'],
  ['exact name, other case', 'A.Example.COM', 'a.example.com'],
  ['wildcard', 'x.b.example.com', '*.b.example.com'],
  ['wildcard matches deeper names (as Envoy)', 'y.x.b.example.com', '*.b.example.com'],
  ['the wildcard does not match its own suffix', 'b.example.com', 'default.example.com'],
  ['unknown name: default chain', 'c.example.com', 'default.example.com'],
  ['no SNI: default chain', undefined, 'default.example.com'],
];

void test('SNI picks the chain and so the certificate the handshake presents', async () => {
  for (const [name, servername, cn] of SNI_CASES) {
    const { socket, peer } = await handshake(servername);
    assert.equal(peer.subject.CN, cn, name);
    socket.destroy();
  }
});

void test('ALPN http/1.1: an HTTP/1 request over TLS, the Downstream records TLS and SNI', async () => {
  seen.length = 0;
  const { socket } = await handshake('a.example.com', ['http/1.1']);
  assert.equal(socket.alpnProtocol, 'http/1.1');
  socket.write('GET / HTTP/1.1\r\nhost: a.example.com\r\nconnection: close\r\n\r\n');
  const chunks: Buffer[] = [];
  for await (const c of socket) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString().split('\r\n\r\n')[1] ?? '') as Record<string, unknown>;
  assert.deepEqual(body, { chain: 'a', serverName: 'a.example.com', tls: true, version: 'http/1.1' });
  assert.equal(seen[0]?.protocol, 'http/1.1');
  assert.equal(seen[0]?.downstream.alpnProtocol, 'http/1.1');
});

void test('ALPN h2: the sink gets protocol h2c and a real HTTP/2 request works over TLS', async () => {
  seen.length = 0;
  const client = http2Connect(`https://x.b.example.com:${port}`, {
    rejectUnauthorized: false,
    createConnection: () => tlsConnect({ host: '127.0.0.1', port, servername: 'x.b.example.com', ALPNProtocols: ['h2'], rejectUnauthorized: false }),
  });
  const req = client.request({ ':path': '/' });
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  client.close();
  assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { chain: 'b', serverName: 'x.b.example.com', tls: true, version: 'http/2.0' });
  assert.equal(seen[0]?.protocol, 'h2c');
  assert.equal(seen[0]?.downstream.alpnProtocol, 'h2');
});

void test('a plaintext client on the TLS listener is closed', async () => {
  const before = acceptor.tlsStats.notTls;
  const socket = netConnect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nhost: a.example.com\r\n\r\n');
  const chunks: Buffer[] = [];
  for await (const c of socket) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).length, 0, 'nothing answered');
  assert.equal(acceptor.tlsStats.notTls, before + 1);
});

void test('a ClientHello split into tiny writes is still inspected and the handshake sees every byte', async () => {
  // A proxy in front of a real TLS client, forwarding its bytes 7 at a time with pauses.
  const relay = createServer((client) => {
    const upstream = netConnect(port, '127.0.0.1');
    client.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i += 7) setTimeout(() => upstream.write(chunk.subarray(i, i + 7)), i / 7);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const socket = tlsConnect({ host: '127.0.0.1', port: (relay.address() as AddressInfo).port, servername: 'a.example.com', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  assert.equal(socket.getPeerCertificate().subject.CN, 'a.example.com');
  socket.destroy();
  relay.close();
});

void test('a failed handshake is counted and the connection closed', async () => {
  const before = acceptor.tlsStats['handshake-error'];
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'a.example.com', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
  const [err] = (await once(socket, 'error')) as [Error];
  assert.ok(err instanceof Error);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(acceptor.tlsStats['handshake-error'], before + 1);
});

void test('an LDS update with a new certificate applies to new connections; open ones keep going', async () => {
  const { socket: old } = await handshake('a.example.com');
  table = new ListenerTable(new Map([[NAME, gateway(cert('a-renewed.example.com'))]]), table);
  const { socket: fresh, peer } = await handshake('a.example.com');
  assert.equal(peer.subject.CN, 'a-renewed.example.com');
  // The connection made before the update still works on its old certificate.
  assert.equal(old.getPeerCertificate().subject.CN, 'a.example.com');
  old.write('GET / HTTP/1.1\r\nhost: a.example.com\r\nconnection: close\r\n\r\n');
  const chunks: Buffer[] = [];
  for await (const c of old) chunks.push(c as Buffer);
  assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1.1 200/);
  fresh.destroy();
  table = new ListenerTable(new Map([[NAME, gateway()]]), table);
});
