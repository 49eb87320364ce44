// LDS for proxyless gRPC clients (@grpc/grpc-js-xds, grpc-go...): a client dialling `xds:///<host>:<port>`
// subscribes to the Listener named exactly `<host>:<port>` and expects an API listener in it (gRFC A27).
import type { XdsResource } from '../../xds/resource.js';
import { LISTENER } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import type { PackedAny } from './filters.js';

/**
 * `Listener{name, api_listener: {api_listener: Any(HttpConnectionManager)}}` and nothing else: grpc-js-xds
 * rejects listener_filters and use_original_dst on it and wants the HCM type URL in the Any
 * (src/xds-resource-type/listener-resource-type.ts, validateResource). The HCM is the port's shared one (RDS
 * `<fqdn>:<port>`, router last), packed once for every name of the port.
 */
export function apiListener(name: string, hcm: PackedAny): XdsResource {
  return resource(LISTENER, name, { name, api_listener: { api_listener: hcm } });
}
