import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { servedIngresses, type IngressClassOptions } from '../../../control-plane/model/ingress-class.js';
import { MESHLET_INGRESS_CONTROLLER, type Ingress, type IngressClass } from '../../../control-plane/model/types.js';
import { meta } from './builders.js';

function ingress(name: string, ingressClassName?: string, annotation?: string): Ingress {
  const annotations: Record<string, string> = annotation === undefined ? {} : { 'kubernetes.io/ingress.class': annotation };
  return { kind: 'Ingress', meta: meta({ name, annotations }), apiVersion: 'networking.k8s.io/v1', ...(ingressClassName !== undefined && { ingressClassName }), rules: [], tls: [] };
}

function ingressClass(name: string, controller: string, isDefault = false): IngressClass {
  return { kind: 'IngressClass', meta: meta({ name, namespace: '' }), controller, isDefault };
}

const ours = (name: string, isDefault = false): IngressClass => ingressClass(name, MESHLET_INGRESS_CONTROLLER, isDefault);
const nginx = (name: string, isDefault = false): IngressClass => ingressClass(name, 'k8s.io/ingress-nginx', isDefault);

describe('servedIngresses', () => {
  // [title, ingress, classes, options, served]
  const table: [string, Ingress, IngressClass[], Partial<IngressClassOptions>, boolean][] = [
    ['class names an IngressClass of meshlet', ingress('a', 'edge'), [ours('edge')], {}, true],
    ['class names an IngressClass of another controller', ingress('a', 'nginx'), [nginx('nginx')], {}, false],
    ['class is the bare name "meshlet", no IngressClass object', ingress('a', 'meshlet'), [], {}, true],
    ['class is a configured bare name', ingress('a', 'internal'), [], { className: 'internal' }, true],
    ['"meshlet" is not ours once className is configured otherwise', ingress('a', 'meshlet'), [], { className: 'internal' }, false],
    ['class names an unknown class', ingress('a', 'missing'), [], {}, false],
    ['class names another class even when class-less ones are served', ingress('a', 'nginx'), [], { defaultClass: true }, false],
    ['deprecated annotation with our class name', ingress('a', undefined, 'meshlet'), [], {}, true],
    ['deprecated annotation with another class name', ingress('a', undefined, 'nginx'), [], {}, false],
    ['no class: served by default', ingress('a'), [], {}, true],
    ['no class, defaultClass off', ingress('a'), [], { defaultClass: false }, false],
    ['no class, defaultClass off, an IngressClass of meshlet is the default', ingress('a'), [ours('edge', true)], { defaultClass: false }, true],
    ['no class, defaultClass off, our IngressClass is not the default', ingress('a'), [ours('edge')], { defaultClass: false }, false],
    ['no class, defaultClass off, another controller holds the default', ingress('a'), [nginx('nginx', true)], { defaultClass: false }, false],
  ];
  for (const [title, ing, classes, options, served] of table) {
    it(`${served ? 'serves' : 'skips'}: ${title}`, () => {
      assert.deepEqual(servedIngresses({ ingresses: [ing], ingressClasses: classes }, options), served ? [ing] : []);
    });
  }

  it('keeps the snapshot order and object identity', () => {
    const list = [ingress('a', 'meshlet'), ingress('b', 'nginx'), ingress('c')];
    const served = servedIngresses({ ingresses: list, ingressClasses: [] });
    assert.deepEqual(served.map((i) => i.meta.name), ['a', 'c']);
    assert.equal(served[0], list[0]);
  });
});
