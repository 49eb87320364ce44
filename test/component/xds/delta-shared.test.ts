// Delta responses to wildcard subscribers share the encoded `resources` block of a TypeSnapshot (the full set,
// or its diff from the previous version); each stream adds its own nonce and removed names. The bytes are the
// same as a per-stream encoding, and clients with initial_resource_versions still get only what differs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { nextTypeSnapshot, type TypeSnapshot } from '../../../control-plane/cache/group-snapshot.js';
import { planDelta, sharedDelta, type DeltaInput } from '../../../control-plane/server/delta-plan.js';
import { syncStatusOf } from '../../../control-plane/server/sync-state.js';
import { encodeDeltaResources, encodeDeltaResponse, encodeDeltaResponseWith } from '../../../control-plane/server/wire-encode.js';
import type { XdsResource } from '../../../xds/resource.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT } from '../../../xds/type-urls.js';
import { DeltaAdsClient, type DeltaResponse } from '../../support/ads-client.js';
import { eventually, SIDECAR, startAds, type AdsHarness } from '../../support/ads-harness.js';
import { assignment, cluster, clusterName, mesh } from '../../support/xds-fixtures.js';

const names = (resp: { resources: readonly { name: string }[] }): string[] => resp.resources.map((r) => r.name).sort();

type RawDeltaResponse = DeltaResponse & { readonly block: Buffer };

/** A delta client that also keeps the raw `resources` entries (field 2, as on the wire) of each response. */
class RawDeltaClient extends DeltaAdsClient {
  protected override decodeResponse(buf: Buffer): RawDeltaResponse {
    const parts: Buffer[] = [];
    const r = protobuf.Reader.create(buf);
    while (r.pos < r.len) {
      const start = r.pos;
      const tag = r.uint32();
      r.skipType(tag & 7);
      if (tag === 0x12) parts.push(buf.subarray(start, r.pos));
    }
    return { ...super.decodeResponse(buf), block: Buffer.concat(parts) };
  }
}

function rawClient(ads: AdsHarness, id: string): RawDeltaClient {
  return new RawDeltaClient({ address: ads.address, node: SIDECAR(id) });
}

function state(ads: AdsHarness, id: string, type: string) {
  return [...ads.server.proxies()].find((p) => p.node.id === id)?.types.get(type as typeof CLUSTER);
}

void test('delta wildcard clients get byte-identical resource blocks, each with its own stream nonce', async (t) => {
  const ads = await startAds();
  const c1 = rawClient(ads, 'delta-1');
  const c2 = rawClient(ads, 'delta-2');
  t.after(async () => {
    c1.close();
    c2.close();
    await ads.close();
  });
  ads.publish(mesh({ a: ['10.0.0.1'], b: ['10.0.0.2'] }));
  c1.send({ typeUrl: CLUSTER });
  c2.send({ typeUrl: CLUSTER, subscribe: ['*'] });
  const f1 = (await c1.next(CLUSTER)) as RawDeltaResponse;
  const f2 = (await c2.next(CLUSTER)) as RawDeltaResponse;
  assert.deepEqual(names(f1), [clusterName('a'), clusterName('b')]);
  assert.ok(f1.block.length > 0);
  assert.ok(f1.block.equals(f2.block), 'the same resources block');
  assert.equal(f1.systemVersionInfo, f2.systemVersionInfo);
  // Each response carries the nonce its own stream recorded: the ACKs pair with them.
  assert.equal(f1.nonce, state(ads, 'delta-1', CLUSTER)?.sentNonce);
  assert.equal(f2.nonce, state(ads, 'delta-2', CLUSTER)?.sentNonce);
  c1.ack(f1);
  c2.ack(f2);
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'SYNCED' && syncStatusOf(state(ads, 'delta-2', CLUSTER)) === 'SYNCED');

  // A change: both get the snapshot's diff (the same block), with removals, under a new nonce of their stream.
  ads.publish(mesh({ a: ['10.0.0.1'], c: ['10.0.0.3'] }));
  const d1 = (await c1.next(CLUSTER)) as RawDeltaResponse;
  const d2 = (await c2.next(CLUSTER)) as RawDeltaResponse;
  assert.deepEqual(names(d1), [clusterName('c')]);
  assert.deepEqual(d1.removed, [clusterName('b')]);
  assert.deepEqual(d2.removed, [clusterName('b')]);
  assert.ok(d1.block.equals(d2.block));
  assert.notEqual(d1.nonce, f1.nonce, 'nonces are unique within a stream');
  assert.notEqual(d2.nonce, f2.nonce);
  c1.ack(d1);
  c2.ack(d2);
  await eventually(() => syncStatusOf(state(ads, 'delta-1', CLUSTER)) === 'SYNCED' && syncStatusOf(state(ads, 'delta-2', CLUSTER)) === 'SYNCED');

  // A wildcard client with initial_resource_versions gets only what differs from what it holds.
  const c3 = rawClient(ads, 'delta-3');
  t.after(() => c3.close());
  const held = new Map([
    [clusterName('a'), cluster('a').hash],
    [clusterName('b'), cluster('b').hash],
    [clusterName('c'), 'stale'],
  ]);
  c3.send({ typeUrl: CLUSTER, initialVersions: held });
  const r3 = (await c3.next(CLUSTER)) as RawDeltaResponse;
  assert.deepEqual(names(r3), [clusterName('c')]);
  assert.deepEqual(r3.removed, [clusterName('b')]);
  assert.equal(r3.systemVersionInfo, d1.systemVersionInfo);
});

