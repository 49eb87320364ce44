// gRPC (h2c end to end) and plain TCP through the sidecar. Without iptables, clients reach the mesh through the
// outbound port's CONNECT tunnels, which the sidecar routes exactly as captured connections: by the destination
// (a ClusterIP), to the listener of that Service port — the HTTP/2 router for gRPC, the TCP proxy for TCP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createGreeterClient, sayHello, startGreeterServer, type GreeterServer } from '../../../examples/proxyless/greeter.js';
import { startMesh, type MeshHarness } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';

function service(name: string, portName: string, port: number, ips: readonly string[], appProtocol?: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  ports:
  - {name: ${portName}, port: 80, targetPort: ${port}${appProtocol ? `, appProtocol: ${appProtocol}` : ''}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: ${portName}, port: ${port}}]
endpoints:
${ips.map((ip) => `- {addresses: ["${ip}"], conditions: {ready: true}}`).join('\n')}
`;
}

/** Opens a CONNECT tunnel through the sidecar's outbound port; resolves with the raw socket once established. */
function tunnel(proxyPort: number, target: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
    socket.once('error', reject);
    socket.once('data', (d: Buffer) => (d.toString().startsWith('HTTP/1.1 200') ? resolve(socket) : reject(new Error(d.toString()))));
  });
}

describe('sidecar: gRPC over h2c and TCP', () => {
  let mesh: MeshHarness;
  const greeters: GreeterServer[] = [];
  let echo: Server;
  let web: http.Server;

  before(async () => {
    const grpcPort = await freePort('127.0.0.41');
    greeters.push(await startGreeterServer('127.0.0.41', grpcPort), await startGreeterServer('127.0.0.42', grpcPort));
    const echoPort = await freePort('127.0.0.43');
    echo = createServer((s) => s.pipe(s)).listen(echoPort, '127.0.0.43');
    const webPort = await freePort('127.0.0.44');
    web = http.createServer((req, res) => res.end(`request-id ${String(req.headers['x-request-id'])}`)).listen(webPort, '127.0.0.44');
    mesh = await startMesh({
      'greeter.yaml': service('greeter', 'grpc', grpcPort, ['127.0.0.41', '127.0.0.42']),
      'echo.yaml': service('echo', 'tcp-echo', echoPort, ['127.0.0.43']),
      // Ports named without a protocol: the sidecar sniffs each connection (Istio's automatic protocol selection).
      'plain-echo.yaml': service('plain-echo', 'main', echoPort, ['127.0.0.43']),
      'plain-web.yaml': service('plain-web', 'main', webPort, ['127.0.0.44']),
    });
    process.env['grpc_proxy'] = mesh.proxyUrl;
  });

  after(async () => {
    delete process.env['grpc_proxy'];
    await mesh.close();
    for (const g of greeters) await g.close();
    echo.close();
    web.close();
  });

  function clusterIp(name: string): string {
    for (const t of mesh.sidecar.xds.config.nameTables.values()) {
      const ip = t.services.find((s) => s.name === name)?.clusterIps[0];
      if (ip !== undefined) return ip;
    }
    throw new Error(`no ClusterIP for ${name}`);
  }

  void test('a plain gRPC client reaches both greeter endpoints through the HTTP/2 router', async () => {
    const client = createGreeterClient(`${clusterIp('greeter')}:80`);
    try {
      const servers = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const reply = await sayHello(client, `n${i}`);
        assert.match(reply.message, new RegExp(`n${i}`));
        servers.add(reply.served_by);
      }
      assert.equal(servers.size, 2, `both endpoints answered: ${[...servers].join(', ')}`);
    } finally {
      client.close();
    }
    const clusters = await (await fetch(`http://127.0.0.1:${mesh.sidecar.adminPort}/clusters`)).text();
    assert.match(clusters, /outbound\|80\|\|greeter\.default\.svc\.cluster\.local::upstream_rq_2xx::6/);
  });

  for (const name of ['echo', 'plain-echo']) {
    void test(`bytes on ${name === 'echo' ? 'a tcp- port' : 'an undeclared port (sniffed: not HTTP)'} pass through the TCP proxy unchanged, with half-close`, async () => {
      await echoThrough(name);
    });
  }

  void test('HTTP on an undeclared port is sniffed and routed at L7 (the router adds x-request-id)', async () => {
    const socket = await tunnel(mesh.outboundPort, `${clusterIp('plain-web')}:80`);
    socket.write('GET / HTTP/1.1\r\nhost: plain-web\r\nconnection: close\r\n\r\n');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(text, /^HTTP\/1.1 200 OK/);
    assert.match(text, /request-id [0-9a-f]{8}-[0-9a-f-]{27}/);
  });

  async function echoThrough(name: string): Promise<void> {
    const socket = await tunnel(mesh.outboundPort, `${clusterIp(name)}:80`);
    const payload = Buffer.alloc(256 * 1024, 7);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.end(payload);
    await new Promise((resolve) => socket.on('close', resolve));
    assert.deepEqual(Buffer.concat(received), payload);
  }
});
