// The store's immutable state: the current good version of every object, by kind, keyed `namespace/name`, and
// every current error. Unchanged parts keep their identity from one state to the next (maps and objects), so a
// consumer can tell what changed with `===`.
import type {
  ConfigError,
  EndpointSlice,
  Endpoints,
  Gateway,
  HTTPRoute,
  Ingress,
  IngressClass,
  KubeObject,
  Pod,
  Service,
  ServiceExport,
  TlsSecret,
} from '../model/types.js';

/** What the model reads. Keys are `namespace/name`. */
export interface ObjectSet {
  readonly services: ReadonlyMap<string, Service>;
  readonly endpointSlices: ReadonlyMap<string, EndpointSlice>;
  readonly endpoints: ReadonlyMap<string, Endpoints>;
  readonly pods: ReadonlyMap<string, Pod>;
  readonly ingresses: ReadonlyMap<string, Ingress>;
  readonly serviceExports: ReadonlyMap<string, ServiceExport>;
  readonly ingressClasses: ReadonlyMap<string, IngressClass>;
  readonly secrets: ReadonlyMap<string, TlsSecret>;
  readonly gateways: ReadonlyMap<string, Gateway>;
  readonly httpRoutes: ReadonlyMap<string, HTTPRoute>;
}

export interface StoreState extends ObjectSet {
  /** 0 for the empty state; +1 for every state that differs from the one before. */
  readonly revision: number;
  /** Every current problem, in file order. Objects they concern are at their last good version (or absent). */
  readonly errors: readonly ConfigError[];
}

/** The typed change kinds of DESIGN.md ('endpoints' covers EndpointSlices and v1 Endpoints), plus 'errors'. */
export type ChangeKind = 'services' | 'endpoints' | 'pods' | 'ingress' | 'exports' | 'errors';
// Ingress classes, TLS Secrets, Gateways and HTTPRoutes are all 'ingress' changes: they feed the gateway.

export interface StoreUpdate {
  readonly state: StoreState;
  /** Empty when the new scan changed nothing (then `state` is the previous state object). */
  readonly changed: ReadonlySet<ChangeKind>;
}

export const EMPTY_STATE: StoreState = {
  revision: 0,
  services: new Map(),
  endpointSlices: new Map(),
  endpoints: new Map(),
  pods: new Map(),
  ingresses: new Map(),
  serviceExports: new Map(),
  ingressClasses: new Map(),
  secrets: new Map(),
  gateways: new Map(),
  httpRoutes: new Map(),
  errors: [],
};

export function objectKey(object: KubeObject): string {
  return `${object.meta.namespace}/${object.meta.name}`;
}

/** Builds an ObjectSet from objects (later duplicates of a kind + key replace earlier ones). */
export function objectSetOf(objects: Iterable<KubeObject>): ObjectSet {
  const sets = {
    Service: new Map<string, Service>(),
    EndpointSlice: new Map<string, EndpointSlice>(),
    Endpoints: new Map<string, Endpoints>(),
    Pod: new Map<string, Pod>(),
    Ingress: new Map<string, Ingress>(),
    ServiceExport: new Map<string, ServiceExport>(),
    IngressClass: new Map<string, IngressClass>(),
    Secret: new Map<string, TlsSecret>(),
    Gateway: new Map<string, Gateway>(),
    HTTPRoute: new Map<string, HTTPRoute>(),
  };
  for (const o of objects) (sets[o.kind] as Map<string, KubeObject>).set(objectKey(o), o);
  return {
    services: sets.Service,
    endpointSlices: sets.EndpointSlice,
    endpoints: sets.Endpoints,
    pods: sets.Pod,
    ingresses: sets.Ingress,
    serviceExports: sets.ServiceExport,
    ingressClasses: sets.IngressClass,
    secrets: sets.Secret,
    gateways: sets.Gateway,
    httpRoutes: sets.HTTPRoute,
  };
}

function sameMap<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function sameErrors(a: readonly ConfigError[], b: readonly ConfigError[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const f = b[i];
    return f !== undefined && e.file === f.file && e.object === f.object && e.field === f.field && e.message === f.message && e.code === f.code && e.line === f.line;
  });
}

/**
 * The next state from `prev` and freshly merged objects and errors: maps equal to the previous ones are reused,
 * and when nothing changed at all the previous state itself is returned.
 */
export function nextState(prev: StoreState, set: ObjectSet, errors: readonly ConfigError[]): StoreUpdate {
  const changed = new Set<ChangeKind>();
  const pick = <V>(kind: ChangeKind, before: ReadonlyMap<string, V>, after: ReadonlyMap<string, V>): ReadonlyMap<string, V> => {
    if (sameMap(before, after)) return before;
    changed.add(kind);
    return after;
  };
  const services = pick('services', prev.services, set.services);
  const endpointSlices = pick('endpoints', prev.endpointSlices, set.endpointSlices);
  const endpoints = pick('endpoints', prev.endpoints, set.endpoints);
  const pods = pick('pods', prev.pods, set.pods);
  const ingresses = pick('ingress', prev.ingresses, set.ingresses);
  const serviceExports = pick('exports', prev.serviceExports, set.serviceExports);
  const ingressClasses = pick('ingress', prev.ingressClasses, set.ingressClasses);
  const secrets = pick('ingress', prev.secrets, set.secrets);
  const gateways = pick('ingress', prev.gateways, set.gateways);
  const httpRoutes = pick('ingress', prev.httpRoutes, set.httpRoutes);
  const sameErr = sameErrors(prev.errors, errors);
  if (!sameErr) changed.add('errors');
  if (changed.size === 0) return { state: prev, changed };
  const state: StoreState = {
    revision: prev.revision + 1,
    services,
    endpointSlices,
    endpoints,
    pods,
    ingresses,
    serviceExports,
    ingressClasses,
    secrets,
    gateways,
    httpRoutes,
    errors: sameErr ? prev.errors : errors,
  };
  return { state, changed };
}
