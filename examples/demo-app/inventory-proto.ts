// The Inventory gRPC service from inventory.proto (loaded at run time, like examples/proxyless/greeter.ts), and the
// client call that also says which peer (`ip:port`) the channel's connection went to.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIpPort, stripPeerScheme } from './peer.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// From dist/examples/demo-app the .proto is still in the source tree.
const PROTO_PATHS = [path.join(HERE, 'inventory.proto'), path.resolve(HERE, '../../../examples/demo-app/inventory.proto')];

/** The gRPC method path, also the span name (`$package.$service/$method`). */
export const CHECK_METHOD = 'inventory.Inventory/Check';

export interface CheckRequest {
  item: string;
}

export interface CheckReply {
  item: string;
  in_stock: number;
  /** POD_NAME of the inventory pod that answered. */
  served_by: string;
  /** Its POD_IP and NODE_NAME ('' when run alone). */
  ip: string;
  node: string;
  /** The first `x-forwarded-for` entry of the call's metadata, else the gRPC peer (`ip:port`). */
  caller: string;
}

type Check = (
  request: CheckRequest,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, reply?: CheckReply) => void,
) => grpc.ClientUnaryCall;

export interface InventoryClient extends grpc.Client {
  Check: Check;
}

type InventoryConstructor = (new (target: string, creds: grpc.ChannelCredentials) => InventoryClient) & {
  service: grpc.ServiceDefinition;
};

let loaded: InventoryConstructor | undefined;

function inventory(): InventoryConstructor {
  if (loaded) return loaded;
  const file = PROTO_PATHS.find((p) => existsSync(p));
  if (file === undefined) throw new Error(`inventory.proto not found (looked in ${PROTO_PATHS.join(', ')})`);
  const def = protoLoader.loadSync(file, { keepCase: true, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { inventory: { Inventory: InventoryConstructor } };
  loaded = pkg.inventory.Inventory;
  return loaded;
}

export function inventoryService(): grpc.ServiceDefinition {
  return inventory().service;
}

export function createInventoryClient(target: string): InventoryClient {
  return new (inventory())(target, grpc.credentials.createInsecure());
}

/** Metadata as a text carrier: binary (`-bin`) entries are left out, repeated keys keep the first value. */
export function metadataCarrier(metadata: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export interface CheckResult {
  readonly reply: CheckReply;
  /** The call's peer (`getPeer()` without an `ipv4:`/`ipv6:` scheme), or `fallback` when it names no `ip:port`. */
  readonly via: string;
}

/** Calls Check; `fallback` (the configured address) is the `via` when the call's peer cannot be told. */
export function check(
  client: InventoryClient,
  request: CheckRequest,
  headers: Record<string, string>,
  fallback: string,
  deadlineMs = 3000,
): Promise<CheckResult> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return new Promise((resolve, reject) => {
    const call: grpc.ClientUnaryCall = client.Check(request, metadata, { deadline: Date.now() + deadlineMs }, (err, reply) => {
      if (err || !reply) return reject(err ?? new Error('empty reply'));
      const peer = stripPeerScheme(call.getPeer());
      resolve({ reply, via: isIpPort(peer) ? peer : fallback });
    });
  });
}
