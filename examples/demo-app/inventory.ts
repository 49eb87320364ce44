// inventory: a gRPC server (inventory.Inventory/Check) on PORT, answering how many of an item are in stock, which
// pod answered and who called: {item, in_stock, served_by: POD_NAME, ip: POD_IP, node: NODE_NAME, caller}, where
// `caller` is the first `x-forwarded-for` entry of the metadata (the sidecar adds it), else the gRPC peer `ip:port`.
// Traced: a SERVER span per call, parent from the `traceparent` metadata.
//   PORT=50051 POD_NAME=inventory-0 node --import tsx examples/demo-app/inventory.ts
import * as grpc from '@grpc/grpc-js';
import { EnvReader, runIfMain, type Env, type RunningApp } from './config.js';
import { CHECK_METHOD, inventoryService, metadataCarrier, type CheckReply, type CheckRequest } from './inventory-proto.js';
import { firstForwardedFor, stripPeerScheme } from './peer.js';
import { AppTelemetry } from './telemetry.js';

/** A stable stock figure per item, so the demo's answers are predictable. */
export function stockOf(item: string): number {
  let sum = 0;
  for (const ch of item) sum = (sum * 31 + (ch.codePointAt(0) ?? 0)) % 97;
  return sum;
}

export async function startInventory(env: Env): Promise<RunningApp> {
  const reader = new EnvReader(env);
  const config = reader.common(50051);
  reader.done();
  const telemetry = AppTelemetry.fromEnv(env, 'inventory');
  const server = new grpc.Server();
  server.addService(inventoryService(), {
    Check: (call: grpc.ServerUnaryCall<CheckRequest, CheckReply>, callback: grpc.sendUnaryData<CheckReply>) => {
      const span = telemetry.serverSpan(CHECK_METHOD, metadataCarrier(call.metadata), {
        'rpc.system': 'grpc',
        'rpc.service': 'inventory.Inventory',
        'rpc.method': 'Check',
        'network.peer.address': call.getPeer(),
      });
      const item = call.request.item;
      span.setAttribute('rpc.grpc.status_code', 0);
      telemetry.end(span);
      const forwarded = call.metadata.get('x-forwarded-for').filter((v): v is string => typeof v === 'string');
      const caller = firstForwardedFor(forwarded) ?? stripPeerScheme(call.getPeer());
      callback(null, { item, in_stock: stockOf(item), served_by: config.podName, ip: config.podIp, node: config.nodeName, caller });
    },
  });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${config.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    flush: () => telemetry.flush(),
    close: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await telemetry.shutdown();
    },
  };
}

runIfMain(import.meta.url, 'inventory', startInventory);
