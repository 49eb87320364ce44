// The local cluster's network in real namespaces: a 2-node cluster with one pod per node. Pods reach each other
// across nodes and see each other's real addresses (no NAT), the external namespace reaches a node IP, the root
// namespace gains no link and no route, and destroyCluster removes every ml-<cluster>-* namespace: twice in a
// row, and after a process that built a cluster was killed before it could clean up.
import { ClusterProcesses } from '../../support/cluster-processes.js';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addPod, applyCluster, clusterNamespaces, destroyCluster, execIn, removePod, spawnIn } from '../../../localcluster/network/apply.js';
import { planCluster, planPod } from '../../../localcluster/network/plan.js';
import { netnsSkip } from '../../support/world.js';

const APPLY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../localcluster/network/apply.ts');
const cluster = `nt${randomBytes(3).toString('hex')}`;
const skip = netnsSkip('localcluster network');
const processes = new ClusterProcesses(cluster, !skip);
const rootLinksAtStart = skip ? [] : rootState().links;


/** `ip -o link` / `ip route` of the root namespace, for comparing before and after. */
function rootState(): { links: string[]; routes: string } {
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout
    .split('\n').filter((l) => l !== '').map((l) => l.split(':')[1]?.trim() ?? '').sort();
  const routes = spawnSync('ip', ['route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
  return { links, routes };
}

/** A TCP server in `namespace` that answers every connection with the peer's address, then closes it. */
async function peerReporter(namespace: string, host: string, port: number): Promise<ChildProcess> {
  const script = `
    const s = require('node:net').createServer((c) => c.end(c.remoteAddress + '\\n'));
    s.listen(${port}, ${JSON.stringify(host)}, () => console.log('listening'));`;
  const child = spawnIn(namespace, process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.add(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server in ${namespace} did not start: ${err}`)), 5000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server in ${namespace} exited ${code}: ${err}`));
    });
  });
  return child;
}

/** Connects from `namespace` to host:port and returns what the server said (the address it saw). */
function connectFrom(namespace: string, host: string, port: number): string {
  const script = `
    const c = require('node:net').connect(${port}, ${JSON.stringify(host)});
    let d = ''; c.on('data', (b) => (d += b)); c.on('end', () => process.stdout.write(d));
    c.setTimeout(2000, () => { console.error('timeout'); process.exit(2); });
    c.on('error', (e) => { console.error(e.message); process.exit(1); });`;
  return execIn(namespace, process.execPath, ['-e', script]).trim();
}

describe('localcluster network', { skip }, () => {
  const plan = planCluster(cluster);
  const [node1, node2] = plan.nodes;
  const podA = planPod(plan, 'node1', 'a');
  const podB = planPod(plan, 'node2', 'b');

  after(() => {
    processes.stopAll();
    destroyCluster(cluster);
  });

  it('builds two nodes with a pod each; pods talk across nodes without NAT; the root namespace is untouched', async () => {
    assert.ok(node1 && node2);
    const before = rootState();
    applyCluster(plan);
    addPod(plan, podA);
    addPod(plan, podB);
    assert.deepEqual(clusterNamespaces(cluster).sort(), [podA.namespace, podB.namespace, plan.external.namespace, node1.namespace, node2.namespace, plan.world.namespace].sort());
    assert.throws(() => applyCluster(plan), /exists already/);

    assert.match(execIn(podA.namespace, 'ip', ['-4', '-o', 'addr', 'show', 'eth0']), /inet 10\.244\.1\.2\/24/);
    assert.match(execIn(node1.namespace, 'ip', ['route']), /10\.244\.2\.0\/24 via 172\.19\.0\.3 dev eth0/);

    const server = await peerReporter(podA.namespace, '0.0.0.0', 8080);
    assert.equal(connectFrom(podB.namespace, podA.ip, 8080), podB.ip, 'pod a sees pod b\'s own address');
    await peerReporter(podB.namespace, '0.0.0.0', 8080);
    assert.equal(connectFrom(podA.namespace, podB.ip, 8080), podA.ip, 'pod b sees pod a\'s own address');
    // A node reaches a pod on another node, and the external namespace reaches a node IP (a NodePort's address).
    assert.equal(connectFrom(node2.namespace, podA.ip, 8080), node2.ip);
    await peerReporter(node1.namespace, node1.ip, 30080);
    assert.equal(connectFrom(plan.external.namespace, node1.ip, 30080), plan.external.ip);
    // ...but not a pod: the pod network is not routed to the outside.
    assert.throws(() => connectFrom(plan.external.namespace, podA.ip, 8080), /exited [12]/);

    const during = rootState();
    assert.deepEqual(during.links, before.links, 'no link was added to the root namespace');
    assert.equal(during.routes, before.routes, 'no route was added to the root namespace');

    // Removing a pod takes its veth with it; the other pod stays reachable.
    assert.ok(server.pid !== undefined);
    const serverExited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(-server.pid, 'SIGKILL');
    await serverExited;
    removePod(plan, podA);
    removePod(plan, podA);
    assert.doesNotMatch(execIn(node1.namespace, 'ip', ['-o', 'link']), /vp2@/);
    assert.equal(connectFrom(node1.namespace, podB.ip, 8080), node1.ip);
  });

  it('destroyCluster removes every namespace of the cluster and its /etc/netns directories, idempotently', () => {
    processes.stopAll();
    mkdirSync(`/etc/netns/${podB.namespace}`, { recursive: true });
    writeFileSync(`/etc/netns/${podB.namespace}/resolv.conf`, 'nameserver 10.96.0.10\n');
    const first = destroyCluster(cluster);
    assert.ok(first.namespaces.includes(plan.world.namespace), first.namespaces.join(','));
    assert.deepEqual(clusterNamespaces(cluster), []);
    assert.equal(existsSync(`/etc/netns/${podB.namespace}`), false);
    assert.deepEqual(destroyCluster(cluster), { namespaces: [], pids: [] });
    assert.deepEqual(rootState().links, rootLinksAtStart, 'no link is left in the root namespace');
  });

  it('destroyCluster removes the leftovers of a process killed while its cluster was up', () => {
    const code = `
      import { applyCluster, addPod } from ${JSON.stringify(APPLY)};
      import { planCluster, planPod } from ${JSON.stringify(APPLY.replace(/apply\.ts$/, 'plan.ts'))};
      const plan = planCluster(${JSON.stringify(cluster)});
      applyCluster(plan);
      addPod(plan, planPod(plan, 'node2', 'orphan'));
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    assert.equal(clusterNamespaces(cluster).length, 5, 'the crashed run left its namespaces behind');
    const result = destroyCluster(cluster);
    assert.equal(result.namespaces.length, 5);
    assert.deepEqual(clusterNamespaces(cluster), []);
    assert.deepEqual(destroyCluster(cluster).namespaces, []);
  });
});
