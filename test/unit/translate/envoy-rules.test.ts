// Every resource of every role passes the constraints Envoy validates on receipt (PGV annotations of the Envoy
// protos) and uses no deprecated field — the closest this unit suite gets to "a real Envoy accepts it".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import { NODE_ROLES } from '../../../control-plane/translate/types.js';
import { makeResource } from '../../../xds/resource.js';
import { CLUSTER, LISTENER, NAME_TABLE } from '../../../xds/type-urls.js';
import { envoyRuleViolations } from './envoy-rules.js';
import { endpoint, port, service, smallMesh, snapshot } from './fixtures.js';

const mesh = snapshot([
  ...smallMesh().services,
  service('weighted', { namespace: 'zz', clusterIP: '10.96.0.50', ports: [[port(8080, 'http2'), [endpoint('10.0.0.1', 8080, { weight: 5, zone: 'a', nodeName: 'n' })]]] }),
]);

void test('every resource of every role satisfies Envoy’s proto constraints', () => {
  let checked = 0;
  for (const role of NODE_ROLES) {
    for (const [type, resources] of translate(mesh, { role, namespace: 'default' })) {
      if (type === NAME_TABLE) continue; // meshlet's own proto has no PGV rules
      for (const r of resources.values()) {
        assert.deepEqual(envoyRuleViolations(type, r.encoded), [], `${role} ${r.name}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 50, `${checked} checked`);
});

void test('the checker itself finds violations (so the test above means something)', () => {
  const cluster = makeResource(CLUSTER, 'bad', { name: '', type: 3, connect_timeout: { seconds: 0 } });
  assert.deepEqual(envoyRuleViolations(CLUSTER, cluster.encoded), [
    'Cluster.name: shorter than 1',
    'Cluster.connect_timeout: 0 must be > 0',
  ]);
  const listener = makeResource(LISTENER, 'old', {
    name: 'old',
    deprecated_v1: { bind_to_port: { value: false } },
    filter_chains: [{ filters: [{ name: '' }] }],
  });
  assert.deepEqual(envoyRuleViolations(LISTENER, listener.encoded), [
    'Listener.filter_chains[0].filters[0].name: shorter than 1',
    'Listener.deprecated_v1: deprecated field used',
  ]);
});
