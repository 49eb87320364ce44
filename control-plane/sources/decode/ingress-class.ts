// networking.k8s.io/v1 IngressClass (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-class-v1/):
// which controller implements a class, and whether the class is the cluster's default. IngressClass is
// cluster-scoped, so its namespace is always '' (a namespace written in the manifest is ignored, as the API
// server ignores it), and two classes of the same name in different files conflict.
import type { IngressClass } from '../../model/types.js';
import { decodeMeta, type Decoder } from './context.js';
import { dns1123Subdomain, type Check } from './validate.js';

/** "ingressclass.kubernetes.io/is-default-class: true" marks the default class (Ingress concepts page). */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

const PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/**
 * spec.controller "must be a domain-prefixed path (such as "acme.io/ingress-controller")", at most 250
 * characters (ValidateIngressClass, IsDomainPrefixedPath in apimachinery).
 */
const domainPrefixedPath: Check = (s) => {
  const slash = s.indexOf('/');
  const ok = s.length <= 250 && slash > 0 && dns1123Subdomain(s.slice(0, slash)) === undefined && PATH.test(s.slice(slash + 1));
  return ok ? undefined : "must be a domain-prefixed path such as 'example.com/ingress-controller'";
};

export const decodeIngressClass: Decoder<IngressClass> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const spec = root.at('spec');
  const controllerField = spec.at('controller');
  const controller = spec.required() && spec.record() !== undefined && controllerField.required() ? controllerField.checkedStr(domainPrefixedPath) : undefined;
  return {
    kind: 'IngressClass',
    meta: { ...meta, namespace: '' },
    controller: controller ?? '',
    isDefault: meta.annotations[DEFAULT_CLASS_ANNOTATION] === 'true',
  };
};
