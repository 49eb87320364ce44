// A raw ADS client for tests and the control-plane benchmark. SotwAdsClient speaks StreamAggregatedResources,
// DeltaAdsClient (ads-client-delta.ts) DeltaAggregatedResources; both send exactly the requests a test asks for,
// queue responses, and can ACK automatically as a proxy does.
//
//   const c = new SotwAdsClient({ address, node: { id: 'a', metadata: { ROLE: 'sidecar' } } });
//   c.subscribe(CLUSTER);                  // wildcard
//   const cds = await c.next(CLUSTER);     // { versionInfo, nonce, resources: [{ name, body }] }
//   c.ack(cds);
import protobuf from 'protobufjs';
import { AdsClientBase, decodeAny, type ClientOptions, type ReceivedResource } from './ads-client-base.js';

export { DeltaAdsClient, type DeltaResponse, type DeltaRequestSpec } from './ads-client-delta.js';
export { adsChannel } from './ads-client-base.js';
export type { ClientOptions, Decode, NodeSpec, ReceivedResource } from './ads-client-base.js';

const EMPTY = Buffer.alloc(0);

/** Encoded resource_names lists, shared by every client given the same array (one list, a thousand proxies). */
const NAME_BLOCKS = new WeakMap<readonly string[], Buffer>();

export interface SotwResponse {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly ReceivedResource[];
  /** Encoded size of the response. */
  readonly bytes: number;
  /** Same as versionInfo (for benchmark callbacks shared with delta). */
  readonly version: string;
}

export interface SotwRequestSpec {
  readonly typeUrl: string;
  readonly resourceNames?: readonly string[];
  readonly versionInfo?: string;
  readonly responseNonce?: string;
  readonly errorDetail?: { readonly code?: number; readonly message: string };
}

/** A state-of-the-world client. Keeps per type the subscribed names, the last nonce and the last ACKed version. */
export class SotwAdsClient extends AdsClientBase<SotwResponse> {
  private readonly names = new Map<string, readonly string[]>();
  private readonly acked = new Map<string, string>();
  private readonly nonces = new Map<string, string>();

  constructor(options: ClientOptions) {
    super(options, 'StreamAggregatedResources', 'envoy.service.discovery.v3.DiscoveryRequest');
  }

  /** Sends a DiscoveryRequest as given (the node is added to the first one). */
  send(spec: SotwRequestSpec): void {
    if (spec.resourceNames) this.names.set(spec.typeUrl, spec.resourceNames);
    const w = protobuf.Writer.create();
    if (spec.versionInfo) w.uint32(0x0a).string(spec.versionInfo);
    w.uint32(0x22).string(spec.typeUrl);
    if (spec.responseNonce) w.uint32(0x2a).string(spec.responseNonce);
    if (spec.errorDetail) {
      w.uint32(0x32).fork().uint32(0x08).int32(spec.errorDetail.code ?? 3).uint32(0x12).string(spec.errorDetail.message).ldelim();
    }
    this.write(Buffer.concat([Buffer.from(w.finish()), this.namesBlock(spec.resourceNames ?? [])]));
  }

  /**
   * resource_names (field 3) encoded once per list: a proxy repeats the same list in every ACK, and a thousand
   * simulated proxies given the same array should neither encode it again nor hold a copy each.
   */
  private namesBlock(names: readonly string[]): Buffer {
    if (names.length === 0) return EMPTY;
    let block = NAME_BLOCKS.get(names);
    if (!block) {
      const w = protobuf.Writer.create();
      for (const n of names) w.uint32(0x1a).string(n);
      NAME_BLOCKS.set(names, (block = Buffer.from(w.finish())));
    }
    return block;
  }

  /** A (re)subscription as a proxy sends it: the full name list (empty: wildcard), last ACKed version and nonce. */
  subscribe(typeUrl: string, resourceNames: readonly string[] = []): void {
    this.send({ typeUrl, resourceNames, versionInfo: this.acked.get(typeUrl) ?? '', responseNonce: this.nonces.get(typeUrl) ?? '' });
  }

  /** ACK: the response's nonce and version, with the current subscription. */
  ack(resp: SotwResponse): void {
    this.acked.set(resp.typeUrl, resp.versionInfo);
    this.send({ typeUrl: resp.typeUrl, resourceNames: this.names.get(resp.typeUrl) ?? [], versionInfo: resp.versionInfo, responseNonce: resp.nonce });
  }

  /** NACK: the response's nonce with the previous good version and error_detail (xDS protocol, "NACK"). */
  nack(resp: SotwResponse, message: string): void {
    this.send({
      typeUrl: resp.typeUrl,
      resourceNames: this.names.get(resp.typeUrl) ?? [],
      versionInfo: this.acked.get(resp.typeUrl) ?? '',
      responseNonce: resp.nonce,
      errorDetail: { message },
    });
  }

  ackedVersion(typeUrl: string): string | undefined {
    return this.acked.get(typeUrl);
  }

  /** DiscoveryResponse{version_info=1, resources=2, type_url=4, nonce=5}. */
  protected decodeResponse(buf: Buffer): SotwResponse {
    const r = protobuf.Reader.create(buf);
    let versionInfo = '';
    let typeUrl = '';
    let nonce = '';
    const resources: ReceivedResource[] = [];
    const decode = this.options.decode ?? 'full';
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x0a) versionInfo = r.string();
      else if (tag === 0x12) {
        const { name, body } = decodeAny(r.bytes(), decode);
        resources.push({ name, version: '', body });
      } else if (tag === 0x22) typeUrl = r.string();
      else if (tag === 0x2a) nonce = r.string();
      else r.skipType(tag & 7);
    }
    return { versionInfo, typeUrl, nonce, resources, bytes: buf.length, version: versionInfo };
  }

  protected onReceived(resp: SotwResponse): void {
    this.nonces.set(resp.typeUrl, resp.nonce);
  }

  protected autoAckResponse(resp: SotwResponse): void {
    this.ack(resp);
  }
}
