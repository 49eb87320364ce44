// Domain types of the control plane. Sources parse Kubernetes YAML into these (validated, with every error
// collected); the model joins them into an immutable MeshSnapshot; translation reads only the snapshot.
// Field names follow the Kubernetes API so that knowledge transfers.

/** Where an object came from, for error messages: `file` and the 0-based YAML document (or List item) index. */
export interface ObjectOrigin {
  readonly file: string;
  readonly document: number;
  /** The index in `items` when the object came from a `kind: List` document; undefined otherwise. */
  readonly item?: number;
}

export interface ObjectMeta {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** RFC 3339 text, or '' when absent; orders ClusterIP claims so that older Services win. */
  readonly creationTimestamp: string;
  readonly origin: ObjectOrigin;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

// ---- v1 Service -------------------------------------------------------------------------------------------

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePort {
  /** '' when the Service has a single unnamed port (Kubernetes allows that only for one port). */
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** A port number or a container port name; defaults to `port`. */
  readonly targetPort: number | string;
  readonly appProtocol?: string;
  readonly nodePort?: number;
}

export interface Service {
  readonly kind: 'Service';
  readonly meta: ObjectMeta;
  readonly type: ServiceType;
  /** spec.clusterIP as written: an address, 'None' (headless), or undefined (to be allocated). */
  readonly clusterIP?: string;
  readonly ports: readonly ServicePort[];
  /** undefined: no selector, endpoints are managed by hand (EndpointSlices / Endpoints). */
  readonly selector?: Readonly<Record<string, string>>;
  readonly externalName?: string;
  /** status.loadBalancer.ingress[].ip and spec.loadBalancerIP, when set. */
  readonly loadBalancerIPs: readonly string[];
  readonly publishNotReadyAddresses: boolean;
  /**
   * Resilience and balancing settings from the Service's `meshlet.io/*` annotations (docs/annotations.md), for
   * all its ports; undefined when none is set, and then translation is exactly as without annotations.
   */
  readonly policy?: ServicePolicy;
}

/** The load-balancing policies a Service may ask for (Envoy's Cluster.LbPolicy names). */
export type LbPolicyName = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV';

/** What a hashing balancer keys a request on (`meshlet.io/hash-on`), in order: the first that yields wins. */
export type HashOn =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'source-ip' };

/**
 * One optional field per annotation, each validated on its own: a bad value is reported and leaves only its own
 * setting at the default. Durations are whole milliseconds.
 */
export interface ServicePolicy {
  readonly lbPolicy?: LbPolicyName;
  /** Only set together with lbPolicy RING_HASH or MAGLEV. */
  readonly hashOn?: readonly HashOn[];
  readonly connectTimeoutMs?: number;
  /** The route timeout; 0 disables it. */
  readonly timeoutMs?: number;
  readonly perTryTimeoutMs?: number;
  /** num_retries; 0 means no retry policy at all. */
  readonly retries?: number;
  readonly retryOn?: readonly string[];
  readonly retryStatusCodes?: readonly number[];
  readonly outlierConsecutive5xx?: number;
  readonly outlierConsecutiveGatewayErrors?: number;
  readonly outlierIntervalMs?: number;
  readonly outlierBaseEjectionTimeMs?: number;
  readonly outlierMaxEjectionPercent?: number;
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly retryBudgetPercent?: number;
}

// ---- discovery.k8s.io/v1 EndpointSlice (and v1 Endpoints / Pods, converted to this shape) --------------------

export interface EndpointPort {
  /** Matches the Service port of the same name ('' for an unnamed port). */
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly appProtocol?: string;
}

export interface EndpointTargetRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  /** conditions.ready; absent in YAML means ready (EndpointSlice API: "nil should be interpreted as true"). */
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly zone?: string;
  readonly targetRef?: EndpointTargetRef;
}

export interface EndpointSlice {
  readonly kind: 'EndpointSlice';
  readonly meta: ObjectMeta;
  /** The owning Service, from the `kubernetes.io/service-name` label. */
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports: readonly EndpointPort[];
  readonly endpoints: readonly Endpoint[];
}

/** v1 Endpoints, kept in its own kind so that errors name it; the model reads it as slices. */
export interface Endpoints {
  readonly kind: 'Endpoints';
  readonly meta: ObjectMeta;
  readonly slices: readonly EndpointSlice[];
}

