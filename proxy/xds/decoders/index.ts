// The decoder of each served type URL (one module per resource type, as grpc-js-xds's xds-resource-type/), and
// the name each decoded resource carries, which must equal the name it was delivered under.
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, NAME_TABLE, ROUTE_CONFIGURATION, type ServedTypeUrl } from '../../../xds/type-urls.js';
import type { Decoded, NameTable, ProxyAssignment, ProxyCluster, ProxyListener, ProxyRouteConfig } from '../types.js';
import { decodeCluster } from './cluster.js';
import { decodeClusterLoadAssignment } from './endpoint.js';
import { decodeListener } from './listener.js';
import { decodeNameTable } from './name-table.js';
import { decodeRouteConfiguration } from './route.js';

export { decodeCluster, decodeClusterLoadAssignment, decodeListener, decodeNameTable, decodeRouteConfiguration };

/** The domain type of each type URL. */
export interface DecodedByType {
  [LISTENER]: ProxyListener;
  [ROUTE_CONFIGURATION]: ProxyRouteConfig;
  [CLUSTER]: ProxyCluster;
  [CLUSTER_LOAD_ASSIGNMENT]: ProxyAssignment;
  [NAME_TABLE]: NameTable;
}

export type AnyDecoded = DecodedByType[ServedTypeUrl];

export interface ResourceDecoder<T> {
  decode(bytes: Uint8Array): Decoded<T>;
  /** The resource's own name (`name`, `cluster_name`, or the NameTable's cluster domain). */
  nameOf(value: T): string;
}

export const DECODERS: { readonly [K in ServedTypeUrl]: ResourceDecoder<DecodedByType[K]> } = {
  [LISTENER]: { decode: decodeListener, nameOf: (l) => l.name },
  [ROUTE_CONFIGURATION]: { decode: decodeRouteConfiguration, nameOf: (r) => r.name },
  [CLUSTER]: { decode: decodeCluster, nameOf: (c) => c.name },
  [CLUSTER_LOAD_ASSIGNMENT]: { decode: decodeClusterLoadAssignment, nameOf: (a) => a.clusterName },
  [NAME_TABLE]: { decode: decodeNameTable, nameOf: (t) => t.clusterDomain },
};

/** Decodes one resource of `typeUrl` (widened for callers that hold the type URL as a value). */
export function decodeResource(typeUrl: ServedTypeUrl, bytes: Uint8Array): { result: Decoded<AnyDecoded>; nameOf: (v: AnyDecoded) => string } {
  const decoder = DECODERS[typeUrl] as ResourceDecoder<AnyDecoded>;
  return { result: decoder.decode(bytes), nameOf: decoder.nameOf };
}
