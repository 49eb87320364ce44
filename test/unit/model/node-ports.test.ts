// nodePort allocation: declared first, conflicts reported, the rest hashed into 30000-32767, stable across
// rebuilds and restarts, and Service objects kept when nothing changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type MeshSnapshot } from '../../../control-plane/model/index.js';
import { NODE_PORT_RANGE } from '../../../control-plane/model/node-ports.js';
import { objectSetOf } from '../../../control-plane/sources/index.js';
import type { KubeObject, ServiceType } from '../../../control-plane/model/types.js';
import { port, service, timestamp } from './builders.js';

const build = (objects: KubeObject[], previous?: MeshSnapshot) => buildModel(objectSetOf(objects), previous);

/** `namespace/name` → each port's nodePort. */
function nodePorts(snapshot: MeshSnapshot): Record<string, (number | undefined)[]> {
  return Object.fromEntries(snapshot.services.map((rs) => [`${rs.service.meta.namespace}/${rs.service.meta.name}`, rs.service.ports.map((p) => p.nodePort)]));
}

const typed = (name: string, type: ServiceType, declared: (number | undefined)[], age = 0) =>
  service(
    { name, creationTimestamp: timestamp(age) },
    { type, ports: declared.map((nodePort, i) => port({ name: `p${i}`, port: 80 + i, ...(nodePort !== undefined && { nodePort }) })) },
  );

describe('nodePort allocation', () => {
  it('declared nodePorts are kept; missing ones are allocated in range; ClusterIP Services get none', () => {
    // [Service, type, declared per port]
    const rows = [
      ['a', 'NodePort', [30080]],
      ['b', 'NodePort', [undefined, 30081]],
      ['c', 'LoadBalancer', [undefined]],
      ['d', 'ClusterIP', [undefined]],
    ] as const;
    const { snapshot, errors } = build(rows.map(([n, t, d]) => typed(n, t, [...d])));
    assert.deepEqual(errors, []);
    const got = nodePorts(snapshot);
    assert.equal(got['default/a']![0], 30080);
    assert.equal(got['default/b']![1], 30081);
    assert.deepEqual(got['default/d'], [undefined]);
    const allocated = [got['default/b']![0], got['default/c']![0]];
    for (const p of allocated) assert.ok(p !== undefined && p >= NODE_PORT_RANGE.first && p <= NODE_PORT_RANGE.last, String(p));
    const all = Object.values(got).flat().filter((p) => p !== undefined);
    assert.equal(new Set(all).size, all.length, 'no nodePort twice');
  });

  it('two Services declaring one nodePort: the older keeps it, the other is reported and gets none', () => {
    const { snapshot, errors } = build([typed('young', 'NodePort', [30080], 2), typed('old', 'NodePort', [30080], 1)]);
    assert.deepEqual(nodePorts(snapshot), { 'default/old': [30080], 'default/young': [undefined] });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'MESHLET_ERR_CONFLICT');
    assert.equal(errors[0]!.object, 'Service default/young');
    assert.equal(errors[0]!.field, 'spec.ports[0].nodePort');
    assert.match(errors[0]!.message, /30080\/TCP is already taken by Service default\/old/);
  });

  it('the previous holder of a declared nodePort keeps it against an older newcomer', () => {
    const first = build([typed('holder', 'NodePort', [30080], 5)]).snapshot;
    const { snapshot, errors } = build([typed('holder', 'NodePort', [30080], 5), typed('older', 'NodePort', [30080], 1)], first);
    assert.deepEqual(nodePorts(snapshot), { 'default/holder': [30080], 'default/older': [undefined] });
    assert.equal(errors[0]!.object, 'Service default/older');
  });

  it('allocations repeat after a restart and survive others coming and going; unchanged Services keep identity', () => {
    const many = Array.from({ length: 200 }, (_, i) => typed(`s${i}`, 'NodePort', [undefined, undefined], i));
    const first = build(many).snapshot;
    assert.deepEqual(nodePorts(build(many).snapshot), nodePorts(first), 'restart');
    const grown = build([...many, typed('late', 'NodePort', [undefined], 999)], first).snapshot;
    const before = nodePorts(first);
    for (const [key, ports] of Object.entries(nodePorts(grown))) if (key !== 'default/late') assert.deepEqual(ports, before[key], key);
    assert.equal(grown.services.find((rs) => rs.service.meta.name === 's7')!.service, first.services.find((rs) => rs.service.meta.name === 's7')!.service);
    const all = Object.values(nodePorts(grown)).flat();
    assert.equal(new Set(all).size, all.length, 'no collisions');
  });

  it('a newcomer declaring a port that was allocated to another takes it; the other is re-allocated', () => {
    const first = build([typed('auto', 'NodePort', [undefined], 1)]).snapshot;
    const taken = nodePorts(first)['default/auto']![0]!;
    const { snapshot, errors } = build([typed('auto', 'NodePort', [undefined], 1), typed('decl', 'NodePort', [taken], 2)], first);
    assert.deepEqual(errors, []);
    const got = nodePorts(snapshot);
    assert.equal(got['default/decl']![0], taken);
    assert.notEqual(got['default/auto']![0], taken);
  });
});
