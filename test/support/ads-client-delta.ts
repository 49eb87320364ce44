// The incremental (DeltaAggregatedResources) raw ADS client. It keeps what it holds per type (name → version),
// applied when a response is ACKed, so a test can reconnect with initial_resource_versions like a real client.
import protobuf from 'protobufjs';
import { AdsClientBase, decodeAny, type ClientOptions, type ReceivedResource } from './ads-client-base.js';

export interface DeltaResponse {
  readonly systemVersionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly ReceivedResource[];
  readonly removed: readonly string[];
  readonly bytes: number;
  /** Same as systemVersionInfo (for benchmark callbacks shared with SotW). */
  readonly version: string;
}

export interface DeltaRequestSpec {
  readonly typeUrl: string;
  readonly subscribe?: readonly string[];
  readonly unsubscribe?: readonly string[];
  /** name → version already held (initial_resource_versions, on reconnect). */
  readonly initialVersions?: ReadonlyMap<string, string>;
  readonly responseNonce?: string;
  readonly errorDetail?: { readonly code?: number; readonly message: string };
}

/** Resource{version=1, resource=2 (Any), name=3}. */
function decodeResource(bytes: Uint8Array, decode: ClientOptions['decode']): ReceivedResource {
  const r = protobuf.Reader.create(bytes);
  let name = '';
  let version = '';
  let body: Record<string, unknown> | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) version = r.string();
    else if (tag === 0x12) body = decodeAny(r.bytes(), decode ?? 'full').body;
    else if (tag === 0x1a) name = r.string();
    else r.skipType(tag & 7);
  }
  return { name, version, body };
}

export class DeltaAdsClient extends AdsClientBase<DeltaResponse> {
  private readonly held = new Map<string, Map<string, string>>();

  constructor(options: ClientOptions) {
    super(options, 'DeltaAggregatedResources', 'envoy.service.discovery.v3.DeltaDiscoveryRequest');
  }

  send(spec: DeltaRequestSpec): void {
    this.write({
      type_url: spec.typeUrl,
      resource_names_subscribe: spec.subscribe ?? [],
      resource_names_unsubscribe: spec.unsubscribe ?? [],
      initial_resource_versions: Object.fromEntries(spec.initialVersions ?? []),
      response_nonce: spec.responseNonce ?? '',
      ...(spec.errorDetail && { error_detail: { code: spec.errorDetail.code ?? 3, message: spec.errorDetail.message } }),
    });
  }

  /** ACK: applies the response to what the client holds, then echoes its nonce. */
  ack(resp: DeltaResponse): void {
    // A benchmark client that keeps nothing (keep: false) does not track holdings either.
    if (this.options.keep !== false) {
      const held = this.holding(resp.typeUrl);
      for (const r of resp.resources) held.set(r.name, r.version);
      for (const name of resp.removed) held.delete(name);
    }
    this.send({ typeUrl: resp.typeUrl, responseNonce: resp.nonce });
  }

  /** NACK: echoes the nonce with error_detail; the client keeps what it held. */
  nack(resp: DeltaResponse, message: string): void {
    this.send({ typeUrl: resp.typeUrl, responseNonce: resp.nonce, errorDetail: { message } });
  }

  /** name → version of what the client holds of a type (after its ACKs). */
  holding(typeUrl: string): Map<string, string> {
    let held = this.held.get(typeUrl);
    if (!held) this.held.set(typeUrl, (held = new Map()));
    return held;
  }

  /** DeltaDiscoveryResponse{system_version_info=1, resources=2, type_url=4, nonce=5, removed_resources=6}. */
  protected decodeResponse(buf: Buffer): DeltaResponse {
    const r = protobuf.Reader.create(buf);
    let systemVersionInfo = '';
    let typeUrl = '';
    let nonce = '';
    const resources: ReceivedResource[] = [];
    const removed: string[] = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x0a) systemVersionInfo = r.string();
      else if (tag === 0x12) resources.push(decodeResource(r.bytes(), this.options.decode));
      else if (tag === 0x22) typeUrl = r.string();
      else if (tag === 0x2a) nonce = r.string();
      else if (tag === 0x32) removed.push(r.string());
      else r.skipType(tag & 7);
    }
    return { systemVersionInfo, typeUrl, nonce, resources, removed, bytes: buf.length, version: systemVersionInfo };
  }

  protected onReceived(): void {
    // Nothing to remember before the ACK: what the client holds changes when it ACKs.
  }

  protected autoAckResponse(resp: DeltaResponse): void {
    this.ack(resp);
  }
}
