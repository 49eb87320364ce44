// Packing filter configs into `Any`, remembering which body each packed Any was made from. The consistency
// check reads references out of filters' typed_config; with this it reads the verified body that was encoded
// instead of decoding the bytes again (ten thousand listeners, checked on every snapshot).
import { packed } from './encode.js';

export type PackedAny = ReturnType<typeof packed>;

const bodies = new WeakMap<PackedAny, Readonly<Record<string, unknown>>>();

export function pack(typeUrl: string, body: Record<string, unknown>): PackedAny {
  const any = packed(typeUrl, body);
  bodies.set(any, body);
  return any;
}

/** The body `any` was packed from, if it was packed here. */
export function packedBody(any: object): Readonly<Record<string, unknown>> | undefined {
  return bodies.get(any as PackedAny);
}
