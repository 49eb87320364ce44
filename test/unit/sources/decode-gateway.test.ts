import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway, GatewayListener } from '../../../control-plane/model/types.js';
import { decodeOne, load, problems } from './helpers.js';

const gw = (listeners: string, version = 'v1'): string =>
  `apiVersion: gateway.networking.k8s.io/${version}\nkind: Gateway\nmetadata: {name: gw, namespace: edge}\nspec:\n  gatewayClassName: meshlet\n  listeners: ${listeners}\n`;

describe('Gateway decoder', () => {
  const good: [string, string, GatewayListener[]][] = [
    [
      'HTTP listener with defaults',
      gw('[{name: http, port: 80, protocol: HTTP}]'),
      [{ name: 'http', port: 80, protocol: 'HTTP', certificateRefs: [], allowedRoutesFrom: 'Same' }],
    ],
    [
      'HTTPS: hostname lower-cased, certificate refs default to a Secret in the Gateway namespace',
      gw('[{name: https, port: 443, protocol: HTTPS, hostname: "*.Example.COM", tls: {certificateRefs: [{name: a}, {kind: Secret, group: "", name: b, namespace: certs}]}, allowedRoutes: {namespaces: {from: All}}}]'),
      [
        {
          name: 'https',
          hostname: '*.example.com',
          port: 443,
          protocol: 'HTTPS',
          certificateRefs: [
            { namespace: 'edge', name: 'a' },
            { namespace: 'certs', name: 'b' },
          ],
          allowedRoutesFrom: 'All',
        },
      ],
    ],
    [
      'v1beta1 and explicit tls.mode Terminate',
      gw('[{name: https, port: 8443, protocol: HTTPS, tls: {mode: Terminate, certificateRefs: [{name: a}]}}]', 'v1beta1'),
      [{ name: 'https', port: 8443, protocol: 'HTTPS', certificateRefs: [{ namespace: 'edge', name: 'a' }], allowedRoutesFrom: 'Same' }],
    ],
  ];
  for (const [title, text, listeners] of good) {
    it(title, () => {
      const g = decodeOne<Gateway>(text);
      assert.equal(g.gatewayClassName, 'meshlet');
      assert.deepEqual(g.listeners, listeners);
    });
  }

  it('allowedRoutes Selector is reported and treated as Same; the Gateway stays valid', () => {
    const { objects, errors } = load(gw('[{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {}}}}]'));
    assert.equal((objects[0] as Gateway).listeners[0]?.allowedRoutesFrom, 'Same');
    assert.deepEqual(
      errors.map((e) => `${e.field}: ${e.message}`),
      ['spec.listeners[0].allowedRoutes.namespaces.from: Selector is not supported by meshlet; treated as Same'],
    );
  });

  const bad: [string, string, string[]][] = [
    ['no class', gw('[]').replace('  gatewayClassName: meshlet\n', ''), ['spec.gatewayClassName: required', 'spec.listeners: must have at least one listener']],
    ['no listeners', gw('null'), ['spec.listeners: must have at least one listener']],
    ['listener name missing', gw('[{port: 80, protocol: HTTP}]'), ['spec.listeners[0].name: required']],
    [
      'duplicate listener names',
      gw('[{name: web, port: 80, protocol: HTTP}, {name: web, port: 81, protocol: HTTP}]'),
      ['spec.listeners[1].name: must be unique, "web" is also the name of listeners[0]'],
    ],
    ['port out of range', gw('[{name: web, port: 70000, protocol: HTTP}]'), ['spec.listeners[0].port: must be an integer 1-65535, got 70000']],
    ['TCP protocol', gw('[{name: db, port: 5432, protocol: TCP}]'), [`spec.listeners[0].protocol: meshlet's gateway serves HTTP and HTTPS listeners only, got "TCP"`]],
    ['IP hostname', gw('[{name: web, port: 80, protocol: HTTP, hostname: 10.0.0.1}]'), ['spec.listeners[0].hostname: must be a DNS name, not an IP address, got "10.0.0.1"']],
    ['HTTPS without tls', gw('[{name: web, port: 443, protocol: HTTPS}]'), ['spec.listeners[0].tls: required']],
    [
      'HTTPS without certificates',
      gw('[{name: web, port: 443, protocol: HTTPS, tls: {}}]'),
      ['spec.listeners[0].tls.certificateRefs: an HTTPS listener needs at least one certificate reference'],
    ],
    [
      'TLS passthrough',
      gw('[{name: web, port: 443, protocol: HTTPS, tls: {mode: Passthrough}}]'),
      ['spec.listeners[0].tls.mode: Passthrough is not supported by meshlet (its gateway terminates TLS); use Terminate'],
    ],
    [
      'certificate ref of another kind',
      gw('[{name: web, port: 443, protocol: HTTPS, tls: {certificateRefs: [{kind: ConfigMap, name: a}]}}]'),
      ['spec.listeners[0].tls.certificateRefs[0].kind: must be Secret, got "ConfigMap"'],
    ],
    ['unknown from', gw('[{name: web, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Some}}}]'), ['spec.listeners[0].allowedRoutes.namespaces.from: must be one of Same, All, Selector, got "Some"']],
    ['v1alpha2', gw('[]', 'v1alpha2'), ['apiVersion: meshlet reads Gateway as gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1, got "gateway.networking.k8s.io/v1alpha2"']],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }

  it('errors name the Gateway', () => {
    assert.deepEqual(load(gw('[{name: web, port: 0, protocol: HTTP}]')).errors.map((e) => e.object), ['Gateway edge/gw']);
  });
});
