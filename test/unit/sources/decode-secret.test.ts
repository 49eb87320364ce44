import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TlsSecret } from '../../../control-plane/model/types.js';
import { decodeOne, load, problems } from './helpers.js';

// Real certificates, made once for this file with openssl: a leaf with DNS SANs, a CN-only leaf, and a second key.
interface Pem {
  cert: string;
  key: string;
  cnOnlyCert: string;
  cnOnlyKey: string;
  otherKey: string;
}

const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const skip = OPENSSL ? false : 'openssl is not installed: TLS Secret tests need it to make certificates';
let dir = '';
const pem: Pem = { cert: '', key: '', cnOnlyCert: '', cnOnlyKey: '', otherKey: '' };

function selfSigned(name: string, extra: string[]): { cert: string; key: string } {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.crt`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=example.com', '-days', '1', ...extra];
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function secret(body: string, type = 'kubernetes.io/tls'): string {
  return `apiVersion: v1\nkind: Secret\nmetadata: {name: shop-tls, namespace: shop}\ntype: ${type}\n${body}`;
}
const data = (crt: string, key: string): string => secret(`data:\n  tls.crt: ${crt}\n  tls.key: ${key}\n`);

describe('TLS Secret decoder', { skip }, () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'meshlet-secret-'));
    const san = selfSigned('san', ['-addext', 'subjectAltName=DNS:example.com,DNS:*.example.com']);
    const cnOnly = selfSigned('cn', []);
    Object.assign(pem, { cert: san.cert, key: san.key, cnOnlyCert: cnOnly.cert, cnOnlyKey: cnOnly.key, otherKey: cnOnly.key });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('data: base64 chain and key decode; dnsNames from subjectAltName', () => {
    const s = decodeOne<TlsSecret>(data(b64(pem.cert), b64(pem.key)));
    assert.equal(s.kind, 'Secret');
    assert.deepEqual([s.meta.namespace, s.meta.name], ['shop', 'shop-tls']);
    assert.equal(s.certificateChain, pem.cert);
    assert.equal(s.privateKey, pem.key);
    assert.deepEqual(s.dnsNames, ['example.com', '*.example.com']);
  });

  it('a chain keeps every certificate, leaf first', () => {
    const s = decodeOne<TlsSecret>(data(b64(pem.cert + pem.cnOnlyCert), b64(pem.key)));
    assert.equal(s.certificateChain, `${pem.cert.trim()}\n${pem.cnOnlyCert.trim()}\n`);
    assert.deepEqual(s.dnsNames, ['example.com', '*.example.com']);
  });

  it('a leaf without subjectAltName names its CN', () => {
    assert.deepEqual(decodeOne<TlsSecret>(data(b64(pem.cnOnlyCert), b64(pem.cnOnlyKey))).dnsNames, ['example.com']);
  });

  it('stringData (plain text) takes precedence over data per key', () => {
    const indent = (s: string): string => s.trim().split('\n').join('\n    ');
    const text = secret(`data:\n  tls.crt: ${b64('garbage')}\n  tls.key: ${b64(pem.key)}\nstringData:\n  tls.crt: |\n    ${indent(pem.cert)}\n`);
    const s = decodeOne<TlsSecret>(text);
    assert.equal(s.certificateChain, pem.cert);
  });

  it('Secrets of other types (and without a type) are ignored, not errors', () => {
    for (const type of ['Opaque', 'kubernetes.io/dockerconfigjson']) {
      assert.deepEqual(load(secret('data: {password: "!!!"}', type)), { objects: [], errors: [] });
    }
    assert.deepEqual(load('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {tls.crt: "!!!"}\n'), { objects: [], errors: [] });
  });

  const bad: [string, () => string, string[]][] = [
    ['both keys missing', () => secret('data: {}\n'), ['data["tls.crt"]: required', 'data["tls.key"]: required']],
    ['not base64', () => data('not*base64', b64(pem.key)), ['data["tls.crt"]: must be base64 (standard alphabet, padded)']],
    ['not PEM', () => data(b64('hello'), b64(pem.key)), ['data["tls.crt"]: not a PEM certificate (no -----BEGIN CERTIFICATE----- block)']],
    [
      'a PEM block that is not X.509',
      () => data(b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), b64(pem.key)),
      ['data["tls.crt"]: certificate 1 of 1 does not parse as X.509'],
    ],
    ['not a key', () => data(b64(pem.cert), b64('hello')), ['data["tls.key"]: not a PEM private key (or it is encrypted: meshlet reads unencrypted keys only)']],
    ['a key that does not match the certificate', () => data(b64(pem.cert), b64(pem.otherKey)), ['data["tls.key"]: does not match the certificate in data["tls.crt"]']],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text()), expected));
  }

  it('errors name the object, and never quote the key material', () => {
    const { errors } = load(data(b64(pem.cert), 'not*base64'));
    assert.deepEqual(
      errors.map((e) => [e.object, e.field]),
      [['Secret shop/shop-tls', 'data["tls.key"]']],
    );
    assert.ok(!errors[0]?.message.includes('not*base64'));
  });
});
