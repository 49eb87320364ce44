// A traced-free, minimal gRPC greeter server and client stub loader for the proxyless gRPC demo and tests.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helloworld.proto');
// When running from dist/, the .proto stays in the source tree.
const PROTO_PATHS = [PROTO, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/proxyless/helloworld.proto')];

export interface HelloReply {
  message: string;
  served_by: string;
}

type SayHello = (
  request: { name: string },
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, reply?: HelloReply) => void,
) => grpc.ClientUnaryCall;

export interface GreeterClient extends grpc.Client {
  SayHello: SayHello;
}

type GreeterConstructor = new (target: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => GreeterClient;

interface GreeterPackage {
  Greeter: GreeterConstructor & { service: grpc.ServiceDefinition };
}

function loadGreeter(): GreeterPackage {
  const file = PROTO_PATHS.find((p) => {
    try {
      return protoLoader.loadSync(p) !== undefined;
    } catch {
      return false;
    }
  });
  if (!file) throw new Error(`helloworld.proto not found (looked in ${PROTO_PATHS.join(', ')})`);
  const def = protoLoader.loadSync(file, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { helloworld: GreeterPackage };
  return pkg.helloworld;
}

let greeter: GreeterPackage | undefined;
function greeterPackage(): GreeterPackage {
  greeter ??= loadGreeter();
  return greeter;
}

export function createGreeterClient(target: string, options: grpc.ChannelOptions = {}): GreeterClient {
  return new (greeterPackage().Greeter)(target, grpc.credentials.createInsecure(), options);
}

export function sayHello(client: GreeterClient, name: string, deadlineMs = 5000): Promise<HelloReply> {
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline: Date.now() + deadlineMs }, (err, reply) => {
      if (err || !reply) reject(err ?? new Error('empty reply'));
      else resolve(reply);
    });
  });
}

export interface GreeterServer {
  readonly address: string;
  calls: number;
  close(): Promise<void>;
}

/** Starts a greeter on `host:port` that answers with its own address in `served_by`. */
export async function startGreeterServer(host: string, port: number): Promise<GreeterServer> {
  const server = new grpc.Server();
  const address = `${host}:${port}`;
  const state: GreeterServer = {
    address,
    calls: 0,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
  server.addService(greeterPackage().Greeter.service, {
    SayHello: (call: grpc.ServerUnaryCall<{ name: string }, HelloReply>, cb: grpc.sendUnaryData<HelloReply>) => {
      state.calls++;
      cb(null, { message: `Hello ${call.request.name}`, served_by: address });
    },
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return state;
}