void test('a pre-encoded resources block gives the same bytes as encoding the response at once', () => {
  const resources = [cluster('a'), cluster('b'), assignment('a', ['10.0.0.1'])];
  const removed = ['gone', 'also-gone'];
  const direct = encodeDeltaResponse('v1', CLUSTER, 'n1', resources, removed);
  const spliced = encodeDeltaResponseWith('v1', CLUSTER, 'n1', encodeDeltaResources(resources), removed);
  assert.ok(direct.equals(spliced));
  assert.ok(encodeDeltaResponse('', CLUSTER, 'x', [], []).equals(encodeDeltaResponseWith('', CLUSTER, 'x', encodeDeltaResources([]), [])));
});

void test('sharedDelta describes exactly what planDelta plans, or declines', () => {
  const map = (...rs: XdsResource[]): Map<string, XdsResource> => new Map(rs.map((r) => [r.name, r]));
  const v1 = nextTypeSnapshot(undefined, CLUSTER_LOAD_ASSIGNMENT, map(assignment('a', ['10.0.0.1']), assignment('b', ['10.0.0.2'])), 1);
  const v2 = nextTypeSnapshot(v1, CLUSTER_LOAD_ASSIGNMENT, map(assignment('a', ['10.0.0.9']), assignment('c', ['10.0.0.3'])), 2);
  const v3 = nextTypeSnapshot(v2, CLUSTER_LOAD_ASSIGNMENT, map(assignment('a', ['10.0.0.9']), assignment('d', ['10.0.0.4'])), 3);
  const input = (over: Partial<DeltaInput> & { cur: TypeSnapshot }): DeltaInput => ({
    covers: () => true,
    wildcard: true,
    names: new Set(),
    base: undefined,
    initial: undefined,
    forced: [],
    mode: 'diff',
    ...over,
  });
  const expand = (cur: TypeSnapshot, s: NonNullable<ReturnType<typeof sharedDelta>>) => ({
    resources: s.block === 'all' ? [...cur.resources.values()] : cur.changed.map((n) => cur.resources.get(n)),
    removed: [...s.removed],
  });
  const shared = [
    input({ cur: v2, mode: 'full' }),
    input({ cur: v2, base: v1, mode: 'diff' }),
    input({ cur: v3, base: v2, mode: 'diff' }),
    input({ cur: v2, base: v1, mode: 'resend' }),
    input({ cur: v3, base: v1, mode: 'resend' }),
  ];
  for (const i of shared) {
    const s = sharedDelta(i);
    assert.ok(s, `shared: ${i.mode}`);
    assert.deepEqual(expand(i.cur, s), planDelta(i));
  }
  const declined = [
    input({ cur: v3, base: v1, mode: 'diff' }), // not the snapshot's own diff
    input({ cur: v2, base: v2, mode: 'diff' }), // nothing to send
    input({ cur: v2, base: v1, mode: 'full' }),
    input({ cur: v2, forced: [clusterName('a')] }),
    input({ cur: v2, initial: new Map([[clusterName('a'), 'x']]) }),
    input({ cur: v2, wildcard: false, covers: (n) => n === clusterName('a'), names: new Set([clusterName('a')]) }),
  ];
  for (const i of declined) assert.equal(sharedDelta(i), undefined);
});
