// The local cluster's LoadBalancer controller: which address every Service of type LoadBalancer gets from the range
// (lowest free from .1, never network or broadcast; kept status; honoured spec.loadBalancerIP), in which order, what
// it reports when it cannot honour a request or the range is full, and that it touches nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignLoadBalancers } from '../../../localcluster/load-balancers.js';

interface SvcOptions {
  namespace?: string;
  type?: string;
  loadBalancerIP?: string;
  statusIp?: string;
}

function svc(name: string, o: SvcOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...(o.namespace !== undefined && { namespace: o.namespace }) },
    spec: { type: o.type ?? 'LoadBalancer', ports: [{ port: 80 }], ...(o.loadBalancerIP !== undefined && { loadBalancerIP: o.loadBalancerIP }) },
    ...(o.statusIp !== undefined && { status: { loadBalancer: { ingress: [{ ip: o.statusIp }] } } }),
  };
}

/** The address written into each object's status (by namespace/name), '-' for none. */
function statusOf(objects: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of objects) {
    const s = o as { metadata?: { name?: string; namespace?: string }; status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } } };
    out[`${s.metadata?.namespace ?? 'default'}/${s.metadata?.name ?? ''}`] = s.status?.loadBalancer?.ingress?.[0]?.ip ?? '-';
  }
  return out;
}

const cases: ReadonlyArray<{
  readonly name: string;
  readonly cidr: string;
  readonly objects: ReadonlyArray<Record<string, unknown>>;
  /** `namespace/name=ip` in the order of `assigned`. */
  readonly assigned: readonly string[];
  readonly problems: readonly RegExp[];
}> = [
  {
    name: 'the first Service gets .1 of the range, never the network address',
    cidr: '172.20.0.0/24',
    objects: [svc('frontend')],
    assigned: ['default/frontend=172.20.0.1'],
    problems: [],
  },
  {
    name: 'namespace/name order, whatever the input order; a missing namespace is default',
    cidr: '172.20.0.0/24',
    objects: [svc('b', { namespace: 'default' }), svc('z', { namespace: 'apps' }), svc('a'), svc('c', { namespace: 'default' })],
    assigned: ['apps/z=172.20.0.1', 'default/a=172.20.0.2', 'default/b=172.20.0.3', 'default/c=172.20.0.4'],
    problems: [],
  },
  {
    name: 'an address already in the status is kept and not handed to another Service',
    cidr: '172.20.0.0/24',
    objects: [svc('a'), svc('b', { statusIp: '172.20.0.1' }), svc('c', { statusIp: '172.20.0.3' })],
    assigned: ['default/a=172.20.0.2', 'default/b=172.20.0.1', 'default/c=172.20.0.3'],
    problems: [],
  },
  {
    name: 'spec.loadBalancerIP inside the range and free is honoured, and an earlier automatic pick does not take it',
    cidr: '172.20.0.0/24',
    objects: [svc('a'), svc('z', { loadBalancerIP: '172.20.0.1' }), svc('m', { loadBalancerIP: '172.20.0.200' })],
    assigned: ['default/a=172.20.0.2', 'default/m=172.20.0.200', 'default/z=172.20.0.1'],
    problems: [],
  },
  {
    name: 'an address in the status wins over spec.loadBalancerIP (the documented order of the rules)',
    cidr: '172.20.0.0/24',
    objects: [svc('a', { statusIp: '172.20.0.5', loadBalancerIP: '172.20.0.7' }), svc('b')],
    assigned: ['default/a=172.20.0.5', 'default/b=172.20.0.1'],
    problems: [],
  },
  {
    name: 'spec.loadBalancerIP outside the range: a problem naming the Service, and another address',
    cidr: '172.20.0.0/24',
    objects: [svc('web', { namespace: 'shop', loadBalancerIP: '10.0.0.5' })],
    assigned: ['shop/web=172.20.0.1'],
    problems: [/^Service shop\/web: spec\.loadBalancerIP 10\.0\.0\.5 is outside the LoadBalancer range 172\.20\.0\.0\/24/],
  },
  {
    name: 'the network and broadcast addresses count as outside the range',
    cidr: '172.20.0.0/24',
    objects: [svc('a', { loadBalancerIP: '172.20.0.0' }), svc('b', { loadBalancerIP: '172.20.0.255' })],
    assigned: ['default/a=172.20.0.1', 'default/b=172.20.0.2'],
    problems: [/^Service default\/a: .*172\.20\.0\.0 is outside/, /^Service default\/b: .*172\.20\.0\.255 is outside/],
  },
  {
    name: 'spec.loadBalancerIP taken by another Service\'s status: a problem naming the Service, and another address',
    cidr: '172.20.0.0/24',
    objects: [svc('old', { statusIp: '172.20.0.1' }), svc('new', { loadBalancerIP: '172.20.0.1' })],
    assigned: ['default/new=172.20.0.2', 'default/old=172.20.0.1'],
    problems: [/^Service default\/new: spec\.loadBalancerIP 172\.20\.0\.1 is taken/],
  },
  {
    name: 'two Services request the same address: the first by name gets it, the second a problem',
    cidr: '172.20.0.0/24',
    objects: [svc('y', { loadBalancerIP: '172.20.0.9' }), svc('x', { loadBalancerIP: '172.20.0.9' })],
    assigned: ['default/x=172.20.0.9', 'default/y=172.20.0.1'],
    problems: [/^Service default\/y: spec\.loadBalancerIP 172\.20\.0\.9 is taken/],
  },
  {
    name: 'a /30 has two usable addresses: the others stay pending, each with a problem (broadcast unused)',
    cidr: '172.20.0.0/30',
    objects: [svc('c'), svc('b'), svc('d'), svc('a')],
    assigned: ['default/a=172.20.0.1', 'default/b=172.20.0.2'],
    problems: [
      /^Service default\/c: the LoadBalancer range 172\.20\.0\.0\/30 is full; it stays <pending>$/,
      /^Service default\/d: the LoadBalancer range 172\.20\.0\.0\/30 is full; it stays <pending>$/,
    ],
  },
  {
    name: 'a kept status fills the range too',
    cidr: '172.20.0.0/30',
    objects: [svc('a'), svc('b', { statusIp: '172.20.0.2' }), svc('c', { loadBalancerIP: '172.20.0.1' })],
    assigned: ['default/b=172.20.0.2', 'default/c=172.20.0.1'],
    problems: [/^Service default\/a: the LoadBalancer range .* is full/],
  },
];

