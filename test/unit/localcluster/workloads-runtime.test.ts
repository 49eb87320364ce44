// The pure parts of running workloads: scheduling onto the emptiest node, the pod's resolv.conf and environment,
// the Pod object the control plane reads, readiness targets and timing, and probe URLs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planCluster, planPod } from '../../../localcluster/network/plan.js';
import { podObject } from '../../../localcluster/pod-object.js';
import { containerEnv, expandVars, resolvConf, scheduleNode } from '../../../localcluster/pods.js';
import { parseProbeUrl } from '../../../localcluster/probe.js';
import { failureThreshold, FAST_RETRY_MS, initialDelayMs, nextCheckMs, readinessTargets } from '../../../localcluster/readiness.js';
import type { PodRecord } from '../../../localcluster/state.js';
import type { ContainerSpec, PodSpec } from '../../../localcluster/workloads/types.js';

const plan = planCluster('t');
const container: ContainerSpec = {
  name: 'app', image: 'img', command: ['node'], args: [], env: [{ name: 'PORT', value: '8080' }, { name: 'POD_NAME', value: 'overridden' }],
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  readinessProbe: { kind: 'httpGet', path: '/ready', port: 'http', periodSeconds: 3, initialDelaySeconds: 2, failureThreshold: 3 },
};
const spec = (name: string, containers: ContainerSpec[] = [container], annotations: Record<string, string> = {}): PodSpec => ({
  kind: 'Pod', namespace: 'shop', name, template: { labels: { app: 'web' }, annotations, containers },
});
const record = (name: string, node: string, used: string[] = [], s = spec(name)): PodRecord => ({ spec: s, plan: planPod(plan, node, name, new Set(used)), pids: [1] });

test('pods go to the node with the fewest pods, the first of equals', () => {
  assert.equal(scheduleNode(plan, []), 'node1');
  assert.equal(scheduleNode(plan, [record('a', 'node1')]), 'node2');
  assert.equal(scheduleNode(plan, [record('a', 'node1'), record('b', 'node2')]), 'node1');
  assert.equal(scheduleNode(plan, [record('a', 'node2')]), 'node1');
});

test("the pod's resolv.conf is Kubernetes' ClusterFirst one", () => {
  assert.equal(resolvConf('shop', '172.19.0.1'), 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 172.19.0.1\noptions ndots:5\n');
});

test('the container environment: its env, then the downward-API values', () => {
  const r = record('web-1', 'node2');
  const env = containerEnv(r.spec, r.plan, container);
  assert.deepEqual([env['PORT'], env['POD_NAME'], env['POD_NAMESPACE'], env['POD_IP'], env['NODE_NAME'], env['HOSTNAME']], ['8080', 'web-1', 'shop', '10.244.2.2', 'node2', 'web-1']);
  assert.ok(env['PATH']);
});

test('the Pod object carries labels, node, podIP and the Ready condition', () => {
  const o = podObject(record('web-1', 'node1'), '172.19.0.2', true) as { metadata: { labels: unknown }; spec: { nodeName: string }; status: Record<string, unknown> };
  assert.deepEqual(o.metadata.labels, { app: 'web' });
  assert.equal(o.spec.nodeName, 'node1');
  assert.deepEqual(o.status, { phase: 'Running', hostIP: '172.19.0.2', podIP: '10.244.1.2', podIPs: [{ ip: '10.244.1.2' }], conditions: [{ type: 'Ready', status: 'True' }] });
});

const SIDECAR_READY = { kind: 'httpGet', host: '10.244.1.2', port: 15021, path: '/healthz/ready' };
const TARGETS: ReadonlyArray<[string, PodSpec, unknown[]]> = [
  ['httpGet on a named port, and the sidecar', spec('a'), [SIDECAR_READY, { kind: 'httpGet', host: '10.244.1.2', port: 8080, path: '/ready' }]],
  ['tcpSocket on a number, and the sidecar', spec('a', [{ ...container, readinessProbe: { kind: 'tcpSocket', port: 9000, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 } }]), [SIDECAR_READY, { kind: 'tcpSocket', host: '10.244.1.2', port: 9000 }]],
  ['a probe without sidecar: the probe alone', spec('a', [container], { 'sidecar.meshlet.io/inject': 'false' }), [{ kind: 'httpGet', host: '10.244.1.2', port: 8080, path: '/ready' }]],
  ['no probe: the sidecar health', spec('a', [{ ...container, readinessProbe: undefined } as ContainerSpec]), [{ kind: 'httpGet', host: '10.244.1.2', port: 15021, path: '/healthz/ready' }]],
  ['no probe, no sidecar: ready at once', spec('a', [{ ...container, readinessProbe: undefined } as ContainerSpec], { 'sidecar.meshlet.io/inject': 'false' }), []],
];
for (const [name, s, expected] of TARGETS) {
  test(`readiness targets: ${name}`, () => assert.deepEqual(readinessTargets(record('a', 'node1', [], s)), expected));
}

test('readiness timing: fast until ready, then periodSeconds; initialDelaySeconds first', () => {
  const r = record('a', 'node1');
  assert.equal(nextCheckMs(r, false), FAST_RETRY_MS);
  assert.equal(nextCheckMs(r, true), 3000);
  assert.equal(initialDelayMs(r), 2000);
});

test('probe URLs', () => {
  assert.deepEqual(parseProbeUrl('http://127.0.0.1:15014/readyz'), { kind: 'httpGet', host: '127.0.0.1', port: 15014, path: '/readyz' });
  assert.deepEqual(parseProbeUrl('tcp://10.0.0.1:53'), { kind: 'tcpSocket', host: '10.0.0.1', port: 53 });
  assert.equal(parseProbeUrl('ftp://x:1'), undefined);
  assert.equal(parseProbeUrl('http://x/'), undefined);
  assert.equal(parseProbeUrl('nonsense'), undefined);
});

test('readiness failure threshold: the smallest of the probes, else Kubernetes\' default 3', () => {
  assert.equal(failureThreshold(record('a', 'node1')), 3);
  assert.equal(failureThreshold(record('a', 'node1', [], spec('a', [{ ...container, readinessProbe: { kind: 'tcpSocket', port: 9000, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 } }]))), 1);
  assert.equal(failureThreshold(record('a', 'node1', [], spec('a', [{ ...container, readinessProbe: undefined } as ContainerSpec]))), 3);
});

const EXPANSION: ReadonlyArray<[string, string]> = [
  ['--node-name=$(POD_NAME).$(POD_NAMESPACE)', '--node-name=web-1.shop'],
  ['$(UNDEFINED) stays', '$(UNDEFINED) stays'],
  ['$$(POD_NAME) is escaped', '$(POD_NAME) is escaped'],
  ['$$ alone', '$ alone'],
  ['no reference', 'no reference'],
  ['$(POD_IP):8080', '10.244.2.2:8080'],
];
for (const [text, expected] of EXPANSION) {
  test(`$(VAR) expansion in command and args: ${text}`, () => {
    const r = record('web-1', 'node2');
    assert.equal(expandVars(text, containerEnv(r.spec, r.plan, container)), expected);
  });
}
