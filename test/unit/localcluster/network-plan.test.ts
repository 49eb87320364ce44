// The local cluster's network plan: names, addresses, bridges and host-gw routes of the default 2-node cluster
// and of bigger ones, pod address allocation per node, and the errors for invalid names, sizes and overlaps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isClusterNamespace, planCluster, planPod, PlanError, validatePodName } from '../../../localcluster/network/plan.js';

test('the default plan: two nodes, world, external namespace, their addresses', () => {
  const plan = planCluster('demo');
  assert.equal(plan.prefix, 'ml-demo-');
  assert.equal(plan.serviceCidr, '10.96.0.0/12');
  assert.deepEqual(plan.world, {
    namespace: 'ml-demo-world', nodeBridge: 'nodes0', nodeCidr: '172.19.0.0/24', nodeGateway: '172.19.0.1',
    extBridge: 'ext0', externalCidr: '172.18.0.0/24', extGateway: '172.18.0.1',
  });
  assert.deepEqual(plan.external, {
    namespace: 'ml-demo-ext', ip: '172.18.0.2', interface: 'eth0', worldVeth: 'vext', routes: [{ to: 'default', via: '172.18.0.1' }],
  });
  assert.deepEqual(
    plan.nodes.map((n) => [n.name, n.namespace, n.ip, n.uplink, n.worldVeth, n.podCidr, n.bridge, n.gateway]),
    [
      ['node1', 'ml-demo-node1', '172.19.0.2', 'eth0', 'vnode1', '10.244.1.0/24', 'cni0', '10.244.1.1'],
      ['node2', 'ml-demo-node2', '172.19.0.3', 'eth0', 'vnode2', '10.244.2.0/24', 'cni0', '10.244.2.1'],
    ],
  );
});

test('every node routes every other node\'s pod CIDR via that node\'s IP, and the rest via the world', () => {
  const plan = planCluster('c', { nodes: 3 });
  assert.deepEqual(plan.nodes.map((n) => n.routes), [
    [{ to: '10.244.2.0/24', via: '172.19.0.3' }, { to: '10.244.3.0/24', via: '172.19.0.4' }, { to: 'default', via: '172.19.0.1' }],
    [{ to: '10.244.1.0/24', via: '172.19.0.2' }, { to: '10.244.3.0/24', via: '172.19.0.4' }, { to: 'default', via: '172.19.0.1' }],
    [{ to: '10.244.1.0/24', via: '172.19.0.2' }, { to: '10.244.2.0/24', via: '172.19.0.3' }, { to: 'default', via: '172.19.0.1' }],
  ]);
  const one = planCluster('c', { nodes: 1 });
  assert.deepEqual(one.nodes[0]?.routes, [{ to: 'default', via: '172.19.0.1' }]);
});

test('other ranges are honoured', () => {
  const plan = planCluster('c', { podCidr: '10.50.0.0/20', nodeCidr: '192.168.7.0/28', externalCidr: '192.168.8.0/30' });
  assert.deepEqual(plan.nodes.map((n) => [n.ip, n.podCidr, n.gateway]), [
    ['192.168.7.2', '10.50.1.0/24', '10.50.1.1'],
    ['192.168.7.3', '10.50.2.0/24', '10.50.2.1'],
  ]);
  assert.equal(plan.world.nodeGateway, '192.168.7.1');
  assert.equal(plan.external.ip, '192.168.8.2');
});

test('interface names stay within 15 characters, with 50 nodes and 253 pods on a node', () => {
  const plan = planCluster('abcdefghijklmnopqrst', { nodes: 50 });
  const used = new Set<string>();
  for (let i = 0; i < 253; i++) {
    const pod = planPod(plan, 'node50', `p${i}`, used);
    used.add(pod.ip);
    assert.ok(pod.hostVeth.length <= 15, pod.hostVeth);
  }
  for (const n of plan.nodes) assert.ok(n.worldVeth.length <= 15 && n.uplink.length <= 15, n.worldVeth);
  assert.throws(() => planPod(plan, 'node50', 'full', used), /node50 has no free pod address left in 10\.244\.50\.0\/24/);
});

