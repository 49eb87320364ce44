// A small mesh → the resource names each role receives, per type. The mesh (fixtures.ts smallMesh):
//   default/db       ClusterIP 10.96.0.20  5432 tcp-postgres
//   default/greeter  ClusterIP 10.96.0.10  50051 grpc
//   default/peers    headless              7000 tcp
//   default/search   ExternalName search.example.com  443 https
//   shop/web         ClusterIP 10.96.0.30  80 http
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalGroup, translate, ROLE_TYPES } from '../../../control-plane/translate/index.js';
import { NODE_ROLES, type ConfigGroup } from '../../../control-plane/translate/types.js';
import {
  CLUSTER,
  CLUSTER_LOAD_ASSIGNMENT,
  LISTENER,
  NAME_TABLE,
  ROUTE_CONFIGURATION,
  SHORT_NAME,
  type ServedTypeUrl,
} from '../../../xds/type-urls.js';
import { names, smallMesh } from './fixtures.js';

const DB = 'outbound|5432||db.default.svc.cluster.local';
const GREETER = 'outbound|50051||greeter.default.svc.cluster.local';
const PEERS = 'outbound|7000||peers.default.svc.cluster.local';
const SEARCH = 'outbound|443||search.default.svc.cluster.local';
const WEB = 'outbound|80||web.shop.svc.cluster.local';
const SERVICE_CLUSTERS = [DB, GREETER, PEERS, SEARCH, WEB];
const EDS = [DB, GREETER, PEERS, WEB]; // ExternalName is LOGICAL_DNS: no assignment

const EXPECTED: Readonly<Record<string, Partial<Record<ServedTypeUrl, readonly string[]>>>> = {
  sidecar: {
    [CLUSTER]: ['PassthroughCluster', 'InboundPassthroughClusterIpv4', 'BlackHoleCluster', ...SERVICE_CLUSTERS],
    [CLUSTER_LOAD_ASSIGNMENT]: EDS,
    // no listener for the headless and the ExternalName service
    [LISTENER]: ['0.0.0.0_15001', '0.0.0.0_15006', '10.96.0.20_5432', '10.96.0.10_50051', '10.96.0.30_80'],
    // only the HTTP/gRPC ports have routes
    [ROUTE_CONFIGURATION]: ['greeter.default.svc.cluster.local:50051', 'web.shop.svc.cluster.local:80'],
    [NAME_TABLE]: ['cluster.local'],
  },
  'proxyless/default': {
    [CLUSTER]: SERVICE_CLUSTERS,
    [CLUSTER_LOAD_ASSIGNMENT]: EDS,
    [LISTENER]: [
      'db:5432', 'db.default:5432', 'db.default.svc:5432', 'db.default.svc.cluster.local:5432',
      'greeter:50051', 'greeter.default:50051', 'greeter.default.svc:50051', 'greeter.default.svc.cluster.local:50051',
      'peers:7000', 'peers.default:7000', 'peers.default.svc:7000', 'peers.default.svc.cluster.local:7000',
      'search:443', 'search.default:443', 'search.default.svc:443', 'search.default.svc.cluster.local:443',
      // shop/web: no short name from namespace default
      'web.shop:80', 'web.shop.svc:80', 'web.shop.svc.cluster.local:80',
    ],
    [ROUTE_CONFIGURATION]: [
      'db.default.svc.cluster.local:5432',
      'greeter.default.svc.cluster.local:50051',
      'peers.default.svc.cluster.local:7000',
      'search.default.svc.cluster.local:443',
      'web.shop.svc.cluster.local:80',
    ],
  },
  // No Ingress, no certificate: the HTTP listener and its routes (a 404 catch-all) only.
  gateway: { [CLUSTER]: SERVICE_CLUSTERS, [CLUSTER_LOAD_ASSIGNMENT]: EDS, [LISTENER]: ['0.0.0.0_8080'], [ROUTE_CONFIGURATION]: ['http.8080'] },
  node: { [CLUSTER]: SERVICE_CLUSTERS, [CLUSTER_LOAD_ASSIGNMENT]: EDS },
  dns: { [NAME_TABLE]: ['cluster.local'] },
};

function groupOf(key: string): ConfigGroup {
  const [role, namespace = 'default'] = key.split('/');
  return { role: role as ConfigGroup['role'], namespace };
}

for (const [key, expected] of Object.entries(EXPECTED)) {
  void test(`${key}: resource names per type`, () => {
    const set = translate(smallMesh(), groupOf(key));
    assert.deepEqual([...set.keys()], ROLE_TYPES[groupOf(key).role], 'types, in push order');
    for (const type of set.keys()) assert.deepEqual(names(set, type), expected[type] ?? [], SHORT_NAME[type]);
  });
}

void test('proxyless/shop: short names only for its own namespace', () => {
  const set = translate(smallMesh(), { role: 'proxyless', namespace: 'shop' });
  const short = names(set, LISTENER).filter((n) => !n.split(':')[0]!.includes('.'));
  assert.deepEqual(short, ['web:80']);
});

void test('every role has a map for each of its types, even for an empty mesh', () => {
  const empty = { ...smallMesh(), services: [], namespaces: [] };
  for (const role of NODE_ROLES) {
    const set = translate(empty, { role, namespace: 'default' });
    assert.deepEqual([...set.keys()], ROLE_TYPES[role], role);
  }
  const sidecar = translate(empty, { role: 'sidecar', namespace: 'default' });
  assert.deepEqual(names(sidecar, LISTENER), ['0.0.0.0_15001', '0.0.0.0_15006']);
});

void test('translate is deterministic and memoised per (snapshot, group)', () => {
  const mesh = smallMesh();
  const a = translate(mesh, { role: 'sidecar', namespace: 'default' });
  assert.equal(translate(mesh, { role: 'sidecar', namespace: 'default' }), a);
  const b = translate(smallMesh(), { role: 'sidecar', namespace: 'default' }); // equal content, new objects
  for (const [type, resources] of a) {
    for (const [name, r] of resources) assert.equal(b.get(type)?.get(name)?.hash, r.hash, `${SHORT_NAME[type]} ${name}`);
  }
});

void test('canonicalGroup: only proxyless groups keep their namespace', () => {
  assert.deepEqual(canonicalGroup({ role: 'proxyless', namespace: 'shop' }), { role: 'proxyless', namespace: 'shop' });
  assert.deepEqual(canonicalGroup({ role: 'gateway', namespace: 'shop', gatewayPorts: { http: 80, https: 443 } }), { role: 'gateway', namespace: '*', gatewayPorts: { http: 80, https: 443 } });
  for (const role of NODE_ROLES.filter((r) => r !== 'proxyless')) {
    const a = translate(smallMesh(), { role, namespace: 'default' });
    const b = translate(smallMesh(), canonicalGroup({ role, namespace: 'shop' }));
    const ports = role === 'gateway' ? { gatewayPorts: { http: 8080, https: 8443 } } : {};
    assert.deepEqual(canonicalGroup({ role, namespace: 'shop' }), { role, namespace: '*', ...ports });
    for (const [type, resources] of a) assert.deepEqual([...(b.get(type)?.keys() ?? [])], [...resources.keys()], role);
  }
});
