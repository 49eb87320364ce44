// meshlet's error catalogue: every error a user can see has a stable code, and the mapping to HTTP status,
// gRPC status and DNS rcode lives here and nowhere else.

export const ErrorCode = {
  /** A file is not valid YAML, or a document is not an object. */
  INVALID_YAML: 'MESHLET_ERR_INVALID_YAML',
  /** A Kubernetes object breaks a rule of its schema (a field's type, range or format). */
  INVALID_OBJECT: 'MESHLET_ERR_INVALID_OBJECT',
  /** An object refers to one that does not exist (an EndpointSlice for an unknown Service). */
  UNKNOWN_REFERENCE: 'MESHLET_ERR_UNKNOWN_REFERENCE',
  /** Two objects claim the same unique thing (a ClusterIP, a nodePort). */
  CONFLICT: 'MESHLET_ERR_CONFLICT',
  /** The service CIDR has no free address left. */
  ALLOCATION_EXHAUSTED: 'MESHLET_ERR_ALLOCATION_EXHAUSTED',
  /** A command-line flag or environment variable has a bad value. */
  INVALID_FLAG: 'MESHLET_ERR_INVALID_FLAG',
  /** An xDS request is malformed (unknown type URL, bad node, resource names that cannot be served). */
  INVALID_XDS_REQUEST: 'MESHLET_ERR_INVALID_XDS_REQUEST',
  /** A translated snapshot fails its consistency check (a route names a cluster that does not exist). */
  INCONSISTENT_SNAPSHOT: 'MESHLET_ERR_INCONSISTENT_SNAPSHOT',
  /** Traffic capture (iptables in the pod's network namespace) could not be set up or removed. */
  CAPTURE_FAILED: 'MESHLET_ERR_CAPTURE_FAILED',
  /** Something meshlet itself got wrong. */
  INTERNAL: 'MESHLET_ERR_INTERNAL',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export class MeshletError extends Error {
  readonly code: ErrorCodeValue;
  constructor(code: ErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MeshletError';
    this.code = code;
  }
}

/** gRPC status codes (grpc/doc/statuscodes.md) for errors surfaced on an xDS stream. */
const GRPC_STATUS: Readonly<Record<ErrorCodeValue, number>> = {
  MESHLET_ERR_INVALID_YAML: 3, // INVALID_ARGUMENT
  MESHLET_ERR_INVALID_OBJECT: 3,
  MESHLET_ERR_UNKNOWN_REFERENCE: 5, // NOT_FOUND
  MESHLET_ERR_CONFLICT: 6, // ALREADY_EXISTS
  MESHLET_ERR_ALLOCATION_EXHAUSTED: 8, // RESOURCE_EXHAUSTED
  MESHLET_ERR_INVALID_FLAG: 3,
  MESHLET_ERR_INVALID_XDS_REQUEST: 3,
  MESHLET_ERR_INCONSISTENT_SNAPSHOT: 9, // FAILED_PRECONDITION
  MESHLET_ERR_CAPTURE_FAILED: 9,
  MESHLET_ERR_INTERNAL: 13, // INTERNAL
};

/** HTTP status for errors shown on admin endpoints. */
const HTTP_STATUS: Readonly<Record<ErrorCodeValue, number>> = {
  MESHLET_ERR_INVALID_YAML: 400,
  MESHLET_ERR_INVALID_OBJECT: 400,
  MESHLET_ERR_UNKNOWN_REFERENCE: 404,
  MESHLET_ERR_CONFLICT: 409,
  MESHLET_ERR_ALLOCATION_EXHAUSTED: 507,
  MESHLET_ERR_INVALID_FLAG: 400,
  MESHLET_ERR_INVALID_XDS_REQUEST: 400,
  MESHLET_ERR_INCONSISTENT_SNAPSHOT: 500,
  MESHLET_ERR_CAPTURE_FAILED: 500,
  MESHLET_ERR_INTERNAL: 500,
};

export function grpcStatusOf(code: ErrorCodeValue): number {
  return GRPC_STATUS[code];
}

export function httpStatusOf(code: ErrorCodeValue): number {
  return HTTP_STATUS[code];
}
