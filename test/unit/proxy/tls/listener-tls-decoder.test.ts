// LDS with TLS termination: the gateway HTTPS listener (tls_inspector, server_names, DownstreamTlsContext)
// decodes to chains with SNI names and a ready SecureContext; what cannot be honoured NACKs naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainMatcher } from '../../../../proxy/listeners/chain-match.js';
import { decodeListener } from '../../../../proxy/xds/decoders/listener.js';
import type { Decoded, ProxyListener } from '../../../../proxy/xds/types.js';
import { makeCertificates } from '../../../support/tls-certs.js';
import { httpsListener, type TlsChainSpec } from '../../../support/tls-listener.js';

const certs = makeCertificates(['a.example.com', 'default.example.com']);
const A = certs.get('a.example.com') ?? assert.fail();
const D = certs.get('default.example.com') ?? assert.fail();

function errors(d: Decoded<ProxyListener>): string[] {
  if (d.ok) assert.fail('expected errors');
  return d.errors.map((e) => `${e.path}: ${e.message}`);
}

void test('LDS: an HTTPS gateway listener decodes server names, certificates and ALPN', () => {
  const d = decodeListener(
    httpsListener('0.0.0.0_8443', 8443, [
      { name: 'a', serverNames: ['A.example.com', '*.b.example.com'], ...A, alpn: ['h2', 'http/1.1'] },
      { name: 'default', serverNames: [], cert: Buffer.from(D.cert), key: Buffer.from(D.key), alpn: [] },
    ]),
  );
  if (!d.ok) assert.fail(JSON.stringify(d.errors));
  const [a, def] = d.value.filterChains;
  assert.deepEqual(a?.serverNames, ['a.example.com', '*.b.example.com']);
  assert.deepEqual([a?.tls?.alpn, a?.tls?.certificates, a?.tls?.requireSni], [['h2', 'http/1.1'], ['a.example.com'], false]);
  assert.ok(a?.tls?.secureContext.context, 'a SecureContext built at decode time');
  assert.deepEqual([def?.serverNames, def?.tls?.certificates, def?.tls?.alpn], [[], ['default.example.com'], []]);
  assert.ok(Object.isFrozen(a?.tls), 'decoded values are frozen');
  assert.equal(JSON.stringify(a?.tls).includes('PRIVATE'), false, 'no key material in a dump');
  assert.equal(Object.keys(a?.tls ?? {}).includes('secureContext'), false);
});

const withContext = (context: Record<string, unknown>, spec: Partial<TlsChainSpec> = {}): Uint8Array =>
  httpsListener('l', 8443, [{ name: 'gw', serverNames: ['a.example.com'], ...A, context, ...spec }]);
const P = 'filter_chains[0].transport_socket.typed_config';

const NACKS: readonly [string, () => Uint8Array, string[]][] = [
  ['a bad PEM', () => withContext({}, { cert: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n' }), [`${P}.common_tls_context.tls_certificates: filter chain "gw": OpenSSL rejected the certificate, private key or TLS parameters`]],
  ['a key that is not the certificate\'s', () => withContext({}, { key: D.key }), [`${P}.common_tls_context.tls_certificates: filter chain "gw": OpenSSL rejected the certificate, private key or TLS parameters`]],
  ['SDS', () => withContext({ common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'gw-cert' }] } }), [`${P}.common_tls_context.tls_certificate_sds_secret_configs: SDS is not supported; inline the certificate`]],
  ['a certificate file', () => withContext({ common_tls_context: { tls_certificates: [{ certificate_chain: { filename: '/etc/c.pem' }, private_key: { inline_string: A.key } }] } }), [`${P}.common_tls_context.tls_certificates[0].certificate_chain.filename: not supported; inline the certificate`]],
  ['client certificates', () => withContext({ require_client_certificate: { value: true } }), [`${P}.require_client_certificate: client certificates are not supported`]],
  ['a validation context', () => withContext({ common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: A.cert }, private_key: { inline_string: A.key } }], validation_context: {} } }), [`${P}.common_tls_context.validation_context: client certificate validation is not supported`]],
  ['no certificate', () => withContext({ common_tls_context: { alpn_protocols: ['h2'] } }), [`${P}.common_tls_context.tls_certificates: required`]],
];

void test('LDS: TLS contexts the proxy cannot honour NACK, naming the field (and the chain)', () => {
  for (const [name, bytes, expected] of NACKS) {
    const got = errors(decodeListener(bytes()));
    assert.equal(got.length, expected.length, `${name}: ${got.join('; ')}`);
    expected.forEach((e, i) => assert.ok(got[i]?.startsWith(e), `${name}: ${got[i]} should start with ${e}`));
  }
});

void test('LDS: server names must be exact or *.suffix', () => {
  const got = errors(decodeListener(httpsListener('l', 8443, [{ name: 'x', serverNames: ['a.*.com', '*example.com'], ...A }])));
  assert.deepEqual(got, [
    'filter_chains[0].filter_chain_match.server_names[0]: "a.*.com" is not a server name (exact, or *.suffix)',
    'filter_chains[0].filter_chain_match.server_names[1]: "*example.com" is not a server name (exact, or *.suffix)',
  ]);
});

const SNI: readonly [string, string | undefined, string][] = [
  ['exact beats every wildcard', 'a.b.example.com', 'exact'],
  ['longest wildcard suffix', 'x.b.example.com', 'wild-b'],
  ['deeper names match the wildcard', 'y.x.b.example.com', 'wild-b'],
  ['shorter wildcard', 'c.example.com', 'wild'],
  ['no match: chain without names', 'other.org', 'default'],
  ['no SNI: chain without names', undefined, 'default'],
];

void test('ChainMatcher: server_names exact, then the longest wildcard, then none', () => {
  const d = decodeListener(
    httpsListener('l', 8443, [
      { name: 'wild', serverNames: ['*.example.com'], ...A },
      { name: 'default', serverNames: [], ...D },
      { name: 'wild-b', serverNames: ['*.b.example.com'], ...A },
      { name: 'exact', serverNames: ['a.b.example.com'], ...A },
    ]),
  );
  if (!d.ok) assert.fail(JSON.stringify(d.errors));
  const m = new ChainMatcher(d.value);
  assert.equal(m.inspectsTls, true);
  for (const [name, sni, chain] of SNI) {
    assert.equal(m.select('10.0.0.1', 8443, undefined, { transportProtocol: 'tls', ...(sni !== undefined && { serverName: sni }) })?.name, chain, name);
  }
});
