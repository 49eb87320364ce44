// gRPC (h2c end to end) and plain TCP through the sidecar. Without iptables, clients reach the mesh through the
// outbound port's CONNECT tunnels, which the sidecar routes exactly as captured connections: by the destination
// (a ClusterIP), to the listener of that Service port — the HTTP/2 router for gRPC, the TCP proxy for TCP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

  before(async () => {
    const grpcPort = await freePort('127.0.0.41');
    greeters.push(await startGreeterServer('127.0.0.41', grpcPort), await startGreeterServer('127.0.0.42', grpcPort));
    const echoPort = await freePort('127.0.0.43');
    echo = createServer((s) => s.pipe(s)).listen(echoPort, '127.0.0.43');
    mesh = await startMesh({
      'greeter.yaml': service('greeter', 'grpc', grpcPort, ['127.0.0.41', '127.0.0.42']),
      'echo.yaml': service('echo', 'tcp-echo', echoPort, ['127.0.0.43']),
    });
    process.env['grpc_proxy'] = mesh.proxyUrl;
  });

  after(async () => {
    delete process.env['grpc_proxy'];
    await mesh.close();
    for (const g of greeters) await g.close();
    echo.close();
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

  void test('bytes on a TCP port pass through the TCP proxy unchanged, both ways, with half-close', async () => {
    const socket = await tunnel(mesh.outboundPort, `${clusterIp('echo')}:80`);
    const payload = Buffer.alloc(256 * 1024, 7);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.end(payload);
    await new Promise((resolve) => socket.on('close', resolve));
    assert.deepEqual(Buffer.concat(received), payload);
  });
});
