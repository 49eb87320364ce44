// Dispatch of one parsed object to the decoder of its kind, by API group and kind; the version must be one the
// decoder reads. Kinds meshlet does not read (ConfigMap, Deployment, ...) are "ignored", never errors.
import type { KubeKind, KubeObject, ObjectOrigin } from '../../model/types.js';
import { Field, describe, type Issue } from './field.js';
import { DEFAULT_NAMESPACE, type Decoder } from './context.js';
import { decodeService } from './service.js';
import { decodeEndpointSlice } from './endpoint-slice.js';
import { decodeEndpoints } from './endpoints.js';
import { decodePod } from './pod.js';
import { decodeIngress } from './ingress.js';
import { decodeServiceExport } from './service-export.js';
import { decodeSecret, isTlsSecret } from './secret.js';
import { decodeIngressClass } from './ingress-class.js';
import { decodeGateway } from './gateway.js';
import { decodeHTTPRoute } from './http-route.js';

export { formatPath, type FieldPath, type Issue } from './field.js';

interface KindEntry {
  readonly kind: KubeKind;
  readonly versions: readonly string[];
  readonly decode: Decoder<KubeObject>;
  /** When given, objects of the kind that fail it are ignored like unknown kinds (Secrets of other types). */
  readonly reads?: (root: Field) => boolean;
  /** Cluster-scoped kinds have namespace '' whatever the manifest says. */
  readonly clusterScoped?: boolean;
}

const GATEWAY_API = ['v1', 'v1beta1'];

/** Keyed by `group/Kind` (the core group is ''). */
const KINDS: ReadonlyMap<string, KindEntry> = new Map([
  ['/Service', { kind: 'Service', versions: ['v1'], decode: decodeService }],
  ['/Endpoints', { kind: 'Endpoints', versions: ['v1'], decode: decodeEndpoints }],
  ['/Pod', { kind: 'Pod', versions: ['v1'], decode: decodePod }],
  ['discovery.k8s.io/EndpointSlice', { kind: 'EndpointSlice', versions: ['v1', 'v1beta1'], decode: decodeEndpointSlice }],
  ['networking.k8s.io/Ingress', { kind: 'Ingress', versions: ['v1', 'v1beta1'], decode: decodeIngress }],
  ['extensions/Ingress', { kind: 'Ingress', versions: ['v1beta1'], decode: decodeIngress }],
  ['multicluster.x-k8s.io/ServiceExport', { kind: 'ServiceExport', versions: ['v1alpha1'], decode: decodeServiceExport }],
  ['/Secret', { kind: 'Secret', versions: ['v1'], decode: decodeSecret, reads: isTlsSecret }],
  ['networking.k8s.io/IngressClass', { kind: 'IngressClass', versions: ['v1'], decode: decodeIngressClass, clusterScoped: true }],
  ['gateway.networking.k8s.io/Gateway', { kind: 'Gateway', versions: GATEWAY_API, decode: decodeGateway }],
  ['gateway.networking.k8s.io/HTTPRoute', { kind: 'HTTPRoute', versions: GATEWAY_API, decode: decodeHTTPRoute }],
]);

/** Who an object is: the same identity twice is a conflict, and invalid objects fall back to their last good one. */
export interface ObjectIdentity {
  readonly kind: KubeKind;
  readonly namespace: string;
  readonly name: string;
}

/** `Kind namespace/name`, the form ConfigError.object uses. */
export function identityKey(id: ObjectIdentity): string {
  return `${id.kind} ${id.namespace}/${id.name}`;
}

export type DecodeOutcome =
  /** issues: problems with optional settings that leave the object usable (see DecodeContext.settingIssues). */
  | { readonly status: 'ok'; readonly object: KubeObject; readonly issues: readonly Issue[] }
  /** identity is known when kind and name could be read despite the problems. */
  | { readonly status: 'invalid'; readonly identity?: ObjectIdentity; readonly issues: readonly Issue[] }
  | { readonly status: 'ignored'; readonly apiVersion: string; readonly kind: string };

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function decodeObject(value: unknown, origin: ObjectOrigin): DecodeOutcome {
  const root = Field.root(value);
  if (root.record() === undefined) return { status: 'invalid', issues: root.issues };
  const apiVersion = root.at('apiVersion').reqStr();
  const kind = root.at('kind').reqStr();
  if (apiVersion === undefined || kind === undefined) return { status: 'invalid', issues: root.issues };
  const { group, version } = splitApiVersion(apiVersion);
  const entry = KINDS.get(`${group}/${kind}`);
  if (entry === undefined || (entry.reads !== undefined && !entry.reads(root))) return { status: 'ignored', apiVersion, kind };
  const identity = readIdentity(root, entry);
  if (!entry.versions.includes(version)) {
    const known = entry.versions.map((v) => (group ? `${group}/${v}` : v)).join(', ');
    root.at('apiVersion').fail(`meshlet reads ${kind} as ${known}, got ${describe(apiVersion)}`);
    return { status: 'invalid', ...(identity && { identity }), issues: root.issues };
  }
  const settingIssues: Issue[] = [];
  const object = entry.decode(root, { origin, apiVersion, settingIssues });
  if (root.issues.length > 0) return { status: 'invalid', ...(identity && { identity }), issues: [...root.issues, ...settingIssues] };
  return { status: 'ok', object, issues: settingIssues };
}

/** Kind, namespace and name read leniently, so that an object with errors still knows who it is. */
function readIdentity(root: Field, { kind, clusterScoped }: KindEntry): ObjectIdentity | undefined {
  const meta = root.at('metadata');
  const name = meta.at('name').value;
  const namespace = meta.at('namespace').value;
  if (typeof name !== 'string' || name === '') return undefined;
  if (clusterScoped) return { kind, name, namespace: '' };
  return { kind, name, namespace: typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE };
}
