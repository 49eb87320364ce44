// Loads the real Envoy xDS v3 protos (shipped in @grpc/grpc-js-xds `deps/`) and meshlet's own `meshlet.v1`
// protos into one protobufjs Root, once per process. Everything that encodes or decodes xDS goes through here.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** The proto files meshlet uses; their imports are resolved from the include directories. */
const ENTRY_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'meshlet/v1/name_table.proto',
];

function includeDirs(): string[] {
  const xdsPkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const protobufPkg = path.dirname(require.resolve('protobufjs/package.json'));
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Our own protos live beside this file in the source tree; `dist/` has no .proto files, so look in both.
  const ownProtos = [path.join(here, 'proto'), path.resolve(here, '../../xds/proto')];
  return [
    ...ownProtos,
    ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(xdsPkg, 'deps', d)),
    protobufPkg, // google/protobuf/descriptor.proto and friends
  ];
}

let cached: protobuf.Root | undefined;

/** The process-wide root with every xDS and meshlet type, field names as in the .proto files (snake_case). */
export function protoRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = includeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => {
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target; // protobufjs knows the common google/protobuf types without a file
  };
  root.loadSync(ENTRY_FILES, { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

/** The message type for a fully qualified name such as `envoy.config.listener.v3.Listener`. */
const types = new Map<string, protobuf.Type>();

export function messageType(fullName: string): protobuf.Type {
  // Namespace.lookup walks the whole tree each time; resources are encoded by the ten thousand, so remember.
  let type = types.get(fullName);
  if (!type) {
    type = protoRoot().lookupType(fullName);
    types.set(fullName, type);
  }
  return type;
}

/** Options for turning decoded messages into plain objects: the shape every decoder in meshlet reads. */
export const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: true,
};
