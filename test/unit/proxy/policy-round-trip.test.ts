// End to end through xDS: an annotated Service manifest → sources → model → translate → wire bytes → the
// sidecar's decoders, which must yield the ProxyCluster and ProxyRoute settings the annotations asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel } from '../../../control-plane/model/index.js';
import { ManifestStore, type StoreState } from '../../../control-plane/sources/index.js';
import { translate } from '../../../control-plane/translate/index.js';
import { decodeCluster, DEFAULT_CIRCUIT_BREAKERS, DEFAULT_OUTLIER_DETECTION } from '../../../proxy/xds/decoders/cluster.js';
import { decodeRouteConfiguration } from '../../../proxy/xds/decoders/route.js';
import type { ProxyCluster, ProxyRoute } from '../../../proxy/xds/types.js';
import { CLUSTER, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { valueOf } from './decoder-helpers.js';

const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  annotations:
    meshlet.io/lb-policy: ring_hash
    meshlet.io/hash-on: "header:X-User,source-ip"
    meshlet.io/connect-timeout: 2s
    meshlet.io/timeout: 3s
    meshlet.io/per-try-timeout: 1s
    meshlet.io/retries: "4"
    meshlet.io/retry-on: 5xx,reset
    meshlet.io/retry-status-codes: "409"
    meshlet.io/outlier-consecutive-5xx: "3"
    meshlet.io/outlier-consecutive-gateway-errors: "2"
    meshlet.io/outlier-interval: 5s
    meshlet.io/outlier-base-ejection-time: 1m
    meshlet.io/outlier-max-ejection-percent: "50"
    meshlet.io/max-connections: "100"
    meshlet.io/max-pending-requests: "10"
    meshlet.io/max-requests: "200"
    meshlet.io/max-retries: "5"
    meshlet.io/retry-budget-percent: "25"
spec:
  clusterIP: 10.96.0.77
  selector: {app: cart}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

const CLUSTER_NAME = 'outbound|80||cart.shop.svc.cluster.local';
const ROUTE_NAME = 'cart.shop.svc.cluster.local:80';

/** What the sidecar decodes for the manifest's cluster and route. */
function sidecarView(text: string): { state: StoreState; cluster: ProxyCluster; route: ProxyRoute } {
  const state = new ManifestStore().apply([{ path: 'cart.yaml', text }]).state;
  const { snapshot } = buildModel(state, undefined, {});
  const set = translate(snapshot, { role: 'sidecar', namespace: 'default' });
  const cluster = valueOf(decodeCluster(set.get(CLUSTER)!.get(CLUSTER_NAME)!.encoded));
  const rc = valueOf(decodeRouteConfiguration(set.get(ROUTE_CONFIGURATION)!.get(ROUTE_NAME)!.encoded));
  const route = rc.virtualHosts[0]?.routes[0];
  assert.ok(route);
  return { state, cluster, route };
}

void test('every annotation arrives in the sidecar’s ProxyCluster and ProxyRoute', () => {
  const { state, cluster, route } = sidecarView(MANIFEST);
  assert.deepEqual(state.errors, []);
  assert.equal(cluster.lbPolicy, 'RING_HASH');
  assert.equal(cluster.connectTimeoutMs, 2000);
  assert.deepEqual(cluster.outlierDetection, {
    consecutive5xx: 3,
    consecutiveGatewayFailure: 2,
    intervalMs: 5000,
    baseEjectionTimeMs: 60_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 50,
  });
  assert.deepEqual(cluster.circuitBreakers, {
    maxConnections: 100,
    maxPendingRequests: 10,
    maxRequests: 200,
    maxRetries: 5,
    retryBudget: { budgetPercent: 25, minRetryConcurrency: 3 },
  });
  assert.equal(route.timeoutMs, 3000);
  assert.deepEqual(route.retryPolicy, {
    retryOn: ['5xx', 'reset', 'retriable-status-codes'],
    numRetries: 4,
    perTryTimeoutMs: 1000,
    retriableStatusCodes: [409],
  });
  assert.deepEqual(route.hashPolicy, [{ kind: 'header', name: 'x-user' }, { kind: 'source_ip' }]);
});

void test('an unannotated Service: today’s defaults on the sidecar', () => {
  const plain = MANIFEST.replace(/ {2}annotations:\n( {4}.*\n)+/, '');
  const { cluster, route } = sidecarView(plain);
  assert.deepEqual(
    [cluster.lbPolicy, cluster.connectTimeoutMs, cluster.outlierDetection, cluster.circuitBreakers],
    ['ROUND_ROBIN', 10_000, undefined, DEFAULT_CIRCUIT_BREAKERS],
  );
  assert.deepEqual([route.timeoutMs, route.retryPolicy, route.hashPolicy], [0, undefined, []]);
});

void test('bad annotations: reported with their path, the Service still served with those settings at default', () => {
  const bad = MANIFEST.replace('meshlet.io/retries: "4"', 'meshlet.io/retries: lots')
    .replace('meshlet.io/outlier-interval: 5s', 'meshlet.io/outlier-interval: often')
    .replace('meshlet.io/lb-policy: ring_hash', 'meshlet.io/lb-policy: fastest');
  const { state, cluster, route } = sidecarView(bad);
  assert.deepEqual(
    state.errors.map((e) => [e.object, e.field, e.code]),
    [
      ['Service shop/cart', 'metadata.annotations["meshlet.io/lb-policy"]', 'MESHLET_ERR_INVALID_OBJECT'],
      ['Service shop/cart', 'metadata.annotations["meshlet.io/retries"]', 'MESHLET_ERR_INVALID_OBJECT'],
      ['Service shop/cart', 'metadata.annotations["meshlet.io/outlier-interval"]', 'MESHLET_ERR_INVALID_OBJECT'],
    ],
  );
  assert.equal(cluster.lbPolicy, 'ROUND_ROBIN');
  assert.equal(cluster.outlierDetection?.intervalMs, DEFAULT_OUTLIER_DETECTION.intervalMs);
  assert.equal(cluster.outlierDetection?.consecutive5xx, 3, 'the other outlier settings still apply');
  assert.equal(route.retryPolicy?.numRetries, 2, 'the default number of retries');
  assert.deepEqual(route.hashPolicy, [], 'no hash keys without a hashing balancer');
  assert.equal(route.timeoutMs, 3000);
});
