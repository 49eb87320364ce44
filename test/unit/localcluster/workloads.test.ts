// Workloads of the local cluster: Deployments and Pods decoded from manifests (every error with file, object and
// field path), other kinds passed through, and a Deployment expanded into Kubernetes-style pod names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWorkloadText } from '../../../localcluster/workloads/load.js';
import { expandDeployment, podTemplateHash, replicaPod, safeEncode } from '../../../localcluster/workloads/expand.js';
import { wantsSidecar } from '../../../localcluster/workloads/types.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web, version: v1}
      annotations: {sidecar.meshlet.io/inject: "false"}
    spec:
      containers:
        - name: app
          image: example/web:1
          command: [node, server.js]
          args: ["--port", 8080]
          env: [{name: PORT, value: "8080"}, {name: EMPTY}]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, command: [sleep, infinity], readinessProbe: {tcpSocket: {port: 9000}}}]
`;

test('a Deployment, a Pod and a Service decode; the Service passes through', () => {
  const w = decodeWorkloadText('app.yaml', DEPLOYMENT);
  assert.deepEqual(w.errors, []);
  assert.equal(w.others.length, 1);
  const [d] = w.deployments;
  assert.ok(d);
  assert.deepEqual([d.namespace, d.name, d.replicas, d.selector], ['shop', 'web', 3, { app: 'web' }]);
  const [c] = d.template.containers;
  assert.deepEqual(c, {
    name: 'app', image: 'example/web:1', command: ['node', 'server.js'], args: ['--port', '8080'],
    env: [{ name: 'PORT', value: '8080' }, { name: 'EMPTY', value: '' }],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    readinessProbe: { kind: 'httpGet', path: '/ready', port: 'http', periodSeconds: 2, initialDelaySeconds: 0, failureThreshold: 3 },
  });
  assert.equal(wantsSidecar(d.template), false);
  const [p] = w.pods;
  assert.deepEqual([p?.namespace, p?.name, p?.template.containers[0]?.readinessProbe?.kind], ['default', 'client', 'tcpSocket']);
  assert.equal(p && wantsSidecar(p.template), true);
});

const BAD: ReadonlyArray<[string, string, RegExp]> = [
  ['negative replicas', DEPLOYMENT.replace('replicas: 3', 'replicas: -1'), /^app\.yaml: Deployment shop\/web: spec\.replicas: must be an integer 0-100, got -1$/],
  ['selector not matching the labels', DEPLOYMENT.replace('{app: web}}', '{app: other}}'), /Deployment shop\/web: spec\.template\.metadata\.labels: must match spec\.selector\.matchLabels \(app: other\)/],
  ['no command', DEPLOYMENT.replace('command: [node, server.js]', 'workingDir: /'), /spec\.template\.spec\.containers\[0\]\.command: required/],
  ['exec probe', DEPLOYMENT.replace('{httpGet: {path: /ready, port: http}, periodSeconds: 2}', '{exec: {command: [true]}}'), /containers\[0\]\.readinessProbe: must have httpGet or tcpSocket/],
  ['valueFrom', DEPLOYMENT.replace('{name: EMPTY}', '{name: X, valueFrom: {}}'), /env\[1\]\.valueFrom: is not supported/],
  ['pod without containers', DEPLOYMENT.replace(/containers: \[\{name: c.*\]\n/, 'containers: []\n'), /^app\.yaml: Pod default\/client: spec\.containers: must have at least one container$/],
  ['bad port', DEPLOYMENT.replace('containerPort: 8080', 'containerPort: 70000'), /containers\[0\]\.ports\[0\]\.containerPort: must be an integer 1-65535/],
  ['syntax', 'kind: [', /^app\.yaml: invalid YAML/],
];

for (const [name, text, expected] of BAD) {
  test(`error: ${name}`, () => {
    const w = decodeWorkloadText('app.yaml', text);
    assert.ok(w.errors.some((e) => expected.test(e)), w.errors.join('\n'));
  });
}

test('an invalid object is left out, the valid ones in the same file stay', () => {
  const w = decodeWorkloadText('app.yaml', DEPLOYMENT.replace('replicas: 3', 'replicas: x'));
  assert.deepEqual([w.deployments.length, w.pods.length, w.others.length], [0, 1, 1]);
});

test('a Deployment expands into <deployment>-<hash>-<suffix> pods labelled with the pod-template-hash', () => {
  const d = decodeWorkloadText('app.yaml', DEPLOYMENT).deployments[0];
  assert.ok(d);
  const pods = expandDeployment(d);
  const hash = podTemplateHash(d.template);
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(pods.length, 3);
  assert.equal(new Set(pods.map((p) => p.name)).size, 3);
  for (const p of pods) {
    assert.match(p.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.deepEqual([p.namespace, p.owner, p.template.labels['pod-template-hash'], p.template.labels['app']], ['shop', 'web', hash, 'web']);
  }
  assert.deepEqual(expandDeployment(d), pods, 'reproducible');
  assert.equal(replicaPod(d, 3).name.startsWith(`web-${hash}-`), true);
  assert.notEqual(replicaPod(d, 3).name, pods[2]?.name);
  const changed = { ...d, template: { ...d.template, labels: { ...d.template.labels, version: 'v2' } } };
  assert.notEqual(podTemplateHash(changed.template), hash, 'a template change changes the hash');
  assert.equal(expandDeployment({ ...d, replicas: 0 }).length, 0);
});

test('safeEncode writes decimal digits in the vowel-free alphabet as Kubernetes does', () => {
  // Kubernetes' rand.SafeEncodeString: alphabet[byte % 27]; '0' is byte 48 → '4', '1' → '5', '9' → 'f'.
  assert.equal(safeEncode(0), '4');
  assert.equal(safeEncode(19), '5f');
});

test('the demo manifests (examples/demo) decode without errors', async () => {
  const { loadWorkloads } = await import('../../../localcluster/workloads/load.js');
  const w = loadWorkloads(new URL('../../../examples/demo', import.meta.url).pathname);
  assert.deepEqual(w.errors, []);
  assert.deepEqual(w.deployments.map((d) => d.name).sort(), ['catalog-v1', 'catalog-v2', 'frontend', 'inventory', 'ledger', 'meshlet-gateway']);
  // Services (frontend, catalog, inventory, ledger, meshlet-gateway), the IngressClass, the Ingress, the Secret.
  assert.deepEqual(w.others.map((o) => (o as { kind: string }).kind).sort(), ['Ingress', 'IngressClass', 'Secret', 'Service', 'Service', 'Service', 'Service', 'Service']);
});
