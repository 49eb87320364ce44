// The whole path sources → model on the fixture directories: real `kubectl -o yaml` manifests, then every bad
// input of issue 2 arriving on top of a good configuration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildModel, type MeshSnapshot } from '../../../control-plane/model/index.js';
import { ManifestStore, scanManifestDir, type ScannedFile } from '../../../control-plane/sources/index.js';
import type { BackendEndpoint, ResolvedService } from '../../../control-plane/model/types.js';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures');
const show = (e: BackendEndpoint): string => `${e.ip}:${e.port}${e.ready ? '' : ' not-ready'}${e.weight === 1 ? '' : ` w${e.weight}`}`;
const get = (s: MeshSnapshot, key: string): ResolvedService => {
  const found = s.services.find((r) => `${r.service.meta.namespace}/${r.service.meta.name}` === key);
  if (found === undefined) throw new Error(`no service ${key}`);
  return found;
};
const endpointsOf = (s: MeshSnapshot, key: string, port = 0): string[] => get(s, key).ports[port]?.endpoints.map(show) ?? [];

describe('manifests-basic → model', async () => {
  const state = new ManifestStore().apply(await scanManifestDir(path.join(FIXTURES, 'manifests-basic'))).state;
  const { snapshot, errors, warnings } = buildModel(state, undefined, {});

  it('has no errors or warnings', () => {
    assert.deepEqual([state.errors, errors, warnings], [[], [], []]);
  });

  it('every Service, sorted, with its ClusterIP', () => {
    assert.deepEqual(
      snapshot.services.map((s) => [`${s.service.meta.namespace}/${s.service.meta.name}`, s.clusterIP ?? (s.headless ? 'headless' : '-')]),
      [
        ['default/reviews', get(snapshot, 'default/reviews').clusterIP],
        ['default/search', '-'],
        ['shop/cart', '10.96.40.2'],
        ['shop/db', 'headless'],
        ['shop/front', '10.96.40.3'],
        ['shop/legacy-api', '10.96.40.4'],
        ['shop/web', '10.96.12.34'],
      ],
    );
    assert.match(get(snapshot, 'default/reviews').clusterIP ?? '', /^10\.(9[6-9]|10[0-9]|11[01])\./, 'allocated inside 10.96.0.0/12');
  });

  it('endpoints: Pods by named targetPort, slices with Pod weights, v1 Endpoints, headless with publishNotReadyAddresses', () => {
    assert.deepEqual(endpointsOf(snapshot, 'shop/web'), ['10.244.1.5:8080', '10.244.2.6:8081 not-ready w3', '10.244.1.7:8080 not-ready']);
    assert.deepEqual(endpointsOf(snapshot, 'shop/web', 1), ['10.244.1.5:9090', '10.244.2.6:9090 not-ready w3', '10.244.1.7:9090 not-ready']);
    assert.deepEqual(endpointsOf(snapshot, 'shop/cart'), ['10.244.1.20:8080 w5', '10.244.2.21:8080', '10.244.2.22:8080 not-ready']);
    assert.deepEqual(endpointsOf(snapshot, 'shop/legacy-api'), ['192.168.50.10:8080', '192.168.50.11:8080 not-ready']);
    assert.deepEqual(endpointsOf(snapshot, 'shop/db'), ['10.244.2.30:5432']);
    assert.equal(get(snapshot, 'shop/db').ports[0]?.endpoints[0]?.hostname, 'db-0');
  });

  it('exports, ingresses (every apiVersion) and namespaces', () => {
    assert.deepEqual(snapshot.services.filter((s) => s.exported).map((s) => s.fqdn), ['web.shop.svc.cluster.local']);
    assert.deepEqual(
      snapshot.ingresses.map((i) => `${i.meta.namespace}/${i.meta.name} ${i.apiVersion}`),
      ['default/my-ingress extensions/v1beta1', 'default/ratings networking.k8s.io/v1beta1', 'shop/web networking.k8s.io/v1'],
    );
    assert.deepEqual(snapshot.namespaces, ['default', 'shop']);
  });
});