for (const c of cases) {
  test(`assignLoadBalancers: ${c.name}`, () => {
    const result = assignLoadBalancers(c.objects, c.cidr);
    assert.deepEqual(result.assigned.map((a) => `${a.namespace}/${a.name}=${a.ip}`), c.assigned);
    assert.equal(result.problems.length, c.problems.length, result.problems.join('\n'));
    c.problems.forEach((re, i) => assert.match(result.problems[i] ?? '', re));
    // What is written into the objects agrees with the report; a Service left pending has no status.
    const written = statusOf(result.objects);
    const want = Object.fromEntries(Object.keys(written).map((k) => [k, '-']));
    for (const a of result.assigned) want[`${a.namespace}/${a.name}`] = a.ip;
    assert.deepEqual(written, want);
    // The objects keep their input order.
    assert.deepEqual(Object.keys(written), Object.keys(statusOf(c.objects)));
  });
}

test('assignLoadBalancers: the same manifests in any order give the same addresses', () => {
  const objects = [svc('a'), svc('b', { namespace: 'x' }), svc('c', { loadBalancerIP: '172.20.0.1' }), svc('d')];
  const forward = assignLoadBalancers(objects, '172.20.0.0/28');
  const backward = assignLoadBalancers([...objects].reverse(), '172.20.0.0/28');
  assert.deepEqual(forward.assigned, backward.assigned);
  assert.deepEqual(statusOf(forward.objects), statusOf(backward.objects));
});

test('assignLoadBalancers: other Services, other kinds and kept statuses are returned as the same objects', () => {
  const clusterIp = svc('api', { type: 'ClusterIP' });
  const nodePort = svc('np', { type: 'NodePort' });
  const noType = { kind: 'Service', metadata: { name: 'plain' }, spec: {} };
  const deployment = { kind: 'Deployment', metadata: { name: 'frontend' }, spec: { type: 'LoadBalancer' } };
  const kept = svc('kept', { statusIp: '172.20.0.1' });
  const pending = svc('pending');
  const oddities = [null, 'text', 42];
  const objects = [clusterIp, nodePort, noType, deployment, kept, pending, ...oddities];
  const result = assignLoadBalancers(objects, '172.20.0.0/24');
  assert.equal(result.objects.length, objects.length);
  objects.forEach((o, i) => {
    if (o === pending) assert.notEqual(result.objects[i], o);
    else assert.equal(result.objects[i], o, `object ${i} replaced`);
  });
  assert.deepEqual(result.assigned, [
    { namespace: 'default', name: 'kept', ip: '172.20.0.1' },
    { namespace: 'default', name: 'pending', ip: '172.20.0.2' },
  ]);
  assert.deepEqual(result.problems, []);
  // The input objects are not mutated.
  assert.equal(pending['status'], undefined);
});

test('assignLoadBalancers: the written status is {loadBalancer: {ingress: [{ip, ipMode: VIP}]}}, other fields kept', () => {
  const service = { ...svc('frontend', { namespace: 'default' }), status: { conditions: [{ type: 'Ready' }], loadBalancer: {} } };
  const [out] = assignLoadBalancers([service], '172.20.0.0/24').objects;
  assert.deepEqual(out, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'frontend', namespace: 'default' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    status: { conditions: [{ type: 'Ready' }], loadBalancer: { ingress: [{ ip: '172.20.0.1', ipMode: 'VIP' }] } },
  });
  // Without any status before.
  const [fresh] = assignLoadBalancers([svc('web')], '10.1.2.0/29').objects;
  assert.deepEqual((fresh as { status?: unknown }).status, { loadBalancer: { ingress: [{ ip: '10.1.2.1', ipMode: 'VIP' }] } });
});
