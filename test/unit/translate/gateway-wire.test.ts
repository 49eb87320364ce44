// Everything the gateway role receives is consistent (every RDS name and cluster resolves), satisfies Envoy's
// proto constraints, and is accepted by meshlet's own proxy decoders (what the gateway proxy will apply).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TlsSecret } from '../../../control-plane/model/types.js';
import { checkConsistency, translate } from '../../../control-plane/translate/index.js';
import { DECODERS } from '../../../proxy/xds/decoders/index.js';
import { LISTENER, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { envoyRuleViolations } from './envoy-rules.js';
import { backend, gateway, gatewayMesh, httpRoute, ingress, listener, match, path as ingressPath, rule, secret } from './gateway-fixtures.js';

// The proxy's decoder hands certificates to OpenSSL, so the Secrets here hold a real one (made with openssl).
const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const skip = OPENSSL ? false : 'openssl is not installed: the TLS listener needs a real certificate';

function realSecret(name: string): TlsSecret {
  if (!OPENSSL) return secret(name);
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-gw-'));
  try {
    const key = path.join(dir, 'k.pem');
    const crt = path.join(dir, 'c.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-subj', `/CN=${name}`, '-days', '1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return { ...secret(name), certificateChain: readFileSync(crt, 'utf8'), privateKey: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mesh = gatewayMesh({
  ingresses: [
    ingress('i', {
      annotations: { 'meshlet.io/ssl-redirect': 'true' },
      defaultBackend: backend('a', 80),
      rules: [{ host: '*.example.com', paths: [ingressPath('/', 'a', 80), ingressPath('/x', 'b', 'admin', 'Exact')] }, { host: 'gone.test', paths: [ingressPath('/', 'nope', 80)] }],
      tls: [{ hosts: ['*.example.com'], secretName: 'wild' }],
    }),
  ],
  secrets: [realSecret('wild'), realSecret('gw-cert')],
  gateways: [gateway('gw', [listener('web', 'HTTP'), listener('tls', 'HTTPS', { hostname: 'api.test', certificateRefs: [{ namespace: 'default', name: 'gw-cert' }] })])],
  httpRoutes: [
    httpRoute('r', {
      rules: [
        rule([match('/v[0-9]+', 'RegularExpression', { headers: [{ type: 'RegularExpression', name: 'x-user', value: 'a.*' }], queryParams: [{ type: 'Exact', name: 'q', value: '1' }] })], [['a', 80, 2], ['b', 80, 1]], {
          filters: [{ type: 'RequestHeaderModifier', set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }], remove: ['x-c'] }],
        }),
        rule([match('/moved', 'Exact')], [], { filters: [{ type: 'RequestRedirect', hostname: 'new.test', port: 8443, statusCode: 302 }] }),
        rule([match('/none')], []),
      ],
    }),
  ],
});

const set = translate(mesh, { role: 'gateway', namespace: '*' });

void test('the gateway set is consistent', () => {
  assert.deepEqual(checkConsistency(set), []);
});

void test('every gateway listener and route configuration satisfies Envoy’s proto constraints', () => {
  for (const type of [LISTENER, ROUTE_CONFIGURATION] as const) {
    for (const r of set.get(type)?.values() ?? []) assert.deepEqual(envoyRuleViolations(type, r.encoded), [], r.name);
  }
});

void test('the proxy’s decoders accept every gateway listener and route configuration', { skip }, () => {
  for (const type of [LISTENER, ROUTE_CONFIGURATION] as const) {
    for (const r of set.get(type)?.values() ?? []) {
      const decoded = DECODERS[type].decode(r.encoded);
      assert.ok(decoded.ok, `${r.name}: ${decoded.ok ? '' : JSON.stringify(decoded.errors)}`);
    }
  }
});
