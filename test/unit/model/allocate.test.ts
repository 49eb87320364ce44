// ClusterIP allocation: no collisions, the same address after a restart, declared addresses respected,
// conflicts and exhaustion reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { buildModel, canonicalIP, parseCidr, type MeshSnapshot } from '../../../control-plane/model/index.js';
import { fnv1a64 } from '../../../control-plane/model/hash.js';
import { objectSetOf } from '../../../control-plane/sources/index.js';
import type { KubeObject, Service } from '../../../control-plane/model/types.js';
import { manyServices, service, timestamp } from './builders.js';

const build = (objects: KubeObject[], previous?: MeshSnapshot, serviceCidr = '10.96.0.0/12') =>
  buildModel(objectSetOf(objects), previous, { serviceCidr });

const addresses = (snapshot: MeshSnapshot): Map<string, string | undefined> =>
  new Map(snapshot.services.map((s) => [`${s.service.meta.namespace}/${s.service.meta.name}`, s.clusterIP]));

function toNumber(ip: string): number {
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

describe('ClusterIP allocation', () => {
  it('5,000 Services in a /18: every one gets a distinct address inside the CIDR, never a reserved one', () => {
    const { snapshot, errors } = build(manyServices(5000), undefined, '10.100.0.0/18');
    assert.deepEqual(errors, []);
    const ips = snapshot.services.map((s) => s.clusterIP as string);
    assert.equal(new Set(ips).size, 5000);
    const base = toNumber('10.100.0.0');
    for (const ip of ips) {
      const offset = toNumber(ip) - base;
      assert.ok(offset >= 2 && offset <= 16382, `${ip} is allocatable (not network, .1 or broadcast)`);
    }
  });

  it('the same address for the same Service after a restart, even when hashes collided', () => {
    const cidr = '10.100.0.0/18';
    const all = manyServices(5000);
    // Prove that this test exercises linear probing: several Services hash to the same first slot.
    const slots = all.map((s) => fnv1a64(`default/${s.meta.name}`) % 16381n);
    assert.ok(new Set(slots).size < 5000 - 100, 'hash collisions happen');
    // Services arrive in five batches, each build starting from the previous snapshot...
    let snapshot: MeshSnapshot | undefined;
    for (let batch = 1; batch <= 5; batch++) snapshot = build(all.slice(0, batch * 1000), snapshot, cidr).snapshot;
    // ...then the control plane restarts: a fresh build with no previous snapshot.
    const restarted = build(all, undefined, cidr).snapshot;
    assert.ok(snapshot);
    assert.deepEqual(addresses(restarted), addresses(snapshot));
  });

  it('existing Services keep their address when others come and go', () => {
    const first = build(manyServices(100)).snapshot;
    const grown = build([...manyServices(100), ...manyServices(50, 'other')], first).snapshot;
    const shrunk = build(manyServices(100).filter((_, i) => i % 2 === 0), grown).snapshot;
    for (const [key, ip] of addresses(shrunk)) assert.equal(ip, addresses(first).get(key), key);
  });

  it('declared ClusterIPs are used as declared and never handed out to others', () => {
    // A /29 has six host addresses; .1 is reserved, .2-.6 are allocatable: four declared leave exactly one.
    const declared = ['10.0.0.2', '10.0.0.3', '10.0.0.5', '10.0.0.6'].map((ip, i) => service({ name: `d${i}` }, { clusterIP: ip }));
    const { snapshot, errors } = build([...declared, service({ name: 'new' })], undefined, '10.0.0.0/29');
    assert.deepEqual(errors, []);
    assert.deepEqual(Object.fromEntries(addresses(snapshot)), {
      'default/d0': '10.0.0.2',
      'default/d1': '10.0.0.3',
      'default/d2': '10.0.0.5',
      'default/d3': '10.0.0.6',
      'default/new': '10.0.0.4',
    });
  });

  it('exhaustion: ALLOCATION_EXHAUSTED for the Service that found no address, which is left out', () => {
    const objects = [service({ name: 'a', creationTimestamp: timestamp(1) }), service({ name: 'b', creationTimestamp: timestamp(2) })];
    const { snapshot, errors } = build(objects, undefined, '10.0.0.0/30'); // one allocatable address: .2
    assert.deepEqual(Object.fromEntries(addresses(snapshot)), { 'default/a': '10.0.0.2' });
    assert.deepEqual(
      errors.map((e) => [e.object, e.field, e.code, e.message]),
      [['Service default/b', 'spec.clusterIP', 'MESHLET_ERR_ALLOCATION_EXHAUSTED', 'no free address left in the service CIDR 10.0.0.0/30']],
    );
  });

  it('a declared ClusterIP outside the CIDR is accepted, with a warning', () => {
    const { snapshot, errors, warnings } = build([service({ name: 'a' }, { clusterIP: '172.20.0.10' })]);
    assert.deepEqual([snapshot.services[0]?.clusterIP, errors], ['172.20.0.10', []]);
    assert.deepEqual(
      warnings.map((w) => [w.object, w.field, w.message]),
      [['Service default/a', 'spec.clusterIP', '172.20.0.10 is outside the service CIDR 10.96.0.0/12; used as declared']],
    );
  });

  it('headless and ExternalName Services get no address', () => {
    const { snapshot } = build([
      service({ name: 'h' }, { clusterIP: 'None' }),
      service({ name: 'x' }, { type: 'ExternalName', externalName: 'x.example.com', ports: [] }),
    ]);
    assert.deepEqual(
      snapshot.services.map((s) => [s.service.meta.name, s.clusterIP, s.headless]),
      [
        ['h', undefined, true],
        ['x', undefined, false],
      ],
    );
  });

  it('IPv6 service CIDRs: canonical addresses inside the range, declared ones canonicalised', () => {
    const cidr = 'fd00:10:96::/112';
    const { snapshot, errors } = build([...manyServices(500), service({ name: 'v6' }, { clusterIP: 'FD00:10:96:0:0:0:0:AB' })], undefined, cidr);
    assert.deepEqual(errors, []);
    const ips = snapshot.services.map((s) => s.clusterIP as string);
    assert.equal(new Set(ips).size, 501);
    for (const ip of ips) {
      assert.ok(isIPv6(ip) && ip.startsWith('fd00:10:96::') && canonicalIP(ip) === ip, ip);
      assert.ok(ip !== 'fd00:10:96::' && ip !== 'fd00:10:96::1', `${ip} is not reserved`);
    }
    assert.equal(addresses(snapshot).get('default/v6'), 'fd00:10:96::ab');
    assert.equal(parseCidr(cidr).family, 6);
  });

  describe('two Services declaring one ClusterIP', () => {
    const older = service({ name: 'older', creationTimestamp: timestamp(1), file: 'a.yaml' }, { clusterIP: '10.96.0.10' });
    const younger = service({ name: 'younger', creationTimestamp: timestamp(2), file: 'b.yaml' }, { clusterIP: '10.96.0.10' });

    it('the older one keeps it; the other gets CONFLICT with file, object and field, and is left out', () => {
      const { snapshot, errors } = build([younger, older]);
      assert.deepEqual(Object.fromEntries(addresses(snapshot)), { 'default/older': '10.96.0.10' });
      assert.deepEqual(errors, [
        {
          file: 'b.yaml',
          object: 'Service default/younger',
          field: 'spec.clusterIP',
          message: '10.96.0.10 is already the ClusterIP of Service default/older',
          code: 'MESHLET_ERR_CONFLICT',
        },
      ]);
    });

    it('the one that held it in the previous snapshot keeps it, however young', () => {
      const previous = build([younger]).snapshot;
      const { snapshot, errors } = build([younger, older], previous);
      assert.deepEqual(Object.fromEntries(addresses(snapshot)), { 'default/younger': '10.96.0.10' });
      assert.deepEqual(errors.map((e) => e.object), ['Service default/older']);
    });

    it('the loser falls back to its last good version', () => {
      const olderBefore: Service = { ...older, clusterIP: '10.96.0.11' };
      const previous = build([olderBefore, younger]).snapshot;
      // `older` is edited to take younger's address: the edit is rejected, its last good version stays.
      const { snapshot, errors } = build([older, younger], previous);
      const kept = snapshot.services.find((s) => s.service.meta.name === 'older');
      assert.equal(kept?.service, olderBefore);
      assert.equal(kept?.clusterIP, '10.96.0.11');
      assert.equal(addresses(snapshot).get('default/younger'), '10.96.0.10');
      assert.deepEqual(errors.map((e) => [e.object, e.code]), [['Service default/older', 'MESHLET_ERR_CONFLICT']]);
    });
  });

  it('an allocated address later declared by another Service moves to a new address', () => {
    const previous = build([service({ name: 'a' })]).snapshot;
    const taken = previous.services[0]?.clusterIP as string;
    const { snapshot, errors } = build([service({ name: 'a' }), service({ name: 'b' }, { clusterIP: taken })], previous);
    assert.deepEqual(errors, []);
    assert.equal(addresses(snapshot).get('default/b'), taken);
    assert.notEqual(addresses(snapshot).get('default/a'), taken);
  });
});
