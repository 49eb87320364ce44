// The client side of the ADS wire: DiscoveryRequest / DeltaDiscoveryRequest built from plain objects and
// encoded with protobufjs, responses decoded into small typed shapes. Resources stay as `Any` bytes here; the
// validating decoders (decoders/) read them.
import type { MethodDefinition } from '@grpc/grpc-js';
import { messageType, TO_OBJECT } from '../../xds/protos.js';
import { isObj, list, str, type Obj } from './decoders/read.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

/** What identifies the sidecar to the control plane (control-plane/server/node-info.ts reads it). */
export interface NodeIdentity {
  readonly id: string;
  /** Envoy's service cluster; optional. */
  readonly cluster?: string;
  /** Node metadata, sent as Struct string values: ROLE, NAMESPACE, INSTANCE_IPS... */
  readonly metadata: Readonly<Record<string, string>>;
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
}

/** The `Node` in protobufjs object form. protobufjs defines google.protobuf.Struct itself, in camelCase. */
export function nodeObject(node: NodeIdentity): Obj {
  const fields = Object.fromEntries(Object.entries(node.metadata).map(([k, v]) => [k, { stringValue: v }]));
  const loc = node.locality ?? {};
  return {
    id: node.id,
    ...(node.cluster !== undefined && { cluster: node.cluster }),
    metadata: { fields },
    locality: { region: loc.region ?? '', zone: loc.zone ?? '', sub_zone: loc.subZone ?? '' },
    user_agent_name: 'meshlet-sidecar',
  };
}

/** One resource of a response: its name (delta: from Resource.name), version (delta only) and Any. */
export interface WireResource {
  readonly name: string;
  readonly version: string;
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

/** A DiscoveryResponse or DeltaDiscoveryResponse, reduced to what the client needs. */
export interface WireResponse {
  /** version_info (SotW) or system_version_info (delta). */
  readonly version: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly WireResource[];
  /** Delta only: removed_resources. */
  readonly removed: readonly string[];
}

function anyOf(v: unknown): { typeUrl: string; value: Uint8Array } {
  const a = isObj(v) ? v : {};
  return { typeUrl: str(a['type_url']), value: a['value'] instanceof Uint8Array ? a['value'] : new Uint8Array() };
}

function decodeSotwResponse(buf: Buffer): WireResponse {
  const type = messageType('envoy.service.discovery.v3.DiscoveryResponse');
  const r = type.toObject(type.decode(buf), TO_OBJECT);
  const resources = list(r['resources']).map((a) => ({ name: '', version: '', ...anyOf(a) }));
  return { version: str(r['version_info']), typeUrl: str(r['type_url']), nonce: str(r['nonce']), resources, removed: [] };
}

function decodeDeltaResponse(buf: Buffer): WireResponse {
  const type = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const r = type.toObject(type.decode(buf), TO_OBJECT);
  const resources = list(r['resources']).map((v) => {
    const res = isObj(v) ? v : {};
    return { name: str(res['name']), version: str(res['version']), ...anyOf(res['resource']) };
  });
  const removed = list(r['removed_resources']).filter((s): s is string => typeof s === 'string');
  return { version: str(r['system_version_info']), typeUrl: str(r['type_url']), nonce: str(r['nonce']), resources, removed };
}

function encoder(fullName: string): (req: Obj) => Buffer {
  return (req) => {
    const type = messageType(fullName);
    return Buffer.from(type.encode(type.fromObject(req)).finish());
  };
}

export type AdsMode = 'delta' | 'sotw';

/** The two bidi methods of AggregatedDiscoveryService, for Client.makeBidiStreamRequest. */
export const ADS_METHODS: Readonly<Record<AdsMode, Pick<MethodDefinition<Obj, WireResponse>, 'path' | 'requestSerialize' | 'responseDeserialize'>>> = {
  sotw: {
    path: `${SERVICE}/StreamAggregatedResources`,
    requestSerialize: encoder('envoy.service.discovery.v3.DiscoveryRequest'),
    responseDeserialize: decodeSotwResponse,
  },
  delta: {
    path: `${SERVICE}/DeltaAggregatedResources`,
    requestSerialize: encoder('envoy.service.discovery.v3.DeltaDiscoveryRequest'),
    responseDeserialize: decodeDeltaResponse,
  },
};

/** google.rpc.Status for error_detail; INVALID_ARGUMENT (3), as Envoy sends for a rejected config. */
export function errorDetail(message: string): Obj {
  return { code: 3, message };
}
