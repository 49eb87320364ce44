// NodePort and LoadBalancer in real namespaces: a 2-node local cluster network (localcluster/network), one pod
// per node answering with its name, `meshlet control-plane` in the world and `meshlet node-proxy` in each node.
// From the external namespace the nodePort answers on both node IPs and the LoadBalancer IP answers, each
// reaching both pods. The LoadBalancer IP is announced as the plan describes (an ECMP route in the world over
// the nodes) and owned by each node on `lo`, which the node proxy's `<lbIP>_<port>` listener binds. Everything
// happens inside this run's `ml-np…-*` namespaces; the cluster is destroyed on every exit path.
import { ClusterProcesses } from '../../support/cluster-processes.js';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addPod, applyCluster, destroyCluster, execIn, spawnIn } from '../../../localcluster/network/apply.js';
import { planCluster, planPod } from '../../../localcluster/network/plan.js';
import { netnsSkip } from '../../support/world.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cli/main.ts');
const cluster = `np${randomBytes(3).toString('hex')}`;
const skip = netnsSkip('node proxy e2e');
const processes = new ClusterProcesses(cluster, !skip);
const LB_IP = '172.20.0.10';


function start(namespace: string, args: readonly string[]): ChildProcess {
  const child = spawnIn(namespace, process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  processes.add(child);
  return child;
}

/** Connects from `namespace` to host:port; what the server said, or '' when the connection failed. */
function connectFrom(namespace: string, host: string, port: number): string {
  const script = `
    const c = require('node:net').connect(${port}, ${JSON.stringify(host)});
    let d = ''; c.on('data', (b) => (d += b)); c.on('end', () => process.stdout.write(d));
    c.setTimeout(2000, () => process.exit(2));
    c.on('error', () => process.exit(1));`;
  try {
    return execIn(namespace, process.execPath, ['-e', script]).trim();
  } catch {
    return '';
  }
}

async function eventually(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function seen(namespace: string, host: string, port: number, n = 10): string[] {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) names.add(connectFrom(namespace, host, port));
  return [...names].sort();
}

describe('node proxy: NodePort and LoadBalancer from the external namespace', { skip }, () => {
  const plan = planCluster(cluster);
  const [node1, node2] = plan.nodes;
  const pods = [planPod(plan, 'node1', 'a'), planPod(plan, 'node2', 'b')];
  const manifests = mkdtempSync(path.join(tmpdir(), 'meshlet-np-'));

  before(async () => {
    assert.ok(node1 && node2);
    applyCluster(plan);
    for (const pod of pods) {
      addPod(plan, pod);
      const reply = `require('node:net').createServer((c) => c.end(${JSON.stringify(pod.name)} + '\\n')).listen(8080, '0.0.0.0')`;
      start(pod.namespace, ['-e', reply]);
    }
    const endpoints = pods.map((p) => `- {addresses: ["${p.ip}"], conditions: {ready: true}}`).join('\n');
    const svc = (name: string, type: string, nodePort: number, status = ''): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  type: ${type}
  ports: [{name: tcp, port: 80, targetPort: 8080, nodePort: ${nodePort}}]
${status}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: tcp, port: 8080}]
endpoints:
${endpoints}
`;
    writeFileSync(path.join(manifests, 'web.yaml'), svc('web', 'NodePort', 30080));
    writeFileSync(path.join(manifests, 'front.yaml'), svc('front', 'LoadBalancer', 30081, `status: {loadBalancer: {ingress: [{ip: ${LB_IP}}]}}\n`));
    const xds = `${plan.world.nodeGateway}:15010`;
    start(plan.world.namespace, ['--import', 'tsx', MAIN, 'control-plane', '--manifests', manifests, '--xds-listen', xds, '--service-cidr', plan.serviceCidr]);
    // Announce the LoadBalancer IP: the world routes it over the nodes; each node owns it.
    execIn(plan.world.namespace, 'ip', ['route', 'replace', `${LB_IP}/32`, 'nexthop', 'via', node1.ip, 'nexthop', 'via', node2.ip]);
    for (const node of [node1, node2]) {
      execIn(node.namespace, 'ip', ['addr', 'add', `${LB_IP}/32`, 'dev', 'lo']);
      start(node.namespace, ['--import', 'tsx', MAIN, 'node-proxy', '--xds', xds, '--node-name', node.name, '--node-ip', node.ip, '--access-log', 'off', '--health-listen', `${node.ip}:15021`]);
    }
  });

  after(() => {
    processes.stopAll();
    destroyCluster(cluster);
    rmSync(manifests, { recursive: true, force: true });
  });

  it('the nodePort answers on every node and reaches both pods', async () => {
    for (const node of [node1!, node2!]) {
      await eventually(() => connectFrom(plan.external.namespace, node.ip, 30080) !== '', `nodePort 30080 on ${node.ip}`);
      assert.deepEqual(seen(plan.external.namespace, node.ip, 30080), ['a', 'b'], node.ip);
    }
  });

  it('the LoadBalancer IP answers from the external namespace and reaches both pods; so does its nodePort', async () => {
    await eventually(() => connectFrom(plan.external.namespace, LB_IP, 80) !== '', `${LB_IP}:80`);
    assert.deepEqual(seen(plan.external.namespace, LB_IP, 80), ['a', 'b']);
    assert.deepEqual(seen(plan.external.namespace, node2!.ip, 30081), ['a', 'b']);
  });

  it('nothing else opens on the nodes: port 80 of a node IP is closed', () => {
    assert.equal(connectFrom(plan.external.namespace, node1!.ip, 80), '');
  });
});
