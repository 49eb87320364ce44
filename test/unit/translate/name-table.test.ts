// The NameTable: what the DNS server answers from, decoded from the wire bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import { NAME_TABLE } from '../../../xds/type-urls.js';
import { decode, endpoint, port, service, smallMesh, snapshot } from './fixtures.js';

function table(mesh = smallMesh()): Record<string, unknown> {
  const r = translate(mesh, { role: 'dns', namespace: 'default' }).get(NAME_TABLE)?.get('cluster.local');
  assert.ok(r, 'one NameTable named after the cluster domain');
  return decode(r);
}

void test('header: cluster domain, clusterset domain, id, namespaces, schema version', () => {
  const t = table();
  assert.equal(t.cluster_domain, 'cluster.local');
  assert.equal(t.cluster_id, 'test-cluster');
  assert.deepEqual(t.namespaces, ['default', 'shop']);
  assert.equal(t.schema_version, '1.1.0');
  assert.equal(t.clusterset_domain, 'clusterset.local', 'the MCS zone is served, empty until services are imported');
});

void test('one entry per service: kind, addresses, external name, ports', () => {
  const services = table().services as Record<string, unknown>[];
  const rows = services.map((s) => ({ ...s, endpoints: undefined }));
  assert.deepEqual(rows, [
    { name: 'db', namespace: 'default', kind: 'CLUSTER_IP', cluster_ips: ['10.96.0.20'], ports: [{ name: 'tcp-postgres', protocol: 'tcp', port: 5432 }], endpoints: undefined },
    { name: 'greeter', namespace: 'default', kind: 'CLUSTER_IP', cluster_ips: ['10.96.0.10'], ports: [{ name: 'grpc', protocol: 'tcp', port: 50051 }], endpoints: undefined },
    { name: 'peers', namespace: 'default', kind: 'HEADLESS', ports: [{ name: 'tcp', protocol: 'tcp', port: 7000 }], endpoints: undefined },
    { name: 'search', namespace: 'default', kind: 'EXTERNAL_NAME', external_name: 'search.example.com', ports: [{ name: 'https', protocol: 'tcp', port: 443 }], endpoints: undefined },
    { name: 'web', namespace: 'shop', kind: 'CLUSTER_IP', cluster_ips: ['10.96.0.30'], ports: [{ name: 'http', protocol: 'tcp', port: 80 }], endpoints: undefined },
  ]);
  assert.ok(services.every((s) => s.kind === 'HEADLESS' || s.endpoints === undefined), 'only headless services list endpoints');
});

void test('headless endpoints: one per address, hostname, readiness, the endpoint ports per named service port', () => {
  const mesh = snapshot([
    service('db', {
      clusterIP: 'None',
      ports: [
        [port(5432, 'pg'), [endpoint('10.0.0.2', 5432, { hostname: 'db-1', ready: false, serving: false }), endpoint('10.0.0.1', 5432, { hostname: 'db-0' })]],
        [port(9187, 'metrics'), [endpoint('10.0.0.1', 19187, { hostname: 'db-0' })]],
        [port(53, 'dns', { protocol: 'UDP' }), [endpoint('10.0.0.1', 53, { hostname: 'db-0' })]],
      ],
    }),
  ]);
  const [db] = table(mesh).services as Record<string, unknown>[];
  assert.deepEqual(db!.endpoints, [
    {
      ip: '10.0.0.1',
      hostname: 'db-0',
      ready: true,
      ports: [
        { name: 'pg', protocol: 'tcp', port: 5432 },
        { name: 'metrics', protocol: 'tcp', port: 19187 },
        { name: 'dns', protocol: 'udp', port: 53 },
      ],
    },
    { ip: '10.0.0.2', hostname: 'db-1', ready: false, ports: [{ name: 'pg', protocol: 'tcp', port: 5432 }] },
  ]);
});

void test('publishNotReadyAddresses: every headless endpoint is ready for DNS', () => {
  const mesh = snapshot([
    service('peers', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [[port(7000, 'p'), [endpoint('10.0.0.3', 7000, { ready: false, serving: false })]]] }),
  ]);
  const [peers] = table(mesh).services as { endpoints: { ready?: boolean }[] }[];
  assert.equal(peers!.endpoints[0]!.ready, true);
});

void test('sidecar and dns roles share the one NameTable resource object', () => {
  const mesh = smallMesh();
  const a = translate(mesh, { role: 'dns', namespace: 'default' }).get(NAME_TABLE)!.get('cluster.local');
  const b = translate(mesh, { role: 'sidecar', namespace: 'x' }).get(NAME_TABLE)!.get('cluster.local');
  assert.equal(a, b);
});
