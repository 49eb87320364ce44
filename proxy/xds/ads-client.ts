// The sidecar's ADS client (xDS protocol, "Aggregated Discovery Service"): one gRPC stream carrying CDS, EDS,
// LDS, RDS and meshlet's NameTable, incremental (DeltaAggregatedResources) by default or state of the world
// (StreamAggregatedResources). Every response is validated whole (check-response.ts): valid → applied, ACKed and
// announced as a new ProxyConfig; invalid → NACKed with every error, and the last good config stays. When the
// stream ends the client reopens it with backoff and full jitter; the config it holds keeps serving meanwhile.
// The DNS server uses it too, subscribed to the NameTable only (`types`, `dnsNode`).
//
//   const xds = new AdsClient({ address: '127.0.0.1:15010', node: sidecarNode('pod-a', 'default', ['10.244.1.2']) });
//   xds.on('ready', (config) => ...); xds.on('config', (config) => ...);
//   xds.start(); ... xds.close();
import { EventEmitter } from 'node:events';
import { Client, credentials, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { silentLogger, type Logger } from '../../common/log.js';
import { PUSH_ORDER, SHORT_NAME, SOTW_COMPLETE_SET, CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, type ServedTypeUrl } from '../../xds/type-urls.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { checkResponse } from './check-response.js';
import { ConfigStore } from './config-store.js';
import type { Obj } from './decoders/read.js';
import type { ProxyConfig } from './types.js';
import { ADS_METHODS, errorDetail, nodeObject, type AdsMode, type NodeIdentity, type WireResponse } from './wire.js';

export type { AdsMode, NodeIdentity } from './wire.js';

export interface AdsClientOptions {
  /** `host:port` of the control plane's xDS server. */
  readonly address: string;
  readonly node: NodeIdentity;
  /** 'delta' (default) or 'sotw'. */
  readonly mode?: AdsMode;
  /** Pacing of stream re-opens; default 100 ms doubling up to 10 s, full jitter. */
  readonly backoff?: BackoffOptions;
  readonly logger?: Logger;
  /**
   * The types to subscribe to; `ready` once each has been received. Default: all five (PUSH_ORDER). The DNS
   * server asks for the NameTable only.
   */
  readonly types?: readonly ServedTypeUrl[];
}

/** The node of a sidecar, with the metadata the control plane reads (control-plane/server/node-info.ts). */
export function sidecarNode(id: string, namespace: string, instanceIps: readonly string[]): NodeIdentity {
  return { id, metadata: { ROLE: 'sidecar', NAMESPACE: namespace, INSTANCE_IPS: instanceIps.join(',') } };
}

/**
 * The node of the NodePort / LoadBalancer proxy on a Kubernetes node (kube-proxy's job for outside traffic): the
 * control plane serves role `node` clusters, endpoints and L4 listeners (NODE_PROXY_TYPES), no routes.
 */
export function nodeNode(id: string, nodeIps: readonly string[]): NodeIdentity {
  return { id, metadata: { ROLE: 'node', INSTANCE_IPS: nodeIps.join(',') } };
}

/** What the node role subscribes to (control-plane/translate/roles.ts ROLE_TYPES.node). */
export const NODE_PROXY_TYPES: readonly ServedTypeUrl[] = [CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER];

/** The node of a cluster DNS server: the control plane serves role `dns` the NameTable only. */
export function dnsNode(id: string): NodeIdentity {
  return { id, metadata: { ROLE: 'dns' } };
}

export interface AckEvent {
  readonly typeUrl: ServedTypeUrl;
  readonly version: string;
  readonly nonce: string;
  /** Resources carried by the response, and (delta) names removed. */
  readonly resources: number;
  readonly removed: number;
}

export interface NackEvent {
  readonly typeUrl: string;
  /** The version rejected, and the errors sent in error_detail (one per line). */
  readonly version: string;
  readonly nonce: string;
  readonly errors: readonly string[];
}

export interface AdsClientEvents {
  /** A new configuration was applied (after every accepted change). */
  config: [ProxyConfig];
  /** Once: every subscribed type has been received at least once. */
  ready: [ProxyConfig];
  ack: [AckEvent];
  nack: [NackEvent];
  connected: [];
  /** The stream ended; a new one follows after `retryInMs`. */
  disconnected: [{ readonly code: number; readonly details: string; readonly retryInMs: number }];
}

const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 10_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

/** The wildcard subscription (xDS protocol, "How the client specifies what resources to return"). */
const WILDCARD = Object.freeze(['*']);

export class AdsClient extends EventEmitter<AdsClientEvents> {
  private readonly mode: AdsMode;
  /** Subscribed types, in push order. */
  private readonly types: readonly ServedTypeUrl[];
  private readonly store: ConfigStore;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly client: Client;
  private call: ClientDuplexStream<Obj, WireResponse> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nodeSent = false;
  private started = false;
  private closed = false;
  private readySent = false;

  constructor(private readonly options: AdsClientOptions) {
    super();
    this.mode = options.mode ?? 'delta';
    const wanted = new Set(options.types ?? PUSH_ORDER);
    this.types = PUSH_ORDER.filter((t) => wanted.has(t));
    this.store = new ConfigStore(this.types);
    this.backoff = new Backoff(options.backoff);
    this.log = options.logger ?? silentLogger();
    this.client = new Client(options.address, credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  /** The last good configuration (empty maps before the first response). */
  get config(): ProxyConfig {
    return this.store.current;
  }

  get ready(): boolean {
    return this.readySent;
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.open();
  }

  /** Ends the stream, the channel and any pending re-open; no timer is left behind. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }

  private open(): void {
    this.timer = undefined;
    if (this.closed) return;
    const method = ADS_METHODS[this.mode];
    const call = this.client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
    this.call = call;
    this.nodeSent = false;
    let healthy = false;
    call.on('data', (resp: WireResponse) => {
      if (call !== this.call) return;
      if (!healthy) {
        healthy = true;
        this.backoff.reset();
        this.emit('connected');
      }
      this.onResponse(resp);
    });
    call.on('error', () => {
      // The 'status' event that follows carries the code and details.
    });
    call.on('status', (status: StatusObject) => this.onStreamEnd(call, status));
    // Make before break: subscribe in the order the server pushes (CDS, EDS, LDS, RDS, NameTable).
    for (const typeUrl of this.types) this.subscribe(typeUrl);
  }

  private onStreamEnd(call: ClientDuplexStream<Obj, WireResponse>, status: StatusObject): void {
    if (call !== this.call || this.closed) return;
    this.call = undefined;
    const retryInMs = this.backoff.next();
    this.log.warn({ code: status.code, details: status.details, retryInMs }, 'xDS stream ended; keeping the last good config');
    this.timer = setTimeout(() => this.open(), retryInMs);
    this.emit('disconnected', { code: status.code, details: status.details, retryInMs });
  }

  /** Writes a request; the node goes with the first request of each stream only (later ones may omit it). */
  private send(req: Obj): void {
    if (!this.call) return;
    if (!this.nodeSent) {
      this.nodeSent = true;
      this.call.write({ ...req, node: nodeObject(this.options.node) });
    } else this.call.write(req);
  }

  /**
   * The first request of a type on a stream. Delta: wildcard plus initial_resource_versions of what is held,
   * so the server sends only what changed (xDS protocol, "Incremental xDS"). SotW: the version held.
   */
  private subscribe(typeUrl: ServedTypeUrl): void {
    if (this.mode === 'delta') {
      const held = Object.fromEntries(this.store.versionsOf(typeUrl));
      this.send({ type_url: typeUrl, resource_names_subscribe: WILDCARD, initial_resource_versions: held });
    } else {
      this.send({ type_url: typeUrl, resource_names: WILDCARD, version_info: this.store.current.versions.get(typeUrl) ?? '' });
    }
  }

  private onResponse(resp: WireResponse): void {
    const checked = checkResponse(resp);
    if (!checked.ok) return this.nack(resp, checked.errors);
    const typeUrl = checked.typeUrl;
    const changed = this.store.apply({
      typeUrl,
      version: resp.version,
      upserts: checked.resources,
      removed: resp.removed,
      replaceAll: this.mode === 'sotw' && SOTW_COMPLETE_SET.has(typeUrl),
    });
    if (this.mode === 'sotw' && (typeUrl === LISTENER || typeUrl === CLUSTER)) this.store.pruneUnreferenced();
    this.ack(typeUrl, resp);
    if (changed) this.emit('config', this.store.current);
    if (!this.readySent && this.store.complete) {
      this.readySent = true;
      this.emit('ready', this.store.current);
    }
  }

  /** ACK: the nonce echoed; SotW also sends the version now applied (xDS protocol, "ACK"). */
  private ack(typeUrl: ServedTypeUrl, resp: WireResponse): void {
    if (this.mode === 'delta') this.send({ type_url: typeUrl, response_nonce: resp.nonce });
    else this.send({ type_url: typeUrl, resource_names: WILDCARD, version_info: resp.version, response_nonce: resp.nonce });
    this.emit('ack', { typeUrl, version: resp.version, nonce: resp.nonce, resources: resp.resources.length, removed: resp.removed.length });
  }

  /**
   * NACK (xDS protocol, "NACK"): the nonce echoed with error_detail; SotW sends the previous good version. Nothing
   * of the response is applied.
   */
  private nack(resp: WireResponse, errors: readonly string[]): void {
    const message = errors.join('\n');
    const short = SHORT_NAME[resp.typeUrl as ServedTypeUrl] ?? resp.typeUrl;
    this.log.warn({ type: short, version: resp.version, errors }, 'xDS response rejected (NACK)');
    const base = { type_url: resp.typeUrl, response_nonce: resp.nonce, error_detail: errorDetail(message) };
    if (this.mode === 'delta') this.send(base);
    else this.send({ ...base, resource_names: WILDCARD, version_info: this.store.current.versions.get(resp.typeUrl) ?? '' });
    this.emit('nack', { typeUrl: resp.typeUrl, version: resp.version, nonce: resp.nonce, errors });
  }
}
