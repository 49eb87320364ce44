import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngressClass } from '../../../control-plane/model/types.js';
import { decodeOne, load, problems } from './helpers.js';

const ic = (body: string, meta = '{name: meshlet}'): string => `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: ${meta}\n${body}`;

describe('IngressClass decoder', () => {
  const good: [string, string, Pick<IngressClass, 'controller' | 'isDefault'>][] = [
    ['controller only', ic('spec: {controller: meshlet.io/ingress-controller}\n'), { controller: 'meshlet.io/ingress-controller', isDefault: false }],
    [
      'marked default',
      ic('spec: {controller: example.com/x}\n', '{name: meshlet, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}'),
      { controller: 'example.com/x', isDefault: true },
    ],
    [
      'only "true" marks the default',
      ic('spec: {controller: example.com/x}\n', '{name: meshlet, annotations: {ingressclass.kubernetes.io/is-default-class: "yes"}}'),
      { controller: 'example.com/x', isDefault: false },
    ],
  ];
  for (const [title, text, expected] of good) {
    it(title, () => {
      const c = decodeOne<IngressClass>(text);
      assert.deepEqual({ controller: c.controller, isDefault: c.isDefault }, expected);
    });
  }

  it('is cluster-scoped: namespace is always ""', () => {
    const c = decodeOne<IngressClass>(ic('spec: {controller: example.com/x}\n', '{name: meshlet, namespace: shop}'));
    assert.equal(c.meta.namespace, '');
    assert.deepEqual(load(ic('spec: {}\n', '{name: meshlet, namespace: shop}')).errors.map((e) => e.object), ['IngressClass /meshlet']);
  });

  const bad: [string, string, string[]][] = [
    ['no spec', ic(''), ['spec: required']],
    ['no controller', ic('spec: {}\n'), ['spec.controller: required']],
    ['controller not domain-prefixed', ic('spec: {controller: meshlet}\n'), [`spec.controller: must be a domain-prefixed path such as 'example.com/ingress-controller', got "meshlet"`]],
    ['controller not a string', ic('spec: {controller: 7}\n'), ['spec.controller: must be a string, got 7']],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }
});
