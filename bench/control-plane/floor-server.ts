// The transport floor: the least an ADS server on @grpc/grpc-js can do to get one endpoint change to N ADS
// streams (delta or state-of-the-world). No model, no translation, no diffing, no per-stream state beyond the stream itself: it holds the
// ClusterLoadAssignment bytes it is given (the control plane's own encoding) and, on a trigger, writes one
// (Delta)DiscoveryResponse — one buffer per protocol, shared by every stream — to each stream, then counts ACKs.
//
// Run as a child process (fork) of bench/control-plane/main.ts, which talks to it over IPC:
//   → { cmd: 'push', name, hash, cla (base64) }     ← { event: 'acked', ms }  (all streams ACKed, child clock)
//   ← { event: 'ready', port }                        → { cmd: 'stop' }
// It answers each type's first request with an empty response, so a client sees the same "initial sync".
import { Server, ServerCredentials, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { CLUSTER_LOAD_ASSIGNMENT } from '../../xds/type-urls.js';

interface Request {
  readonly typeUrl: string;
  readonly nonce: string;
}

/** Reads type_url and response_nonce, nothing else (DeltaDiscoveryRequest: 2 and 6; DiscoveryRequest: 4 and 5). */
function requestDecoder(typeTag: number, nonceTag: number): (buf: Buffer) => Request {
  return (buf) => {
    const r = protobuf.Reader.create(buf);
    let typeUrl = '';
    let nonce = '';
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === typeTag) typeUrl = r.string();
      else if (tag === nonceTag) nonce = r.string();
      else r.skipType(tag & 7);
    }
    return { typeUrl, nonce };
  };
}

const identity = (b: Buffer): Buffer => b;
const method = (name: string, decode: (b: Buffer) => Request) => ({
  path: `/envoy.service.discovery.v3.AggregatedDiscoveryService/${name}`,
  requestStream: true,
  responseStream: true,
  requestSerialize: identity,
  requestDeserialize: decode,
  responseSerialize: identity,
  responseDeserialize: identity,
});
const ADS: ServiceDefinition = {
  DeltaAggregatedResources: method('DeltaAggregatedResources', requestDecoder(0x12, 0x32)),
  StreamAggregatedResources: method('StreamAggregatedResources', requestDecoder(0x22, 0x2a)),
};

interface Payload {
  readonly name: string;
  readonly hash: string;
  readonly value: Uint8Array;
}

/** DeltaDiscoveryResponse{system_version_info=1, resources=2 [Resource{version=1, resource=2 Any, name=3}], type_url=4, nonce=5}. */
function encodeDelta(version: string, typeUrl: string, nonce: string, resource?: Payload): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(0x0a).string(version);
  if (resource) {
    w.uint32(0x12).fork();
    w.uint32(0x0a).string(resource.hash);
    w.uint32(0x12).fork().uint32(0x0a).string(typeUrl).uint32(0x12).bytes(resource.value).ldelim();
    w.uint32(0x1a).string(resource.name);
    w.ldelim();
  }
  w.uint32(0x22).string(typeUrl).uint32(0x2a).string(nonce);
  return Buffer.from(w.finish());
}

/** DiscoveryResponse{version_info=1, resources=2 (Any), type_url=4, nonce=5}. */
function encodeSotw(version: string, typeUrl: string, nonce: string, resource?: Payload): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(0x0a).string(version);
  if (resource) w.uint32(0x12).fork().uint32(0x0a).string(typeUrl).uint32(0x12).bytes(resource.value).ldelim();
  w.uint32(0x22).string(typeUrl).uint32(0x2a).string(nonce);
  return Buffer.from(w.finish());
}

type Encode = typeof encodeDelta;
const streams = new Map<ServerDuplexStream<Request, Buffer>, Encode>();
let round = 0;
let nonce = '';
let pending = 0;
let pushedAt = 0;

const onStream = (encode: Encode) => (call: ServerDuplexStream<Request, Buffer>): void => {
  streams.set(call, encode);
  const answered = new Set<string>();
  call.on('data', (req: Request) => {
    if (req.nonce !== '' && req.nonce === nonce && req.typeUrl === CLUSTER_LOAD_ASSIGNMENT) {
      if (--pending === 0) process.send?.({ event: 'acked', ms: performance.now() - pushedAt });
      return;
    }
    if (req.nonce === '' && !answered.has(req.typeUrl)) {
      answered.add(req.typeUrl);
      call.write(encode('0', req.typeUrl, `i${answered.size}`));
    }
  });
  const drop = (): void => void streams.delete(call);
  call.on('cancelled', drop);
  call.on('error', drop);
  call.on('close', drop);
  call.on('end', () => {
    drop();
    call.end();
  });
};

/** One response per protocol, shared by every stream (nonces need only be unique within a stream). */
function push(name: string, hash: string, cla: Buffer): void {
  round++;
  nonce = `p${round}`;
  pending = streams.size;
  pushedAt = performance.now();
  const payload = { name, hash, value: cla };
  const delta = encodeDelta(`v${round}`, CLUSTER_LOAD_ASSIGNMENT, nonce, payload);
  const sotw = encodeSotw(`v${round}`, CLUSTER_LOAD_ASSIGNMENT, nonce, payload);
  for (const [call, encode] of streams) call.write(encode === encodeDelta ? delta : sotw);
}

const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': -1 });
server.addService(ADS, { DeltaAggregatedResources: onStream(encodeDelta), StreamAggregatedResources: onStream(encodeSotw) });
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.send?.({ event: 'ready', port });
});

process.on('message', (msg: { cmd: string; name?: string; hash?: string; cla?: string }) => {
  if (msg.cmd === 'push') push(msg.name ?? '', msg.hash ?? '', Buffer.from(msg.cla ?? '', 'base64'));
  else if (msg.cmd === 'stop') {
    server.forceShutdown();
    process.exit(0);
  }
});
// The parent going away (IPC closed) ends the floor too.
process.on('disconnect', () => process.exit(0));
