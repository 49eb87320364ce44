// The proxy in role `node` (NodePort / LoadBalancer, kube-proxy's job for outside traffic), against a real
// control plane, all on loopback: the nodePort listeners (0.0.0.0_<nodePort>) are bound on 127.0.0.65 through
// `bindAddress` and on free ports through `portMap`; the LoadBalancer IP is 127.0.0.70, bound as it is. Nothing
// here binds a wildcard address or leaves the machine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import { startSidecar, type Sidecar } from '../../../proxy/sidecar.js';
import { startTestControlPlane, testProxyOptions, type TestControlPlane } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';

const NODE_IP = '127.0.0.65';
const LB_IP = '127.0.0.70';
const BACKENDS = ['127.0.0.61', '127.0.0.62'];

function service(name: string, type: string, extra: { nodePort?: number; port?: number; lbIP?: string }, targetPort: number): string {
  const nodePort = extra.nodePort === undefined ? '' : `, nodePort: ${extra.nodePort}`;
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  type: ${type}
${extra.lbIP === undefined ? '' : `  loadBalancerIP: ${extra.lbIP}\n`}  ports:
  - {name: http, port: ${extra.port ?? 80}, targetPort: ${targetPort}${nodePort}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${targetPort}}]
endpoints:
${BACKENDS.map((ip) => `- {addresses: ["${ip}"], conditions: {ready: true}}`).join('\n')}
`;
}

/** One request on a fresh connection; resolves with the body (the backend's address). */
function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.once('error', reject);
  });
}

async function backendsSeen(host: string, port: number, n = 12): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await get(host, port));
  return [...seen].sort();
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('node proxy: NodePort and LoadBalancer Services', () => {
  let cp: TestControlPlane;
  let proxy: Sidecar;
  const servers: http.Server[] = [];
  let nodePortBound: number;
  let lbNodePortBound: number;
  let lbPort: number;

  before(async () => {
    const targetPort = await freePort(BACKENDS[0]);
    for (const ip of BACKENDS) servers.push(http.createServer((_req, res) => res.end(ip)).listen(targetPort, ip));
    [nodePortBound, lbNodePortBound, lbPort] = [await freePort(NODE_IP), await freePort(NODE_IP), await freePort(LB_IP)];
    cp = await startTestControlPlane({
      'web.yaml': service('web', 'NodePort', { nodePort: 30080 }, targetPort),
      'front.yaml': service('front', 'LoadBalancer', { nodePort: 30081, port: lbPort, lbIP: LB_IP }, targetPort),
      'internal.yaml': service('internal', 'ClusterIP', {}, targetPort),
    });
    proxy = await startSidecar({
      ...testProxyOptions(cp.xds),
      role: 'node',
      nodeId: 'node-1',
      podIps: [NODE_IP],
      portMap: new Map([
        [30080, nodePortBound],
        [30081, lbNodePortBound],
      ]),
      bindAddress: NODE_IP,
    });
    await proxy.ready;
  });

  after(async () => {
    await proxy?.stop();
    await cp?.close();
    for (const s of servers) s.close();
  });

  test('role node: it binds the nodePorts and the LB IP:port only (no virtual listeners, nothing for ClusterIP)', () => {
    assert.deepEqual(proxy.dataPlane.listeners.keys.sort(), ['0.0.0.0:30080', '0.0.0.0:30081', `${LB_IP}:${lbPort}`].sort());
    assert.deepEqual(proxy.boundAddress('0.0.0.0:30080'), { address: NODE_IP, port: nodePortBound });
    assert.deepEqual(proxy.boundAddress(`${LB_IP}:${lbPort}`), { address: LB_IP, port: lbPort }, 'a specific address is bound as it is');
    assert.equal(proxy.xds.config.routes.size, 0, 'no RDS for the node role');
  });

  test('the nodePort reaches every endpoint', async () => {
    assert.deepEqual(await backendsSeen(NODE_IP, nodePortBound), BACKENDS);
  });

  test('the LoadBalancer IP and the LoadBalancer Service’s nodePort reach every endpoint', async () => {
    assert.deepEqual(await backendsSeen(LB_IP, lbPort), BACKENDS);
    assert.deepEqual(await backendsSeen(NODE_IP, lbNodePortBound), BACKENDS);
  });

  test('a Service changed to ClusterIP closes its nodePort', async () => {
    const targetPort = (servers[0]!.address() as { port: number }).port;
    cp.writeManifest('web.yaml', service('web', 'ClusterIP', {}, targetPort));
    await until(() => !proxy.dataPlane.listeners.keys.includes('0.0.0.0:30080'), 'the nodePort listener to close');
    await assert.rejects(get(NODE_IP, nodePortBound), /ECONNREFUSED/);
  });
});