// ---- v1 Pod -------------------------------------------------------------------------------------------------

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface Pod {
  readonly kind: 'Pod';
  readonly meta: ObjectMeta;
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly containerPorts: readonly ContainerPort[];
  /** status.podIP / status.podIPs; empty until the pod has an address. */
  readonly podIPs: readonly string[];
  readonly phase: string;
  /** The Ready condition is True. */
  readonly ready: boolean;
  readonly deleting: boolean;
  /** Load-balancing weight from the `meshlet.io/weight` annotation (validated 1-10000); undefined means 1. */
  readonly weight?: number;
}

// ---- networking.k8s.io/v1 Ingress (extensions/v1beta1 and networking.k8s.io/v1beta1 normalised to v1) --------

export interface IngressServiceBackend {
  readonly name: string;
  /** Exactly one of number and name. */
  readonly port: { readonly number?: number; readonly name?: string };
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface IngressPath {
  /** '' when absent (v1beta1 allows that; it means "/" with Prefix semantics). */
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: IngressServiceBackend;
}

export interface IngressRule {
  /** '' for all hosts; may be a `*.example.com` wildcard. */
  readonly host: string;
  readonly paths: readonly IngressPath[];
}

export interface IngressTLS {
  readonly hosts: readonly string[];
  readonly secretName?: string;
}

export interface Ingress {
  readonly kind: 'Ingress';
  readonly meta: ObjectMeta;
  /** The apiVersion it was written in, kept for status and admin output. */
  readonly apiVersion: string;
  readonly ingressClassName?: string;
  readonly defaultBackend?: IngressServiceBackend;
  readonly rules: readonly IngressRule[];
  readonly tls: readonly IngressTLS[];
}

// ---- networking.k8s.io/v1 IngressClass ----------------------------------------------------------------------------

/** The controller name meshlet answers for (IngressClass spec.controller). */
export const MESHLET_INGRESS_CONTROLLER = 'meshlet.io/ingress-controller';

export interface IngressClass {
  readonly kind: 'IngressClass';
  readonly meta: ObjectMeta;
  readonly controller: string;
  /** The annotation `ingressclass.kubernetes.io/is-default-class: "true"`. */
  readonly isDefault: boolean;
}

// ---- v1 Secret of type kubernetes.io/tls ------------------------------------------------------------------------

export interface TlsSecret {
  readonly kind: 'Secret';
  readonly meta: ObjectMeta;
  /** PEM: data["tls.crt"] (leaf first, then intermediates) and data["tls.key"], decoded and checked to parse. */
  readonly certificateChain: string;
  readonly privateKey: string;
  /** The leaf's DNS names (subjectAltName, else the CN), for admin output and SNI defaults. */
  readonly dnsNames: readonly string[];
}

// ---- gateway.networking.k8s.io/v1 Gateway and HTTPRoute ---------------------------------------------------------

export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface GatewayListener {
  readonly name: string;
  /** Absent: every host. May be a `*.example.com` wildcard. */
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** HTTPS listeners terminate TLS with these Secrets (namespace defaults to the Gateway's). */
  readonly certificateRefs: readonly ObjectRef[];
  /** allowedRoutes.namespaces.from (default Same). */
  readonly allowedRoutesFrom: 'Same' | 'All';
}

export interface Gateway {
  readonly kind: 'Gateway';
  readonly meta: ObjectMeta;
  readonly gatewayClassName: string;
  readonly listeners: readonly GatewayListener[];
}

export interface HTTPPathMatch {
  readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  readonly value: string;
}

export interface HTTPValueMatch {
  readonly type: 'Exact' | 'RegularExpression';
  /** Header names are lower-cased; query parameter names are kept as written (they are case-sensitive). */
  readonly name: string;
  readonly value: string;
}

export interface HTTPRouteMatch {
  /** Default PathPrefix "/". */
  readonly path: HTTPPathMatch;
  readonly headers: readonly HTTPValueMatch[];
  readonly queryParams: readonly HTTPValueMatch[];
  /** Upper-case HTTP method, when matched on. */
  readonly method?: string;
}

export interface HTTPHeader {
  readonly name: string;
  readonly value: string;
}

export type HTTPRouteFilter =
  | { readonly type: 'RequestHeaderModifier'; readonly set: readonly HTTPHeader[]; readonly add: readonly HTTPHeader[]; readonly remove: readonly string[] }
  | {
      readonly type: 'RequestRedirect';
      readonly scheme?: 'http' | 'https';
      readonly hostname?: string;
      readonly port?: number;
      /** ReplaceFullPath value (ReplacePrefixMatch is not supported: reported as a config error). */
      readonly path?: string;
      /** 301 or 302 (default 302). */
      readonly statusCode: 301 | 302;
    };

export interface HTTPBackendRef {
  /** A Service; namespace defaults to the route's. */
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  /** Default 1; 0 takes no traffic. */
  readonly weight: number;
}

export interface HTTPRouteRule {
  /** At least one: an absent `matches` is one match of PathPrefix "/". */
  readonly matches: readonly HTTPRouteMatch[];
  readonly filters: readonly HTTPRouteFilter[];
  readonly backendRefs: readonly HTTPBackendRef[];
}

export interface ParentRef {
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface HTTPRoute {
  readonly kind: 'HTTPRoute';
  readonly meta: ObjectMeta;
  readonly parentRefs: readonly ParentRef[];
  /** Lower-case; may hold `*.example.com` wildcards; empty: every host the parent listener allows. */
  readonly hostnames: readonly string[];
  readonly rules: readonly HTTPRouteRule[];
}

// ---- multicluster.x-k8s.io/v1alpha1 ServiceExport (KEP-1645) -----------------------------------------------------

export interface ServiceExport {
  readonly kind: 'ServiceExport';
  readonly meta: ObjectMeta;
}

export type KubeObject = Service | EndpointSlice | Endpoints | Pod | Ingress | ServiceExport | IngressClass | TlsSecret | Gateway | HTTPRoute;
export type KubeKind = KubeObject['kind'];

// ---- The model: what translation reads ---------------------------------------------------------------------------

/** One backend address for one Service port, after joining slices/Endpoints/Pods with the Service. */
export interface BackendEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly zone?: string;
  /** `namespace/name` of the Pod behind it, when known. */
  readonly pod?: string;
  /** Load-balancing weight (EndpointSlice has none; Pods may say so with `meshlet.io/weight`). Default 1. */
  readonly weight: number;
}

export interface ResolvedPort {
  readonly port: ServicePort;
  readonly endpoints: readonly BackendEndpoint[];
}

/**
 * A Service joined with its endpoints and its ClusterIP. Unchanged services keep their object identity from one
 * snapshot to the next, so translation can memoise per service (WeakMap keyed by this object).
 */
export interface ResolvedService {
  readonly service: Service;
  /** `<name>.<namespace>.svc.<clusterDomain>` */
  readonly fqdn: string;
  /** The allocated or declared ClusterIP; undefined for headless and ExternalName services. */
  readonly clusterIP?: string;
  readonly headless: boolean;
  readonly ports: readonly ResolvedPort[];
  readonly exported: boolean;
}

/**
 * Istio's MeshConfig.outboundTrafficPolicy.mode: what a sidecar does with a connection to a destination the
 * mesh does not know — pass it through (ALLOW_ANY, the default) or refuse it (REGISTRY_ONLY).
 */
export type OutboundTrafficPolicy = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface MeshSnapshot {
  /** Increases by one for every snapshot the model publishes. */
  readonly generation: number;
  readonly clusterDomain: string;
  readonly clusterId: string;
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  /** Sorted by namespace, then name. */
  readonly services: readonly ResolvedService[];
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  /** kubernetes.io/tls Secrets (other Secret types are not read). */
  readonly secrets: readonly TlsSecret[];
  readonly gateways: readonly Gateway[];
  readonly httpRoutes: readonly HTTPRoute[];
  readonly pods: readonly Pod[];
  /** Every namespace that holds at least one object. */
  readonly namespaces: readonly string[];
}

/** A problem with one object (or a whole file), reported with file, object and field. */
export interface ConfigError {
  readonly file: string;
  /** `Kind namespace/name`, or '' when the document could not be read far enough to know. */
  readonly object: string;
  /** Dotted path with indices, e.g. `spec.ports[0].port`; '' for file-level errors. */
  readonly field: string;
  readonly message: string;
  /** A stable code from common/errors.ts. */
  readonly code: string;
  /** 1-based line in `file` of the field (or of the YAML syntax error), when known. */
  readonly line?: number;
}
