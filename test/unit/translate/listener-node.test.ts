// The node role (NodePort / LoadBalancer): which listeners it gets, their shape decoded from the wire, and that
// every cluster they name is in the same set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConsistency, translate } from '../../../control-plane/translate/index.js';
import { CLUSTER, LISTENER, TCP_PROXY } from '../../../xds/type-urls.js';
import type { MeshSnapshot } from '../../../control-plane/model/types.js';
import { decode, endpoint, names, port, service, snapshot, unpack } from './fixtures.js';

const NODE = { role: 'node', namespace: 'default' } as const;

function mesh(): MeshSnapshot {
  return snapshot([
    // ClusterIP: nothing opens on the node.
    service('db', { clusterIP: '10.96.0.20', ports: [[port(5432, 'tcp-postgres'), [endpoint('10.244.1.5', 5432)]]] }),
    // LoadBalancer with two IPs, a nodePort on one of its two ports.
    service('front', {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.40',
      loadBalancerIPs: ['172.18.255.1', '172.18.255.2'],
      ports: [
        [port(80, 'http', { nodePort: 30080 }), [endpoint('10.244.1.3', 8080)]],
        [port(443, 'https'), [endpoint('10.244.1.3', 8443)]],
      ],
    }),
    // LoadBalancer without an address yet: its nodePort only.
    service('pending', { type: 'LoadBalancer', clusterIP: '10.96.0.50', ports: [[port(81, '', { nodePort: 30081 }), []]] }),
    // NodePort: a TCP port and a UDP port (no cluster, no listener), one port without a nodePort.
    service('web', {
      namespace: 'shop',
      type: 'NodePort',
      clusterIP: '10.96.0.30',
      ports: [
        [port(80, 'http', { nodePort: 30000 }), [endpoint('10.244.2.9', 8080)]],
        [port(53, 'dns', { protocol: 'UDP', nodePort: 30053 }), []],
        [port(9090, 'metrics'), []],
      ],
    }),
    // Claims web's nodePort: the first Service in snapshot order keeps it.
    service('zz-late', { namespace: 'shop', type: 'NodePort', clusterIP: '10.96.0.60', ports: [[port(80, '', { nodePort: 30000 }), []]] }),
  ]);
}

void test('node role: a listener per nodePort and per LoadBalancer IP:port, TCP proxy to the port’s cluster', () => {
  const set = translate(mesh(), NODE);
  // [listener, address, port, cluster]
  const rows = [
    ['0.0.0.0_30080', '0.0.0.0', 30080, 'outbound|80||front.default.svc.cluster.local'],
    ['172.18.255.1_80', '172.18.255.1', 80, 'outbound|80||front.default.svc.cluster.local'],
    ['172.18.255.1_443', '172.18.255.1', 443, 'outbound|443||front.default.svc.cluster.local'],
    ['172.18.255.2_80', '172.18.255.2', 80, 'outbound|80||front.default.svc.cluster.local'],
    ['172.18.255.2_443', '172.18.255.2', 443, 'outbound|443||front.default.svc.cluster.local'],
    ['0.0.0.0_30081', '0.0.0.0', 30081, 'outbound|81||pending.default.svc.cluster.local'],
    ['0.0.0.0_30000', '0.0.0.0', 30000, 'outbound|80||web.shop.svc.cluster.local'],
  ] as const;
  assert.deepEqual(names(set, LISTENER), rows.map((r) => r[0]), 'nothing for ClusterIP, UDP, missing nodePorts or a taken nodePort');
  for (const [name, address, portValue, cluster] of rows) {
    const l = decode(set.get(LISTENER)!.get(name)!);
    assert.equal(l.name, name);
    assert.deepEqual(l.address, { socket_address: { address, port_value: portValue } }, name);
    assert.equal(l.bind_to_port, undefined, `${name}: bound (the default)`);
    assert.equal(l.use_original_dst, undefined);
    const chains = l.filter_chains as { filter_chain_match?: unknown; filters: { typed_config: unknown }[] }[];
    assert.equal(chains.length, 1, name);
    assert.equal(chains[0]!.filter_chain_match, undefined);
    assert.equal(chains[0]!.filters.length, 1);
    const tcp = unpack(chains[0]!.filters[0]!.typed_config);
    assert.equal(tcp['@type'], TCP_PROXY, `${name}: L4, as kube-proxy`);
    assert.equal(tcp.cluster, cluster, name);
    assert.ok(set.get(CLUSTER)!.has(cluster), `${name}: ${cluster} is served`);
  }
});

void test('node role: consistent, and nothing but clusters and endpoints for a mesh of ClusterIP services', () => {
  assert.deepEqual(checkConsistency(translate(mesh(), NODE)), []);
  const clusterIpOnly = snapshot([service('db', { clusterIP: '10.96.0.20', ports: [[port(5432), [endpoint('10.244.1.5', 5432)]]] })]);
  const set = translate(clusterIpOnly, NODE);
  assert.deepEqual(names(set, LISTENER), []);
  assert.deepEqual(names(set, CLUSTER), ['outbound|5432||db.default.svc.cluster.local']);
});

void test('node role: other roles do not get node listeners; the sidecar keeps its ClusterIP listeners', () => {
  const sidecar = translate(mesh(), { role: 'sidecar', namespace: 'default' });
  const listeners = names(sidecar, LISTENER);
  assert.ok(listeners.includes('10.96.0.40_80'));
  assert.ok(!listeners.some((n) => n.startsWith('172.18.255.') || n.endsWith('_30080')), listeners.join(' '));
});

void test('node role: listeners are memoised per Service object', () => {
  const m = mesh();
  const a = translate(m, NODE).get(LISTENER)!.get('0.0.0.0_30080');
  const b = translate({ ...m, generation: 2 }, NODE).get(LISTENER)!.get('0.0.0.0_30080');
  assert.ok(a !== undefined && a === b);
});
