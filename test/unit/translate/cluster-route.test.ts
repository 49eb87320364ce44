// Cluster and RouteConfiguration shapes, decoded from the wire bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import { CLUSTER, HTTP_PROTOCOL_OPTIONS, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { decode, smallMesh, unpack } from './fixtures.js';

const set = translate(smallMesh(), { role: 'sidecar', namespace: 'default' });

function cluster(name: string): Record<string, unknown> {
  const r = set.get(CLUSTER)?.get(name);
  assert.ok(r, name);
  return decode(r);
}

void test('EDS clusters: over ADS, ROUND_ROBIN, locality-weighted, 10 s connect timeout', () => {
  const c = cluster('outbound|5432||db.default.svc.cluster.local');
  assert.deepEqual(c, {
    name: 'outbound|5432||db.default.svc.cluster.local',
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: { seconds: '10' },
    lb_policy: 'ROUND_ROBIN',
    common_lb_config: { locality_weighted_lb_config: {} },
  });
});

void test('HTTP/2 upstream for gRPC and HTTP/2 ports only', () => {
  // [cluster, HTTP/2 upstream]
  const rows = [
    ['outbound|50051||greeter.default.svc.cluster.local', true], // grpc
    ['outbound|80||web.shop.svc.cluster.local', false], // http
    ['outbound|5432||db.default.svc.cluster.local', false], // tcp
  ] as const;
  for (const [name, h2] of rows) {
    const options = cluster(name).typed_extension_protocol_options as Record<string, unknown> | undefined;
    if (!h2) {
      assert.equal(options, undefined, name);
      continue;
    }
    const packed = options?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
    const http = unpack(packed);
    assert.equal(http['@type'], HTTP_PROTOCOL_OPTIONS);
    assert.deepEqual(http.explicit_http_config, { http2_protocol_options: {} }, name);
  }
});

void test('ExternalName: LOGICAL_DNS to the external name on the service port', () => {
  const c = cluster('outbound|443||search.default.svc.cluster.local');
  assert.equal(c.type, 'LOGICAL_DNS');
  assert.equal(c.dns_lookup_family, 'V4_PREFERRED');
  assert.deepEqual(c.load_assignment, {
    cluster_name: 'outbound|443||search.default.svc.cluster.local',
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'search.example.com', port_value: 443 } } } }] }],
  });
});

void test('sidecar static clusters: two ORIGINAL_DST passthroughs and a blackhole', () => {
  const rows = [
    ['PassthroughCluster', 'ORIGINAL_DST', 'CLUSTER_PROVIDED'],
    ['InboundPassthroughClusterIpv4', 'ORIGINAL_DST', 'CLUSTER_PROVIDED'],
    ['BlackHoleCluster', 'STATIC', undefined],
  ] as const;
  for (const [name, type, lb] of rows) {
    const c = cluster(name);
    assert.equal(c.type, type, name);
    assert.equal(c.lb_policy, lb, name);
    assert.equal(c.load_assignment, undefined, `${name} has no endpoints`);
  }
  assert.deepEqual(cluster('InboundPassthroughClusterIpv4').upstream_bind_config, {
    source_address: { address: '127.0.0.6', port_value: 0 },
  });
});

void test('route configuration: one virtual host, every name then *, prefix / to the cluster, no timeouts', () => {
  const r = set.get(ROUTE_CONFIGURATION)?.get('greeter.default.svc.cluster.local:50051');
  assert.ok(r);
  assert.deepEqual(decode(r), {
    name: 'greeter.default.svc.cluster.local:50051',
    virtual_hosts: [
      {
        name: 'greeter.default.svc.cluster.local:50051',
        domains: [
          'greeter',
          'greeter.default',
          'greeter.default.svc',
          'greeter.default.svc.cluster.local',
          'greeter:50051',
          'greeter.default:50051',
          'greeter.default.svc:50051',
          'greeter.default.svc.cluster.local:50051',
          '10.96.0.10',
          '10.96.0.10:50051',
          '*',
        ],
        routes: [
          {
            name: 'default',
            match: { prefix: '/' },
            route: {
              cluster: 'outbound|50051||greeter.default.svc.cluster.local',
              timeout: { seconds: '0' },
              max_stream_duration: { grpc_timeout_header_max: { seconds: '0' } },
            },
          },
        ],
      },
    ],
    validate_clusters: { value: false },
  });
});
