// translate's resource() and packed() hand bodies to makeResource / packAny as message-class objects to skip a
// conversion copy; the bytes must be exactly those of the plain-object path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packed, resource } from '../../../control-plane/translate/encode.js';
import { makeResource, packAny } from '../../../xds/resource.js';
import { CLUSTER, HTTP_CONNECTION_MANAGER, LISTENER, ROUTER } from '../../../xds/type-urls.js';

const hcm = (): Record<string, unknown> => ({
  stat_prefix: 'p',
  rds: { config_source: { ads: {}, resource_api_version: 2 }, route_config_name: 'r:80' },
  http_filters: [{ name: 'router', typed_config: packAny(ROUTER, {}) }],
});

void test('same bytes as makeResource / packAny with plain objects', () => {
  assert.deepEqual(packed(HTTP_CONNECTION_MANAGER, hcm()), packAny(HTTP_CONNECTION_MANAGER, hcm()));
  const listener = (): Record<string, unknown> => ({
    name: 'l',
    address: { socket_address: { address: '10.0.0.1', port_value: 80 } },
    bind_to_port: { value: false },
    filter_chains: [{ filters: [{ name: 'hcm', typed_config: packAny(HTTP_CONNECTION_MANAGER, hcm()) }] }],
  });
  const a = resource(LISTENER, 'l', listener());
  const b = makeResource(LISTENER, 'l', listener());
  assert.equal(a.hash, b.hash);
  assert.ok(a.encoded.equals(b.encoded));
});

void test('the body keeps only the fields given, as own properties', () => {
  const r = resource(CLUSTER, 'c', { name: 'c', type: 3, connect_timeout: { seconds: 10 } });
  assert.deepEqual(Object.keys(r.body), ['name', 'type', 'connect_timeout']);
  assert.deepEqual(JSON.parse(JSON.stringify(r.body)), { name: 'c', type: 'EDS', connect_timeout: { seconds: '10' } });
});

void test('bodies are still verified', () => {
  assert.throws(() => resource(CLUSTER, 'bad', { name: 7 }), /name: string expected/);
});
