// Shared parts of the raw ADS test clients: the node, a response queue with typed waits, response decoding
// with a protobufjs Reader (cheap enough for a thousand simulated clients), and the gRPC plumbing.
import { Client, credentials, type ClientDuplexStream, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { messageType, TO_OBJECT } from '../../xds/protos.js';
import { messageNameOf, NAME_TABLE } from '../../xds/type-urls.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

export interface NodeSpec {
  readonly id?: string;
  readonly cluster?: string;
  /** Node metadata as string values (ROLE, NAMESPACE, INSTANCE_IPS...). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string };
  readonly userAgentName?: string;
  readonly userAgentVersion?: string;
}

/** How much of each resource to decode: bodies as plain objects, names only, or nothing. */
export type Decode = 'full' | 'names' | 'none';

export interface ClientOptions {
  /** `host:port` of the ADS server. */
  readonly address: string;
  /** The node sent with the first request; `null` sends none (to test the server's rejection). */
  readonly node: NodeSpec | null;
  readonly decode?: Decode;
  /** ACK every response as it arrives, as a proxy does. */
  readonly autoAck?: boolean;
  /** Keep responses for next()/quiet() (default true; a benchmark that only counts turns it off). */
  readonly keep?: boolean;
  /** Called for every response (benchmarks measure here). */
  readonly onResponse?: (typeUrl: string, version: string, receivedAt: number) => void;
  /** Give this client its own HTTP/2 connection instead of sharing one with other clients. */
  readonly ownConnection?: boolean;
  /** A gRPC client (channel) to open the stream on, shared by many simulated proxies; not closed by close(). */
  readonly channel?: Client;
}

/** A gRPC client (channel) to the ADS server, to share between AdsClients through `channel`. */
export function adsChannel(address: string): Client {
  return new Client(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
}

export interface ReceivedResource {
  readonly name: string;
  /** Delta: the resource version (the server's resource hash). SotW: ''. */
  readonly version: string;
  readonly body: Record<string, unknown> | undefined;
}

/** The Node message in protobufjs object form. Struct values use camelCase: protobufjs defines Struct itself. */
export function nodeMessage(spec: NodeSpec): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(spec.metadata ?? {}).map(([k, v]) => [k, { stringValue: v }]));
  return {
    ...(spec.id !== undefined && { id: spec.id }),
    ...(spec.cluster !== undefined && { cluster: spec.cluster }),
    ...(spec.metadata && { metadata: { fields } }),
    locality: spec.locality ?? {},
    ...(spec.userAgentName !== undefined && { user_agent_name: spec.userAgentName }),
    ...(spec.userAgentVersion !== undefined && { user_agent_version: spec.userAgentVersion }),
  };
}

/** A resource's name without decoding it: field 1 of Listener, Cluster, RouteConfiguration and (cluster_name) ClusterLoadAssignment. */
function readName(typeUrl: string, value: Uint8Array): string {
  if (typeUrl === NAME_TABLE) return '';
  const r = protobuf.Reader.create(value);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) return r.string();
    r.skipType(tag & 7);
  }
  return '';
}

/** Decodes `Any{type_url=1, value=2}` as far as `decode` asks. */
const NOTHING = { typeUrl: '', name: '', body: undefined };

export function decodeAny(bytes: Uint8Array, decode: Decode): { typeUrl: string; name: string; body: Record<string, unknown> | undefined } {
  if (decode === 'none') return NOTHING;
  const r = protobuf.Reader.create(bytes);
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) typeUrl = r.string();
    else if (tag === 0x12) value = r.bytes();
    else r.skipType(tag & 7);
  }
  if (decode === 'names') return { typeUrl, name: readName(typeUrl, value), body: undefined };
  const type = messageType(messageNameOf(typeUrl));
  const body = type.toObject(type.decode(value), TO_OBJECT);
  const name = typeof body['name'] === 'string' ? body['name'] : typeof body['cluster_name'] === 'string' ? body['cluster_name'] : '';
  return { typeUrl, name, body };
}

interface Waiter<T> {
  readonly typeUrl: string | undefined;
  readonly resolve: (v: T) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Responses in arrival order; next(typeUrl) takes the first of that type, waiting for it if needed. */
export class ResponseQueue<T extends { readonly typeUrl: string }> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private error: Error | undefined;

  push(item: T): void {
    const i = this.waiters.findIndex((w) => w.typeUrl === undefined || w.typeUrl === item.typeUrl);
    if (i < 0) return void this.items.push(item);
    const [w] = this.waiters.splice(i, 1);
    clearTimeout(w?.timer);
    w?.resolve(item);
  }

