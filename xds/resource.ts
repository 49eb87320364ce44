// An xDS resource as the control plane holds it: the plain proto object, its encoded bytes (the `value` of the
// `Any` it travels in) and a content hash. Resources are immutable and shared by every node that receives them,
// so each is encoded exactly once.
import { createHash } from 'node:crypto';
import { messageType } from './protos.js';
import { messageNameOf, type ServedTypeUrl } from './type-urls.js';

export interface XdsResource {
  readonly typeUrl: ServedTypeUrl;
  readonly name: string;
  /** The message as a plain object with proto field names (snake_case), for config dumps and tests. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Encoded message bytes: `google.protobuf.Any.value`. */
  readonly encoded: Buffer;
  /** Hex digest of `encoded`: the resource's version in delta xDS and the input to per-type versions. */
  readonly hash: string;
}

/** Encodes `body` as the message of `typeUrl`; throws if the body does not fit the proto (a translator bug). */
export function makeResource(typeUrl: ServedTypeUrl, name: string, body: Record<string, unknown>): XdsResource {
  const type = messageType(messageNameOf(typeUrl));
  const problem = type.verify(body);
  if (problem) throw new Error(`${messageNameOf(typeUrl)} ${name}: ${problem}`);
  const encoded = Buffer.from(type.encode(type.fromObject(body)).finish());
  const hash = createHash('sha256').update(encoded).digest('hex').slice(0, 16);
  return Object.freeze({ typeUrl, name, body: Object.freeze(body), encoded, hash });
}

/** Packs a nested message (a filter's `typed_config`) as the object form of `google.protobuf.Any`. */
export function packAny(typeUrl: string, body: Record<string, unknown>): { type_url: string; value: Buffer } {
  const type = messageType(messageNameOf(typeUrl));
  const problem = type.verify(body);
  if (problem) throw new Error(`${messageNameOf(typeUrl)}: ${problem}`);
  return { type_url: typeUrl, value: Buffer.from(type.encode(type.fromObject(body)).finish()) };
}

/** A per-node set of resources by type URL then name: what the translator produces and the cache serves. */
export type ResourceSet = ReadonlyMap<ServedTypeUrl, ReadonlyMap<string, XdsResource>>;
