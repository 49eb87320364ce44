// Decoding of DiscoveryRequest and DeltaDiscoveryRequest straight from the wire into the server's own types.
// Requests are read field by field (protobufjs Reader) rather than through a generated message because a sidecar
// repeats its full EDS `resource_names` (thousands of names) in every ACK: the SotW request keeps those names as
// one byte span that a stream compares with the previous one (a memcmp) and only decodes when it changed.
import protobuf from 'protobufjs';

const { Reader } = protobuf;
type ReaderT = protobuf.Reader;

/** google.rpc.Status as carried in `error_detail`: its presence is what makes a request a NACK. */
export interface ErrorDetail {
  readonly code: number;
  readonly message: string;
}

export interface SotwRequest {
  readonly versionInfo: string;
  /** The raw `Node`, decoded by the stream only from the first request (later ones may omit it). */
  readonly node: Uint8Array | undefined;
  readonly typeUrl: string;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
  /** The encoded resource_names when they lie in one contiguous span (every encoder we know writes them so). */
  readonly namesSpan: Uint8Array | undefined;
  /** resource_names, decoded on demand. */
  names(): string[];
}

export interface DeltaRequest {
  readonly node: Uint8Array | undefined;
  readonly typeUrl: string;
  /** resource_names_subscribe, decoded on demand (a reconnecting sidecar may name thousands). */
  subscribe(): string[];
  readonly subscribeCount: number;
  /** The encoded resource_names_subscribe when contiguous, to intern the list without decoding it. */
  readonly subscribeSpan: Uint8Array | undefined;
  readonly unsubscribe: readonly string[];
  /** initial_resource_versions: name → version the client already holds (xDS protocol, "Incremental xDS"). */
  readonly initialVersions: ReadonlyMap<string, string>;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
}

const LEN = 2;

function decodeStatus(bytes: Uint8Array): ErrorDetail {
  const r = Reader.create(bytes);
  let code = 0;
  let message = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x08) code = r.int32();
    else if (tag === 0x12) message = r.string();
    else r.skipType(tag & 7);
  }
  return { code, message };
}

/** Reads consecutive `tag` string fields from a span (the names of a SotW request). */
function readStrings(span: Uint8Array, tag: number): string[] {
  const r = Reader.create(span);
  const out: string[] = [];
  while (r.pos < r.len) {
    const t = r.uint32();
    if (t === tag) out.push(r.string());
    else r.skipType(t & 7);
  }
  return out;
}

function skipLen(r: ReaderT): void {
  r.skipType(LEN);
}

/** Where the repeated string field of one tag lies in a message: one span if contiguous. */
class SpanTracker {
  start = -1;
  end = -1;
  count = 0;
  contiguous = true;

  /** Records the field starting at `at`; the reader is past its tag. */
  skip(r: ReaderT, at: number): void {
    if (this.start < 0) this.start = at;
    else if (at !== this.end) this.contiguous = false;
    skipLen(r);
    this.end = r.pos;
    this.count++;
  }

  span(buf: Buffer): Uint8Array | undefined {
    return this.count > 0 && this.contiguous ? buf.subarray(this.start, this.end) : undefined;
  }

  /** The strings, read lazily from the span (or from the whole message when not contiguous). */
  reader(buf: Buffer, tag: number): () => string[] {
    if (this.count === 0) return () => [];
    const source = this.span(buf) ?? buf;
    let names: string[] | undefined;
    return () => (names ??= readStrings(source, tag));
  }
}

export function decodeDiscoveryRequest(buf: Buffer): SotwRequest {
  const r = Reader.create(buf);
  let versionInfo = '';
  let node: Uint8Array | undefined;
  let typeUrl = '';
  let responseNonce = '';
  let errorDetail: ErrorDetail | undefined;
  const names = new SpanTracker();
  while (r.pos < r.len) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: versionInfo = r.string(); break;
      case 0x12: node = r.bytes(); break;
      case 0x1a: names.skip(r, at); break;
      case 0x22: typeUrl = r.string(); break;
      case 0x2a: responseNonce = r.string(); break;
      case 0x32: errorDetail = decodeStatus(r.bytes()); break;
      default: r.skipType(tag & 7);
    }
  }
  return { versionInfo, node, typeUrl, responseNonce, errorDetail, namesSpan: names.span(buf), names: names.reader(buf, 0x1a) };
}

function readMapEntry(bytes: Uint8Array): [string, string] {
  const r = Reader.create(bytes);
  let key = '';
  let value = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) key = r.string();
    else if (tag === 0x12) value = r.string();
    else r.skipType(tag & 7);
  }
  return [key, value];
}

export function decodeDeltaDiscoveryRequest(buf: Buffer): DeltaRequest {
  const r = Reader.create(buf);
  let node: Uint8Array | undefined;
  let typeUrl = '';
  const subscribe = new SpanTracker();
  const unsubscribe: string[] = [];
  const initialVersions = new Map<string, string>();
  let responseNonce = '';
  let errorDetail: ErrorDetail | undefined;
  while (r.pos < r.len) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: node = r.bytes(); break;
      case 0x12: typeUrl = r.string(); break;
      case 0x1a: subscribe.skip(r, at); break;
      case 0x22: unsubscribe.push(r.string()); break;
      case 0x2a: initialVersions.set(...readMapEntry(r.bytes())); break;
      case 0x32: responseNonce = r.string(); break;
      case 0x3a: errorDetail = decodeStatus(r.bytes()); break;
      default: r.skipType(tag & 7);
    }
  }
  return {
    node,
    typeUrl,
    subscribe: subscribe.reader(buf, 0x1a),
    subscribeCount: subscribe.count,
    subscribeSpan: subscribe.span(buf),
    unsubscribe,
    initialVersions,
    responseNonce,
    errorDetail,
  };
}