describe('manifests-bad on top of a good configuration', async () => {
  const dir = path.join(FIXTURES, 'manifests-bad');
  const file = (name: string): string => path.join(dir, name);
  const svc = (name: string, spec: string, ts = ''): string =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default${ts && `, creationTimestamp: "${ts}"`}}\nspec: ${spec}\n`;
  // The same files, as they were before they went bad.
  const good: ScannedFile[] = [
    { path: file('a-broken.yaml'), text: svc('broken', '{ports: [{name: http, port: 80}]}') },
    { path: file('b-services.yaml'), text: [svc('ok', '{clusterIP: 10.96.0.20, ports: [{port: 8080}]}'), svc('big-port', '{ports: [{port: 80}]}'), svc('dup', '{ports: [{name: http, port: 80}]}')].join('---\n') },
    { path: file('d-clusterip.yaml'), text: [svc('second', '{clusterIP: 10.96.0.11, ports: [{port: 80}]}', '2024-05-02T00:00:00Z'), svc('first', '{clusterIP: 10.96.0.10, ports: [{port: 80}]}', '2024-05-01T00:00:00Z')].join('---\n') },
  ];
  const store = new ManifestStore();
  const before = buildModel(store.apply(good).state, undefined, {});
  const state = store.apply(await scanManifestDir(dir)).state;
  const after = buildModel(state, before.snapshot, {});
  const rel = (p: string): string => path.relative(dir, p);

  it('the good configuration had no errors', () => {
    assert.deepEqual(before.errors, []);
  });

  it('every bad input is reported with file, object, field, code (and line where the file says)', () => {
    assert.deepEqual(
      [...state.errors, ...after.errors].map((e) => [rel(e.file), e.line, e.object, e.field, e.code, e.message]),
      [
        ['a-broken.yaml', 8, '', '', 'MESHLET_ERR_INVALID_YAML', 'invalid YAML: Nested mappings are not allowed in compact mappings (line 8, column 11)'],
        ['a-broken.yaml', 8, '', '', 'MESHLET_ERR_INVALID_YAML', 'invalid YAML: Implicit keys need to be on a single line (line 8, column 11)'],
        // A bad annotation: reported, and the Service still served (with that setting at its default).
        ['b-services.yaml', 7, 'Service default/ok', 'metadata.annotations["meshlet.io/retries"]', 'MESHLET_ERR_INVALID_OBJECT', 'must be an integer 0-4294967295, got "lots"'],
        ['b-services.yaml', 27, 'Service default/big-port', 'spec.ports[1].protocol', 'MESHLET_ERR_INVALID_OBJECT', 'must be one of TCP, UDP, SCTP, got "HTTP"'],
        ['b-services.yaml', 26, 'Service default/big-port', 'spec.ports[1].port', 'MESHLET_ERR_INVALID_OBJECT', 'must be an integer 1-65535, got 70000'],
        ['b-services.yaml', 38, 'Service default/dup', 'spec.ports[1].name', 'MESHLET_ERR_INVALID_OBJECT', 'duplicate port name "http" (also spec.ports[0].name)'],
        ['d-clusterip.yaml', undefined, 'Service default/second', 'spec.clusterIP', 'MESHLET_ERR_CONFLICT', '10.96.0.10 is already the ClusterIP of Service default/first'],
        [
          'c-slices.yaml',
          undefined,
          'EndpointSlice default/ghost-x7k2p',
          'metadata.labels["kubernetes.io/service-name"]',
          'MESHLET_ERR_UNKNOWN_REFERENCE',
          'refers to Service default/ghost, which does not exist; ignored',
        ],
      ],
    );
  });

  it('the rest of the mesh keeps working on the last good version of each bad object', () => {
    const was = (key: string): ResolvedService => get(before.snapshot, key);
    // Unreadable file, invalid objects and the conflicting edit: all still served exactly as before.
    for (const key of ['default/broken', 'default/big-port', 'default/dup', 'default/second', 'default/first']) {
      assert.equal(get(after.snapshot, key), was(key), key);
    }
    assert.equal(get(after.snapshot, 'default/second').clusterIP, '10.96.0.11');
    // The valid edit in the same file as two bad objects went through, its bad annotation notwithstanding.
    assert.equal(get(after.snapshot, 'default/ok').service.ports[0]?.port, 80);
    assert.equal(get(after.snapshot, 'default/ok').service.policy, undefined);
    assert.deepEqual(after.snapshot.services.map((s) => s.service.meta.name), ['big-port', 'broken', 'dup', 'first', 'ok', 'second']);
  });
});
