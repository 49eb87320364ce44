// buildModel as a whole: sorted lists, FQDNs, exports, generations, and structural sharing between snapshots.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type MeshSnapshot } from '../../../control-plane/model/index.js';
import { objectSetOf } from '../../../control-plane/sources/index.js';
import type { Ingress, KubeObject, ResolvedService } from '../../../control-plane/model/types.js';
import { endpoint, meta, pod, service, serviceExport, slice } from './builders.js';

const options = { clusterDomain: 'cluster.local', clusterId: 'east', serviceCidr: '10.96.0.0/12' };
const build = (objects: KubeObject[], previous?: MeshSnapshot) => buildModel(objectSetOf(objects), previous, options);
const byName = (s: MeshSnapshot, name: string): ResolvedService | undefined => s.services.find((r) => r.service.meta.name === name);
const ingress = (name: string, namespace: string): Ingress => ({ kind: 'Ingress', meta: meta({ name, namespace }), apiVersion: 'networking.k8s.io/v1', rules: [], tls: [] });

describe('buildModel', () => {
  const base: KubeObject[] = [
    service({ name: 'b', namespace: 'shop' }),
    service({ name: 'a', namespace: 'shop' }),
    service({ name: 'z', namespace: 'default' }),
    slice({ name: 'a-1', namespace: 'shop', service: 'a' }, [endpoint('10.0.0.1')]),
    slice({ name: 'b-1', namespace: 'shop', service: 'b' }, [endpoint('10.0.0.2')]),
    pod({ name: 'p', namespace: 'tools' }, { podIPs: ['10.0.0.9'] }),
    ingress('i2', 'shop'),
    ingress('i1', 'shop'),
    serviceExport({ name: 'a', namespace: 'shop' }),
  ];

  it('lists services, ingresses and pods sorted by namespace then name; namespaces of every object', () => {
    const { snapshot, errors } = build(base);
    assert.deepEqual(errors, []);
    assert.deepEqual(snapshot.services.map((s) => `${s.service.meta.namespace}/${s.service.meta.name}`), ['default/z', 'shop/a', 'shop/b']);
    assert.deepEqual(snapshot.ingresses.map((i) => i.meta.name), ['i1', 'i2']);
    assert.deepEqual(snapshot.pods.map((p) => p.meta.name), ['p']);
    assert.deepEqual(snapshot.namespaces, ['default', 'shop', 'tools']);
    assert.deepEqual([snapshot.generation, snapshot.clusterDomain, snapshot.clusterId], [1, 'cluster.local', 'east']);
  });

  it('namespace order is by namespace first, even when one is a prefix of another', () => {
    const { snapshot } = build([service({ name: 'x', namespace: 'a-b' }), service({ name: 'x', namespace: 'a' })]);
    assert.deepEqual(snapshot.services.map((s) => s.service.meta.namespace), ['a', 'a-b']);
  });

  it('FQDN from the cluster domain; exported when a ServiceExport of the same name exists', () => {
    const { snapshot } = buildModel(objectSetOf(base), undefined, { ...options, clusterDomain: 'corp.internal' });
    assert.deepEqual(
      snapshot.services.map((s) => [s.fqdn, s.exported]),
      [
        ['z.default.svc.corp.internal', false],
        ['a.shop.svc.corp.internal', true],
        ['b.shop.svc.corp.internal', false],
      ],
    );
  });

  it('nothing changed: the previous snapshot itself comes back', () => {
    const first = build(base).snapshot;
    assert.equal(build(base, first).snapshot, first);
  });

  it('one endpoint changed: only that ResolvedService is new, the others keep their identity', () => {
    const first = build(base).snapshot;
    const edited = base.map((o) => (o.kind === 'EndpointSlice' && o.meta.name === 'a-1' ? slice({ name: 'a-1', namespace: 'shop', service: 'a' }, [endpoint('10.0.0.3')]) : o));
    const second = build(edited, first).snapshot;
    assert.equal(second.generation, first.generation + 1);
    assert.notEqual(byName(second, 'a'), byName(first, 'a'));
    assert.equal(byName(second, 'a')?.ports[0]?.endpoints[0]?.ip, '10.0.0.3');
    assert.equal(byName(second, 'b'), byName(first, 'b'));
    assert.equal(byName(second, 'z'), byName(first, 'z'));
    assert.equal(second.ingresses, first.ingresses, 'unchanged lists keep their identity too');
    assert.equal(second.pods, first.pods);
  });

  it('a new object with the same content (a re-read slice) changes nothing downstream', () => {
    const first = build(base).snapshot;
    const reread = base.map((o) => (o.kind === 'EndpointSlice' ? { ...o, endpoints: o.endpoints.map((e) => ({ ...e })) } : o));
    assert.equal(build(reread, first).snapshot, first);
  });

  it('a ServiceExport added or removed changes just that Service', () => {
    const first = build(base).snapshot;
    const second = build([...base, serviceExport({ name: 'b', namespace: 'shop' })], first).snapshot;
    assert.deepEqual([byName(second, 'b')?.exported, byName(second, 'a') === byName(first, 'a')], [true, true]);
    const third = build(base.filter((o) => o.kind !== 'ServiceExport'), second).snapshot;
    assert.deepEqual([byName(third, 'a')?.exported, byName(third, 'b')?.exported], [false, false]);
  });

  it('a Pod change that no Service selects keeps every Service, but the pods list is new', () => {
    const first = build(base).snapshot;
    const moved = base.map((o) => (o.kind === 'Pod' ? pod({ name: 'p', namespace: 'tools' }, { podIPs: ['10.0.0.10'] }) : o));
    const second = build(moved, first).snapshot;
    assert.notEqual(second, first);
    assert.notEqual(second.pods, first.pods);
    assert.equal(second.services, first.services);
  });

  it('translation can memoise per service with a WeakMap across snapshots', () => {
    const memo = new WeakMap<ResolvedService, string>();
    let translations = 0;
    const translate = (s: MeshSnapshot): string[] =>
      s.services.map((r) => {
        let out = memo.get(r);
        if (out === undefined) {
          translations++;
          out = `${r.fqdn}:${r.ports.map((p) => p.endpoints.length).join(',')}`;
          memo.set(r, out);
        }
        return out;
      });
    const first = build(base).snapshot;
    translate(first);
    const edited = base.map((o) => (o.kind === 'EndpointSlice' && o.meta.name === 'b-1' ? slice({ name: 'b-1', namespace: 'shop', service: 'b' }, [endpoint('10.0.0.2'), endpoint('10.0.0.4')]) : o));
    translate(build(edited, first).snapshot);
    assert.equal(translations, 3 + 1, 'the second snapshot retranslates only the changed service');
  });

  it('an invalid service CIDR is a flag error', () => {
    assert.throws(() => buildModel(objectSetOf([]), undefined, { serviceCidr: '10.96.0.0/40' }), { code: 'MESHLET_ERR_INVALID_FLAG' });
  });
});
