import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress } from '../../../control-plane/model/types.js';
import { decodeOne, fixtureText, load, problems } from './helpers.js';

describe('Ingress decoder', () => {
  it('networking.k8s.io/v1: class, default backend by port name, rules, path types, wildcard host, TLS', () => {
    const ing = decodeOne<Ingress>(fixtureText('manifests-basic/ingress.yaml'));
    assert.equal(ing.apiVersion, 'networking.k8s.io/v1');
    assert.equal(ing.ingressClassName, 'meshlet');
    assert.deepEqual(ing.defaultBackend, { name: 'web', port: { name: 'http' } });
    assert.deepEqual(ing.rules, [
      {
        host: 'shop.example.com',
        paths: [
          { path: '/', pathType: 'Prefix', backend: { name: 'web', port: { number: 80 } } },
          { path: '/cart/checkout', pathType: 'Exact', backend: { name: 'cart', port: { number: 8080 } } },
        ],
      },
      { host: '*.shop.example.com', paths: [{ path: '/static', pathType: 'ImplementationSpecific', backend: { name: 'web', port: { name: 'http' } } }] },
    ]);
    assert.deepEqual(ing.tls, [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  });

  it('the seed manifest (extensions/v1beta1) decodes to the v1 shape', () => {
    const ing = decodeOne<Ingress>(fixtureText('manifests-basic/legacy/seed-ingress.yaml'));
    assert.equal(ing.apiVersion, 'extensions/v1beta1');
    assert.equal(ing.meta.namespace, 'default');
    assert.deepEqual(ing.defaultBackend, { name: 'other', port: { number: 8080 } });
    assert.deepEqual(ing.rules, [
      { host: 'foo.mydomain.com', paths: [{ path: '', pathType: 'ImplementationSpecific', backend: { name: 'foo', port: { number: 8080 } } }] },
      { host: 'mydomain.com', paths: [{ path: '/bar/*', pathType: 'ImplementationSpecific', backend: { name: 'bar', port: { number: 8080 } } }] },
    ]);
    assert.deepEqual(ing.tls, []);
  });

  it('networking.k8s.io/v1beta1 in JSON: servicePort by name, class from the annotation', () => {
    const ing = decodeOne<Ingress>(fixtureText('manifests-basic/handwritten/ratings.json'));
    assert.equal(ing.ingressClassName, 'meshlet');
    assert.deepEqual(ing.rules[0]?.paths[0], { path: '/api', pathType: 'Prefix', backend: { name: 'ratings', port: { name: 'http' } } });
  });

  const v1 = (paths: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - host: a.example.com\n    http:\n      paths: ${paths}\n`;
  const v1beta1 = (backend: string): string =>
    `apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  backend: ${backend}\n`;
  const bad: [string, string, string[]][] = [
    ['v1 path without pathType', v1('[{path: /, backend: {service: {name: a, port: {number: 80}}}}]'), ['spec.rules[0].http.paths[0].pathType: required']],
    [
      'v1 port with both number and name',
      v1('[{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80, name: http}}}}]'),
      ['spec.rules[0].http.paths[0].backend.service.port: must have exactly one of number and name, got both'],
    ],
    ['v1 relative Prefix path', v1('[{path: api, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]'), [`spec.rules[0].http.paths[0].path: must be an absolute path starting with '/', got "api"`]],
    [
      'resource backend',
      v1('[{path: /, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}}}]'),
      ['spec.rules[0].http.paths[0].backend.resource: resource backends are not supported by meshlet; use a service backend'],
    ],
    ['v1 paths missing', v1('null'), ['spec.rules[0].http.paths: required']],
    [
      'v1beta1 quoted port number',
      v1beta1('{serviceName: a, servicePort: "8080"}'),
      ['spec.backend.servicePort: must be a port number or an IANA port name, got the string "8080" (write the number without quotes)'],
    ],
    ['v1beta1 missing service name', v1beta1('{servicePort: 80}'), ['spec.backend.serviceName: required']],
    ['IP as host', v1('[]').replace('a.example.com', '10.0.0.1'), ['spec.rules[0].host: must be a DNS name, not an IP address, got "10.0.0.1"']],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }

  it('every problem of one Ingress is reported, not just the first', () => {
    const { errors } = load(v1('[{path: x, pathType: Fuzzy, backend: {service: {name: A, port: {number: 0}}}}]'));
    assert.deepEqual(
      errors.map((e) => e.field),
      [
        'spec.rules[0].http.paths[0].pathType',
        'spec.rules[0].http.paths[0].path',
        'spec.rules[0].http.paths[0].backend.service.name',
        'spec.rules[0].http.paths[0].backend.service.port.number',
      ],
    );
  });
});