test('pods get the lowest free address of their node\'s pod CIDR and a default route via cni0', () => {
  const plan = planCluster('demo');
  const a = planPod(plan, 'node1', 'web-1');
  assert.deepEqual(a, {
    name: 'web-1', namespace: 'ml-demo-web-1', node: 'node1', ip: '10.244.1.2', prefix: 24, interface: 'eth0',
    hostVeth: 'vp2', gateway: '10.244.1.1', routes: [{ to: 'default', via: '10.244.1.1' }],
  });
  const cases: Array<[string[], string, string]> = [
    [[], 'node2', '10.244.2.2'],
    [['10.244.1.2'], 'node1', '10.244.1.3'],
    [['10.244.1.2', '10.244.1.4'], 'node1', '10.244.1.3'],
    [['10.244.1.2', '10.244.1.3'], 'node1', '10.244.1.4'],
  ];
  for (const [used, node, want] of cases) assert.equal(planPod(plan, node, 'p', new Set(used)).ip, want, `${used.join(',')} on ${node}`);
});

test('invalid input is refused with a clear message', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => planCluster('Demo'), /cluster name "Demo" is invalid: use 1-20 lowercase letters and digits/],
    [() => planCluster('my-demo'), /no "-"/],
    [() => planCluster(''), /cluster name "" is invalid/],
    [() => planCluster('1demo'), /starting with a letter/],
    [() => planCluster('a'.repeat(21)), /is invalid/],
    [() => planCluster('c', { nodes: 0 }), /nodes must be an integer from 1 to 50, not 0/],
    [() => planCluster('c', { nodes: 51 }), /not 51/],
    [() => planCluster('c', { nodes: 1.5 }), /not 1.5/],
    [() => planCluster('c', { podCidr: '10.244.0.0' }), /pod CIDR "10.244.0.0" is not an IPv4 CIDR/],
    [() => planCluster('c', { podCidr: '10.244.300.0/16' }), /is not an IPv4 CIDR/],
    [() => planCluster('c', { serviceCidr: '10.96.0.1/12' }), /service CIDR 10.96.0.1\/12 has host bits set \(the network is 10.96.0.0\/12\)/],
    [() => planCluster('c', { podCidr: '10.244.0.0/23' }), /pod CIDR 10.244.0.0\/23 has room for 1 node \/24s \(the first is unused\), not 2/],
    [() => planCluster('c', { podCidr: '10.244.0.0/25' }), /has room for 0/],
    [() => planCluster('c', { nodes: 3, nodeCidr: '172.19.0.0/30' }), /node CIDR 172.19.0.0\/30 is too small for the world and 3 nodes/],
    [() => planCluster('c', { externalCidr: '172.18.0.0/31' }), /external CIDR 172.18.0.0\/31 is too small/],
    [() => planCluster('c', { serviceCidr: '10.240.0.0/12' }), /pod CIDR 10.244.0.0\/16 overlaps service CIDR 10.240.0.0\/12/],
    [() => planCluster('c', { externalCidr: '172.19.0.0/25' }), /node CIDR 172.19.0.0\/24 overlaps external CIDR 172.19.0.0\/25/],
    [() => planCluster('c', { loadBalancerCidr: '172.18.0.128/25' }), /external CIDR 172.18.0.0\/24 overlaps load balancer CIDR/],
    [() => planPod(planCluster('c'), 'node3', 'p'), /no node "node3" in cluster c \(nodes: node1, node2\)/],
    [() => planPod(planCluster('c'), 'node1', 'Web'), /pod name "Web" is not an RFC 1123 label/],
  ];
  for (const [f, message] of cases) assert.throws(f, (e: unknown) => e instanceof PlanError && message.test(e.message), String(message));
});

test('pod names: RFC 1123 labels that are not the cluster\'s own namespaces', () => {
  for (const ok of ['a', 'web-1', '0abc', 'x'.repeat(63), 'nodes', 'world2', 'node']) assert.doesNotThrow(() => validatePodName(ok), ok);
  const bad: Array<[string, RegExp]> = [
    ['', /not an RFC 1123 label/], ['-a', /RFC 1123/], ['a-', /RFC 1123/], ['a_b', /RFC 1123/], ['a.b', /RFC 1123/],
    ['x'.repeat(64), /RFC 1123/], ['world', /reserved/], ['ext', /reserved/], ['node1', /reserved/], ['node12', /reserved/],
  ];
  for (const [name, message] of bad) assert.throws(() => validatePodName(name), message, name);
});

test('a cluster\'s namespaces are exactly those with its prefix; never another cluster\'s', () => {
  const cases: Array<[string, string, boolean]> = [
    ['demo', 'ml-demo-world', true],
    ['demo', 'ml-demo-web-1', true],
    ['demo', 'ml-demo-', false],
    ['demo', 'ml-demo2-world', false],
    ['demo', 'ml-dem-world', false],
    ['demo', 'demo-world', false],
    ['demo', 'ml-pod-1234abcd', false],
  ];
  for (const [cluster, ns, want] of cases) assert.equal(isClusterNamespace(cluster, ns), want, `${cluster} ${ns}`);
});