  fail(err: Error): void {
    this.error = err;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  next(typeUrl: string | undefined, timeoutMs: number): Promise<T> {
    const i = this.items.findIndex((it) => typeUrl === undefined || it.typeUrl === typeUrl);
    if (i >= 0) return Promise.resolve(this.items.splice(i, 1)[0] as T);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.findIndex((w) => w.timer === timer);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`no ${typeUrl ?? 'response'} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ typeUrl, resolve, reject, timer });
    });
  }

  /** Waits `ms`, then returns and forgets everything queued. */
  async drainAfter(ms: number): Promise<T[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.items.splice(0);
  }
}

/** A request as an object for protobufjs, or already encoded (the SotW client's fast path). */
export type RawRequest = Record<string, unknown> | Buffer;

/** The gRPC half of a client: one bidi stream, requests encoded with protobufjs, responses by `decodeResponse`. */
export abstract class AdsClientBase<Resp extends { readonly typeUrl: string; readonly nonce: string }> {
  readonly responses = new ResponseQueue<Resp>();
  /** Resolves with the final status of the stream. */
  readonly status: Promise<StatusObject>;
  private readonly call: ClientDuplexStream<RawRequest, Resp>;
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private nodeSent = false;

  protected constructor(protected readonly options: ClientOptions, method: string, requestType: string) {
    this.ownsClient = options.channel === undefined;
    this.client =
      options.channel ??
      new Client(options.address, credentials.createInsecure(), {
        ...(options.ownConnection && { 'grpc.use_local_subchannel_pool': 1 }),
        'grpc.max_receive_message_length': -1,
      });
    const reqType = messageType(requestType);
    this.call = this.client.makeBidiStreamRequest<RawRequest, Resp>(
      `${SERVICE}/${method}`,
      (req) => (Buffer.isBuffer(req) ? req : Buffer.from(reqType.encode(reqType.fromObject(req)).finish())),
      (buf: Buffer) => this.decodeResponse(buf),
    );
    this.status = new Promise((resolve) => this.call.on('status', resolve));
    this.call.on('data', (resp: Resp) => this.received(resp));
    this.call.on('error', (err: ServiceError) => this.responses.fail(err));
  }

  protected abstract decodeResponse(buf: Buffer): Resp;
  /** Bookkeeping of a received response, before it is queued (and ACKed if autoAck). */
  protected abstract onReceived(resp: Resp): void;
  protected abstract autoAckResponse(resp: Resp): void;

  private received(resp: Resp): void {
    this.onReceived(resp);
    if (this.options.keep !== false) this.responses.push(resp);
    this.options.onResponse?.(resp.typeUrl, (resp as { version?: string }).version ?? '', Date.now());
    if (this.options.autoAck) this.autoAckResponse(resp);
  }

  /**
   * Writes a request; the node goes with the first one only (later requests may omit it). An encoded request
   * gets the node as field `nodeTag` prepended (protobuf fields may come in any order).
   */
  protected write(req: RawRequest, nodeField = 'node', nodeTag = 0x12): void {
    if (this.nodeSent || this.options.node === null) {
      this.call.write(req);
      return;
    }
    this.nodeSent = true;
    const node = nodeMessage(this.options.node);
    if (!Buffer.isBuffer(req)) {
      this.call.write({ ...req, [nodeField]: node });
      return;
    }
    const type = messageType('envoy.config.core.v3.Node');
    const field = protobuf.Writer.create().uint32(nodeTag).bytes(type.encode(type.fromObject(node)).finish()).finish();
    this.call.write(Buffer.concat([field, req]));
  }

  /** The next response (of `typeUrl`, if given; others stay queued), or a rejection after `timeoutMs`. */
  next(typeUrl?: string, timeoutMs = 3000): Promise<Resp> {
    return this.responses.next(typeUrl, timeoutMs);
  }

  /** Whatever arrived within `ms` (tests assert it is empty). */
  quiet(ms = 200): Promise<Resp[]> {
    return this.responses.drainAfter(ms);
  }

  /** Cancels the stream and closes the channel (a proxy going away). */
  close(): void {
    this.call.cancel();
    if (this.ownsClient) this.client.close();
  }

  /** Half-closes the stream and waits for the server's status. */
  async end(): Promise<StatusObject> {
    this.call.end();
    const status = await this.status;
    if (this.ownsClient) this.client.close();
    return status;
  }
}
