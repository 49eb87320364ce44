// `meshlet gateway` flags → proxy options: node metadata as Istio's gateway sends it, listener hosts, limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayOptions, type GatewayFlags } from '../../../cli/gateway.js';
import { gatewayNode } from '../../../proxy/sidecar.js';

const DEFAULTS: GatewayFlags = {
  xds: '127.0.0.1:15010', xdsMode: 'delta', nodeName: 'gw-1.istio-system', namespace: 'istio-system',
  httpListen: '127.0.0.1:18080', httpsListen: '127.0.0.1:18443', adminListen: '127.0.0.1:15000', healthListen: '0.0.0.0:15021',
  drainSeconds: '5', maxRequestHeadersKb: '60', maxHeaders: '100', requestHeadersTimeoutMs: '10000', requestTimeoutMs: '60000',
  idleTimeoutMs: '60000', maxConnections: '10000', accessLog: 'on', logLevel: 'info',
};

void test('gateway flags: role, ports, bind host, limits in bytes', () => {
  const o = gatewayOptions(DEFAULTS);
  assert.equal(o.role, 'gateway');
  assert.equal(o.nodeId, 'gw-1.istio-system');
  assert.equal(o.bindAddress, '127.0.0.1');
  assert.deepEqual(o.gateway, {
    httpPort: 18080, httpsPort: 18443, maxConnections: 10000,
    httpLimits: { maxRequestHeadersBytes: 61440, maxHeaders: 100, requestHeadersTimeoutMs: 10000, requestTimeoutMs: 60000, idleTimeoutMs: 60000 },
  });
  assert.equal(gatewayOptions({ ...DEFAULTS, httpListen: '0.0.0.0:8080', httpsListen: '0.0.0.0:8443' }).bindAddress, undefined);
  assert.throws(() => gatewayOptions({ ...DEFAULTS, httpsListen: '127.0.0.2:18443' }), /same host/);
  assert.throws(() => gatewayOptions({ ...DEFAULTS, httpsListen: '127.0.0.1:18080' }), /both on port/);
});

void test('gateway node metadata: ROLE=gateway and the ports as strings', () => {
  assert.deepEqual(gatewayNode('gw-1.istio-system', 'istio-system', ['10.244.0.7'], 8080, 8443).metadata, {
    ROLE: 'gateway', NAMESPACE: 'istio-system', INSTANCE_IPS: '10.244.0.7', GATEWAY_HTTP_PORT: '8080', GATEWAY_HTTPS_PORT: '8443',
  });
});
