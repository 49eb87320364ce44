// The gateway's translation of Ingresses: virtual hosts, route order, conflicts, wildcards, default backend,
// ports by name, TLS chains and the HTTP → HTTPS redirect. Each case: Ingresses in, route lines out
// (gateway-fixtures.ts routeLine: `<match> [headers] → <action>`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import type { Ingress, MeshSnapshot, TlsSecret } from '../../../control-plane/model/types.js';
import { LISTENER, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { names } from './fixtures.js';
import { A, B, B_ADMIN, backend, gatewayMesh, ingress, path, secret, tlsChains, vhosts } from './gateway-fixtures.js';

const GATEWAY = { role: 'gateway', namespace: '*' } as const;

function mesh(ingresses: readonly Ingress[], secrets: readonly TlsSecret[] = []): MeshSnapshot {
  return gatewayMesh({ ingresses, secrets });
}

interface Case {
  readonly name: string;
  readonly ingresses: readonly Ingress[];
  readonly http: Record<string, string[]>;
}

const WILDCARD_REGEX = '^[^.]+\\.example\\.com(:[0-9]+)?$';

const CASES: readonly Case[] = [
  {
    name: 'no Ingress: only the 404 catch-all',
    ingresses: [],
    http: { '*': ['/* → 404'] },
  },
  {
    name: 'two Ingresses on one host merge; longest path first, Exact before Prefix',
    ingresses: [
      ingress('one', { rules: [{ host: 'shop.example.com', paths: [path('/', 'a', 80), path('/api', 'b', 80, 'Exact')] }] }),
      ingress('two', { rules: [{ host: 'shop.example.com', paths: [path('/api/', 'b', 'admin'), path('/api/v1', 'a', 80)] }] }),
    ],
    http: {
      'shop.example.com': ['/api/v1/* → ' + A, '=/api → ' + B, '/api/* → ' + B_ADMIN, '/* → ' + A],
      '*': ['/* → 404'],
    },
  },
  {
    name: 'same host and path in two Ingresses: the oldest wins',
    ingresses: [
      ingress('newer', { created: '2024-02-01T00:00:00Z', rules: [{ host: 'x.test', paths: [path('/p', 'b', 80)] }] }),
      ingress('older', { created: '2024-01-01T00:00:00Z', rules: [{ host: 'x.test', paths: [path('/p/', 'a', 80)] }] }),
    ],
    http: { 'x.test': ['/p/* → ' + A], '*': ['/* → 404'] },
  },
  {
    name: 'same timestamp: namespace/name decides',
    ingresses: [
      ingress('b', { rules: [{ host: 'x.test', paths: [path('/p', 'b', 80)] }] }),
      ingress('a', { rules: [{ host: 'x.test', paths: [path('/p', 'a', 80)] }] }),
    ],
    http: { 'x.test': ['/p/* → ' + A], '*': ['/* → 404'] },
  },
  {
    name: 'a wildcard host matches one label: :authority regex; deeper names fall to the host-less rules',
    ingresses: [
      ingress('w', { rules: [{ host: '*.example.com', paths: [path('/', 'a', 80)] }, { paths: [path('/', 'b', 80)] }] }),
    ],
    http: {
      '*.example.com': [`/* [:authority~${WILDCARD_REGEX}] → ${A}`, '/* → ' + B],
      '*': ['/* → ' + B, '/* → 404'],
    },
  },
  {
    name: 'default backend: last route of every Ingress host, and the catch-all',
    ingresses: [
      ingress('d', { defaultBackend: backend('b', 'admin'), rules: [{ host: 'x.test', paths: [path('/a', 'a', 80)] }] }),
      ingress('e', { created: '2030-01-01T00:00:00Z', defaultBackend: backend('a', 80) }),
    ],
    http: { 'x.test': ['/a/* → ' + A, '/* → ' + B_ADMIN], '*': ['/* → ' + B_ADMIN] },
  },
  {
    name: 'ports by name; an unknown Service or port answers 503',
    ingresses: [
      ingress('p', {
        rules: [{ host: 'x.test', paths: [path('/admin', 'b', 'admin'), path('/gone', 'nope', 80), path('/typo', 'b', 'htp'), path('/num', 'b', 9999)] }],
      }),
    ],
    http: { 'x.test': ['/admin/* → ' + B_ADMIN, '/gone/* → 503', '/typo/* → 503', '/num/* → 503'], '*': ['/* → 404'] },
  },
  {
    name: 'ssl-redirect: that Ingress’s routes redirect on plain HTTP; others do not',
    ingresses: [
      ingress('r', { annotations: { 'meshlet.io/ssl-redirect': 'true' }, rules: [{ host: 'secure.test', paths: [path('/', 'a', 80)] }] }),
      ingress('n', { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' }, rules: [{ host: 'nginx.test', paths: [path('/', 'a', 80)] }] }),
      ingress('f', { annotations: { 'meshlet.io/ssl-redirect': 'false' }, rules: [{ host: 'plain.test', paths: [path('/', 'b', 80)] }] }),
    ],
    http: {
      'nginx.test': ['/* → redirect https_redirect=true MOVED_PERMANENTLY'],
      'plain.test': ['/* → ' + B],
      'secure.test': ['/* → redirect https_redirect=true MOVED_PERMANENTLY'],
      '*': ['/* → 404'],
    },
  },
  {
    name: 'Ingresses of another class are not served',
    ingresses: [
      ingress('mine', { rules: [{ host: 'mine.test', paths: [path('/', 'a', 80)] }] }),
      ingress('theirs', { className: 'nginx', rules: [{ host: 'theirs.test', paths: [path('/', 'a', 80)] }] }),
    ],
    http: { 'mine.test': ['/* → ' + A], '*': ['/* → 404'] },
  },
];

for (const c of CASES) {
  void test(`Ingress: ${c.name}`, () => {
    const set = translate(mesh(c.ingresses), GATEWAY);
    assert.deepEqual(vhosts(set, 'http.8080'), c.http);
    assert.deepEqual(names(set, LISTENER), ['0.0.0.0_8080'], 'no certificate, no HTTPS listener');
  });
}

void test('TLS: one chain per certificate with the hosts it serves, then the first certificate for clients without SNI', () => {
  const ingresses = [
    ingress('old', { created: '2024-01-01T00:00:00Z', rules: [{ host: 'a.test', paths: [path('/', 'a', 80)] }], tls: [{ hosts: ['a.test', 'shared.test'], secretName: 'cert-a' }] }),
    ingress('new', { created: '2024-02-01T00:00:00Z', tls: [{ hosts: ['b.test', 'shared.test'], secretName: 'cert-b' }, { hosts: ['c.test'], secretName: 'missing' }] }),
  ];
  const set = translate(mesh(ingresses, [secret('cert-a'), secret('cert-b'), secret('cert-a', 'other')]), GATEWAY);
  assert.deepEqual(names(set, LISTENER), ['0.0.0.0_8080', '0.0.0.0_8443']);
  assert.deepEqual(names(set, ROUTE_CONFIGURATION), ['http.8080', 'https.8443']);
  assert.deepEqual(tlsChains(set, '0.0.0.0_8443'), ['a.test,shared.test → cert-a', 'b.test → cert-b', '(any) → cert-a']);
  assert.deepEqual(vhosts(set, 'https.8443'), vhosts(set, 'http.8080'), 'the same routes on both');
});

void test('ssl-redirect: HTTPS routes are the plain rules', () => {
  const ingresses = [
    ingress('r', { annotations: { 'ingress.kubernetes.io/ssl-redirect': 'true' }, rules: [{ host: 's.test', paths: [path('/', 'a', 80)] }], tls: [{ hosts: ['s.test'], secretName: 's' }] }),
  ];
  const set = translate(mesh(ingresses, [secret('s')]), GATEWAY);
  assert.deepEqual(vhosts(set, 'http.8080')['s.test'], ['/* → redirect https_redirect=true MOVED_PERMANENTLY']);
  assert.deepEqual(vhosts(set, 'https.8443')['s.test'], ['/* → ' + A]);
});

void test('gateway ports name the listeners and route configurations; groups on other ports do not share', () => {
  const m = mesh([ingress('t', { tls: [{ hosts: ['t.test'], secretName: 't' }] })], [secret('t')]);
  const a = translate(m, { role: 'gateway', namespace: '*', gatewayPorts: { http: 80, https: 443 } });
  const b = translate(m, { role: 'gateway', namespace: '*', gatewayPorts: { http: 8080, https: 8443 } });
  assert.deepEqual(names(a, LISTENER), ['0.0.0.0_80', '0.0.0.0_443']);
  assert.deepEqual(names(a, ROUTE_CONFIGURATION), ['http.80', 'https.443']);
  assert.deepEqual(names(b, LISTENER), ['0.0.0.0_8080', '0.0.0.0_8443']);
  assert.deepEqual(names(translate(m, GATEWAY), LISTENER), names(b, LISTENER), 'no ports: the defaults');
});
