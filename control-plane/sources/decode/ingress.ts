// Ingress: networking.k8s.io/v1 (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/)
// and the older extensions/v1beta1 and networking.k8s.io/v1beta1, which many manifests still use, normalised
// to the v1 domain type (spec.backend → defaultBackend; pathType optional, defaulting to ImplementationSpecific).
import type { Ingress, IngressPath, IngressRule, IngressTLS, PathType } from '../../model/types.js';
import type { Field } from './field.js';
import { decodeMeta, type Decoder } from './context.js';
import { decodeBackendV1, decodeBackendV1beta1, type BackendDecoder } from './ingress-backend.js';
import { ingressHost, orEmpty } from './validate.js';

const PATH_TYPES: readonly PathType[] = ['Exact', 'Prefix', 'ImplementationSpecific'];
/** The annotation that chose the class before spec.ingressClassName existed; still honoured by controllers. */
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

interface Shape {
  readonly defaultBackendField: string;
  readonly backend: BackendDecoder;
  /** v1 requires pathType; v1beta1 defaults it. */
  readonly pathTypeRequired: boolean;
}

const V1: Shape = { defaultBackendField: 'defaultBackend', backend: decodeBackendV1, pathTypeRequired: true };
const V1BETA1: Shape = { defaultBackendField: 'backend', backend: decodeBackendV1beta1, pathTypeRequired: false };

export const decodeIngress: Decoder<Ingress> = (root, ctx) => {
  const shape = ctx.apiVersion === 'networking.k8s.io/v1' ? V1 : V1BETA1;
  const meta = decodeMeta(root, ctx.origin);
  const spec = root.at('spec');
  spec.record();
  const className = spec.at('ingressClassName').str() || meta.annotations[CLASS_ANNOTATION] || undefined;
  const backendField = spec.at(shape.defaultBackendField);
  const defaultBackend = backendField.absent ? undefined : shape.backend(backendField);
  return {
    kind: 'Ingress',
    meta,
    apiVersion: ctx.apiVersion,
    ...(className !== undefined && { ingressClassName: className }),
    ...(defaultBackend !== undefined && { defaultBackend }),
    rules: spec
      .at('rules')
      .list()
      .map((r) => decodeRule(r, shape)),
    tls: spec
      .at('tls')
      .list()
      .map((t) => decodeTLS(t)),
  };
};

function decodeRule(rule: Field, shape: Shape): IngressRule {
  rule.record();
  const host = rule.at('host').checkedStr(orEmpty(ingressHost)) ?? '';
  const http = rule.at('http');
  // "paths: Required" once `http` is given (HTTPIngressRuleValue).
  if (!http.absent && http.record() !== undefined) http.at('paths').required();
  const paths = http
    .at('paths')
    .list()
    .flatMap((p) => decodePath(p, shape) ?? []);
  return { host, paths };
}

function decodePath(p: Field, shape: Shape): IngressPath | undefined {
  p.record();
  const typeField = p.at('pathType');
  if (shape.pathTypeRequired) typeField.required();
  const pathType = typeField.oneOf(PATH_TYPES) ?? 'ImplementationSpecific';
  const path = p.at('path').str() ?? '';
  // Exact and Prefix paths must be absolute; ImplementationSpecific ones too when given (ValidateIngressSpec).
  if (path === '' && pathType !== 'ImplementationSpecific') p.at('path').fail(`required for pathType ${pathType}`);
  else if (path !== '' && !path.startsWith('/')) p.at('path').fail(`must be an absolute path starting with '/', got "${path}"`);
  const backendField = p.at('backend');
  const backend = backendField.required() ? shape.backend(backendField) : undefined;
  return backend === undefined ? undefined : { path, pathType, backend };
}

function decodeTLS(t: Field): IngressTLS {
  t.record();
  const secretName = t.at('secretName').str() || undefined;
  return {
    hosts: t
      .at('hosts')
      .list()
      .flatMap((h) => h.checkedStr(ingressHost) ?? []),
    ...(secretName !== undefined && { secretName }),
  };
}
