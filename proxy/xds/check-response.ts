// Validates every resource of one response before anything is applied: the xDS protocol treats a response as a
// unit ("ACK/NACK and resource type instance version"), so a single invalid resource NACKs all of it and the
// client keeps its last good config. Every problem is reported, each with the resource and the field path.
import protobuf from 'protobufjs';
import { isServedTypeUrl, SHORT_NAME, type ServedTypeUrl } from '../../xds/type-urls.js';
import { decodeResource, type AnyDecoded } from './decoders/index.js';
import type { WireResponse } from './wire.js';

export interface AcceptedResource {
  readonly name: string;
  /** Delta: the server's resource version (sent back in initial_resource_versions). SotW: ''. */
  readonly version: string;
  readonly value: AnyDecoded;
}

export type CheckedResponse =
  | { readonly ok: true; readonly typeUrl: ServedTypeUrl; readonly resources: readonly AcceptedResource[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * The name of a resource without decoding it, to label errors of a SotW resource (which carries no name beside
 * it): field 1 is the name of Listener, Cluster and RouteConfiguration, the cluster_name of a
 * ClusterLoadAssignment and the cluster_domain of a NameTable.
 */
function peekName(value: Uint8Array): string {
  try {
    const r = protobuf.Reader.create(value);
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x0a) return r.string();
      r.skipType(tag & 7);
    }
  } catch {
    // Malformed bytes: the decoder reports them.
  }
  return '';
}

export function checkResponse(resp: WireResponse): CheckedResponse {
  const typeUrl = resp.typeUrl;
  if (!isServedTypeUrl(typeUrl)) return { ok: false, errors: [`type_url: "${typeUrl}" was not subscribed`] };
  const short = SHORT_NAME[typeUrl];
  const errors: string[] = [];
  const resources: AcceptedResource[] = [];
  const seen = new Set<string>();
  resp.resources.forEach((r, i) => {
    const label = `${short} ${r.name || peekName(r.value) || `resources[${i}]`}`;
    if (r.typeUrl !== typeUrl) {
      errors.push(`${label}: type_url: "${r.typeUrl}" in a ${short} response`);
      return;
    }
    const { result, nameOf } = decodeResource(typeUrl, r.value);
    if (!result.ok) {
      for (const e of result.errors) errors.push(`${label}: ${e.path}: ${e.message}`);
      return;
    }
    const name = nameOf(result.value);
    // Delta names each resource beside it (Resource.name); it must be the name inside.
    if (r.name !== '' && r.name !== name) errors.push(`${label}: name: the resource is named "${name}"`);
    else if (seen.has(name)) errors.push(`${short} ${name}: listed twice in one response`);
    seen.add(name);
    resources.push({ name, version: r.version, value: result.value });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, typeUrl, resources };
}
