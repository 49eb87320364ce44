import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../../control-plane/model/types.js';
import { find, fixtureText, load, problems } from './helpers.js';

describe('v1 Pod decoder', () => {
  const { objects, errors } = load(fixtureText('manifests-basic/pods.yaml'));

  it('reads every Pod of the List without errors', () => {
    assert.deepEqual(errors, []);
    assert.equal(objects.length, 6);
  });

  // name → [podIPs, phase, ready, deleting, weight]
  const table: [string, string[], string, boolean, boolean, number | undefined][] = [
    ['web-6b7c8d9f5-x1', ['10.244.1.5'], 'Running', true, false, undefined],
    ['web-6b7c8d9f5-x2', ['10.244.2.6'], 'Running', false, false, 3],
    ['web-6b7c8d9f5-x3', ['10.244.1.7'], 'Running', true, true, undefined],
    ['web-6b7c8d9f5-x4', [], 'Pending', false, false, undefined],
    ['db-0', ['10.244.2.30', 'fd00:10:244:2::30'], 'Running', false, false, undefined],
  ];
  for (const [name, ips, phase, ready, deleting, weight] of table) {
    it(`${name}: addresses, phase, Ready condition, deletionTimestamp, weight`, () => {
      const p = find(objects, 'Pod', name);
      assert.deepEqual([p.podIPs, p.phase, p.ready, p.deleting, p.weight], [ips, phase, ready, deleting, weight]);
    });
  }

  it('container ports, node, hostname and subdomain', () => {
    const web = find(objects, 'Pod', 'web-6b7c8d9f5-x1');
    assert.deepEqual(web.containerPorts, [
      { name: 'http-web', containerPort: 8080, protocol: 'TCP' },
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
    ]);
    assert.equal(web.nodeName, 'node-1');
    const db: Pod = find(objects, 'Pod', 'db-0');
    assert.deepEqual([db.hostname, db.subdomain], ['db-0', 'db']);
  });

  const head = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n';
  const bad: [string, string, string[]][] = [
    ['bad pod IP', `${head}status: {podIP: 10.0.0.999}\n`, ['status.podIP: must be an IPv4 or IPv6 address, got "10.0.0.999"']],
    ['podIPs[0] differs from podIP', `${head}status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.2}]}\n`, ['status.podIPs[0].ip: must match status.podIP "10.0.0.1", got "10.0.0.2"']],
    ['container port 0', `${head}spec: {containers: [{name: c, ports: [{containerPort: 0}]}]}\n`, ['spec.containers[0].ports[0].containerPort: must be an integer 1-65535, got 0']],
    ['weight 0', `metadata: {name: p, annotations: {meshlet.io/weight: "0"}}\napiVersion: v1\nkind: Pod\n`, ['metadata.annotations["meshlet.io/weight"]: must be an integer 1-10000, got "0"']],
    ['unknown phase', `${head}status: {phase: Sleeping}\n`, ['status.phase: must be one of Pending, Running, Succeeded, Failed, Unknown, got "Sleeping"']],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }
});
