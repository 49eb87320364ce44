// NameTable decoder: the control plane's table for smallMesh(), and errors with their paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NameServiceKind } from '../../../control-plane/translate/enums.js';
import { decodeNameTable } from '../../../proxy/xds/decoders/name-table.js';
import { makeResource } from '../../../xds/resource.js';
import { NAME_TABLE } from '../../../xds/type-urls.js';
import { errorsOf, served, valueOf } from './decoder-helpers.js';

void test('NDS: the control plane table decodes with defaults filled in', () => {
  const t = valueOf(decodeNameTable(served(NAME_TABLE, 'cluster.local').encoded));
  assert.equal(t.clusterDomain, 'cluster.local');
  assert.equal(t.clusterId, 'test-cluster');
  assert.deepEqual(t.namespaces, ['default', 'shop']);
  const db = t.services.find((s) => s.name === 'db');
  assert.deepEqual(db, {
    name: 'db',
    namespace: 'default',
    kind: 'CLUSTER_IP',
    clusterIps: ['10.96.0.20'],
    externalName: '',
    ports: [{ name: 'tcp-postgres', protocol: 'tcp', port: 5432 }],
    endpoints: [],
    imported: false,
    clustersetIps: [],
    clusterIds: [],
  });
  const peers = t.services.find((s) => s.name === 'peers');
  assert.deepEqual(peers?.endpoints, [{ ip: '10.244.1.7', hostname: 'peer-0', ready: true, ports: [{ name: 'tcp', protocol: 'tcp', port: 7000 }] }]);
  assert.equal(t.services.find((s) => s.name === 'search')?.externalName, 'search.example.com');
});

void test('NDS invalid: every error with its path', () => {
  const bytes = makeResource(NAME_TABLE, '', {
    services: [
      { name: 'a', cluster_ips: ['10.96.0.300'], ports: [{ name: 'p' }] },
      { namespace: 'n', kind: NameServiceKind.EXTERNAL_NAME, endpoints: [{ ip: 'x', ports: [{ port: 70000 }] }] },
    ],
  }).encoded;
  assert.deepEqual(errorsOf(decodeNameTable(bytes)), [
    'cluster_domain: required',
    'services[0].namespace: required',
    'services[0].cluster_ips[0]: "10.96.0.300" is not an IP address',
    'services[0].ports[0].port: required',
    'services[1].external_name: required for EXTERNAL_NAME',
    'services[1].name: required',
    'services[1].endpoints[0].ip: "x" is not an IP address',
    'services[1].endpoints[0].ports[0].port: 70000 is not a port',
  ]);
});
