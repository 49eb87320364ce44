// Cluster DNS as a pod uses it: a pod namespace with Kubernetes' resolv.conf (search path, ndots:5) pointing at
// `meshlet dns` on the node, fed by the control plane over xDS. `getent hosts reviews` and `curl
// http://reviews:9080/` resolve through the search path to the ClusterIP, which the pod's sidecar captures; an
// EndpointSlice change shows in a headless service's answers within a second. A second pod's sidecar proxies DNS
// (Istio's DNS capture): its port-53 queries are answered in the pod, even with the cluster DNS gone.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpService } from '../../support/mesh-harness.js';
import {
  eventually, MESHLET_MAIN, netnsSkip, startControlPlane, startSidecar, waitForSidecar, World, type ControlPlane, type Host,
} from '../../support/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const POD_SERVER = path.join(here, '../sidecar/pod-server.ts');
const REVIEWS_IP = '10.96.20.1';

/** Kubernetes' resolv.conf for a pod in `default` (kubelet's ClusterFirst policy). */
const RESOLV_CONF = (nameserver: string): string =>
  `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${nameserver}\noptions ndots:5\n`;

function headless(name: string, ips: readonly string[]): string {
  return httpService(name, 5432, ips, 5432).replace('\nspec:\n', '\nspec:\n  clusterIP: None\n');
}

const skip = netnsSkip('cluster DNS e2e');

describe('cluster DNS in a pod', { skip }, () => {
  let world: World;
  let client: Host;
  let controlPlane: ControlPlane;
  let proxied: Host;
  let clusterDns: ReturnType<World['node']['spawn']>;

  before(async () => {
    world = World.create('dns', ['a', 'reviews', 'c']);
    client = world.pod('a');
    const reviews = world.pod('reviews');
    controlPlane = await startControlPlane(world, {
      'reviews.yaml': httpService('reviews', 9080, [reviews.ip], 9080).replace('\nspec:\n', `\nspec:\n  clusterIP: ${REVIEWS_IP}\n`),
      'db.yaml': headless('db', ['10.244.0.50', '10.244.0.51']),
    });
    // The cluster DNS on the node, as kube-dns on its Service IP; nothing upstream answers in this world.
    const dns = (clusterDns = world.node.spawn('dns', process.execPath, [
      MESHLET_MAIN, 'dns', '--xds', '127.0.0.1:15010', '--listen', `${world.node.ip}:53`, '--upstream', '127.0.0.1:5399', '--ttl', '1',
    ]));
    await eventually(async () => (await world.node.run('dig', ['+short', '+time=1', '+tries=1', `@${world.node.ip}`, 'reviews.default.svc.cluster.local'])).stdout.trim() === REVIEWS_IP, 15_000);
    assert.ok(dns.running, dns.describe());
    client.setResolvConf(RESOLV_CONF(world.node.ip));
    reviews.spawn('app', process.execPath, ['--import', 'tsx', POD_SERVER, 'reviews', reviews.ip, '9080']);
    // Pod a asks the cluster DNS itself (no DNS proxying); pod c's sidecar proxies DNS (the default).
    const sidecar = startSidecar(client, controlPlane, ['--dns-proxy', 'off']);
    proxied = world.pod('c');
    proxied.setResolvConf(RESOLV_CONF(world.node.ip));
    const proxiedSidecar = startSidecar(proxied, controlPlane);
    await Promise.all([waitForSidecar(client, sidecar), waitForSidecar(proxied, proxiedSidecar)]);
  });

  after(async () => {
    await world?.close();
  });

  void test('getent hosts resolves a short name through the search path to the ClusterIP', async () => {
    const r = await client.run('getent', ['hosts', 'reviews']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${REVIEWS_IP.replaceAll('.', '\\.')}\\s+reviews\\.default\\.svc\\.cluster\\.local`));
  });

  void test('curl http://reviews:9080/ reaches the reviews pod through DNS, the ClusterIP and the sidecar', async () => {
    const r = await client.httpGet('http://reviews:9080/', 5000);
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { name: string }).name, 'reviews');
  });

  void test('an EndpointSlice change shows in the headless answers within 1 s', async () => {
    const digDb = async (): Promise<string> =>
      (await client.run('dig', ['+short', '+time=1', '+tries=1', 'db.default.svc.cluster.local', 'A'])).stdout.trim().split('\n').sort().join(',');
    assert.equal(await digDb(), '10.244.0.50,10.244.0.51');
    const changedAt = Date.now();
    controlPlane.writeManifest('db.yaml', headless('db', ['10.244.0.52']));
    const seen = await eventually(async () => (await digDb()) === '10.244.0.52', 3000, 20);
    const elapsed = Date.now() - changedAt;
    assert.ok(seen, 'the new endpoint was never answered');
    assert.ok(elapsed <= 1000, `took ${elapsed} ms`);
  });

  // Last: it stops the cluster DNS.
  void test('with DNS proxying the sidecar answers cluster names in the pod, even when the cluster DNS is gone', async () => {
    await clusterDns.kill('SIGKILL');
    const inProxied = await proxied.run('getent', ['hosts', 'reviews']);
    assert.equal(inProxied.code, 0, inProxied.stderr);
    assert.match(inProxied.stdout, new RegExp(`^${REVIEWS_IP.replaceAll('.', '\\.')}\\s`));
    const tcp = await proxied.run('dig', ['+short', '+tcp', '+time=1', '+tries=1', 'reviews.default.svc.cluster.local']);
    assert.equal(tcp.stdout.trim(), REVIEWS_IP, 'TCP port 53 is proxied too');
    const direct = await client.run('dig', ['+short', '+time=1', '+tries=1', 'reviews.default.svc.cluster.local']);
    assert.notEqual(direct.stdout.trim(), REVIEWS_IP, 'without proxying the pod has no DNS now');
  });
});
