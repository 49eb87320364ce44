// Encoding of DiscoveryResponse and DeltaDiscoveryResponse from pre-encoded resources. A resource's bytes are
// produced once by makeResource and framed here as `Any{type_url, value}` with a few bytes of header each, so a
// push never re-encodes a resource per proxy: the cost per response is one buffer and one copy of each value.
import type { XdsResource } from '../../xds/resource.js';

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** A fixed-size output buffer written front to back; sizes are computed beforehand. */
class Out {
  readonly buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  varint(n: number): void {
    let v = n;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  /** A length-delimited field with raw bytes. */
  field(tag: number, bytes: Uint8Array): void {
    this.buf[this.pos++] = tag;
    this.varint(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  string(tag: number, s: string): void {
    if (s === '') return; // proto3: default values are not written
    const len = Buffer.byteLength(s);
    this.buf[this.pos++] = tag;
    this.varint(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }
  header(tag: number, len: number): void {
    this.buf[this.pos++] = tag;
    this.varint(len);
  }
}

/** Encoded size of a string field (tag + length + bytes), 0 for '' (not written). */
function stringFieldSize(s: string): number {
  if (s === '') return 0;
  const len = Buffer.byteLength(s);
  return 1 + varintSize(len) + len;
}

function bytesFieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

const typeUrlBytes = new Map<string, Buffer>();
function typeUrlOf(typeUrl: string): Buffer {
  let b = typeUrlBytes.get(typeUrl);
  if (!b) typeUrlBytes.set(typeUrl, (b = Buffer.from(typeUrl)));
  return b;
}

/** Size of `Any{type_url, value}` for a resource. */
function anySize(r: XdsResource): number {
  return bytesFieldSize(typeUrlOf(r.typeUrl).length) + bytesFieldSize(r.encoded.length);
}

function writeAny(out: Out, tag: number, r: XdsResource, size: number): void {
  out.header(tag, size);
  out.field(0x0a, typeUrlOf(r.typeUrl));
  out.field(0x12, r.encoded);
}

/**
 * The `resources` entries (field 2, repeated Any) of a DiscoveryResponse. Protobuf fields may come in any
 * order, so this block can be computed once and shared by every proxy that receives the same set.
 */
export function encodeSotwResources(resources: Iterable<XdsResource>): Buffer {
  const list = Array.isArray(resources) ? (resources as XdsResource[]) : [...resources];
  const sizes = list.map(anySize);
  let total = 0;
  for (const s of sizes) total += bytesFieldSize(s);
  const out = new Out(total);
  for (let i = 0; i < list.length; i++) writeAny(out, 0x12, list[i] as XdsResource, sizes[i] as number);
  return out.buf;
}

/** DiscoveryResponse{version_info=1, resources=2 (pre-encoded block), type_url=4, nonce=5}. */
export function encodeDiscoveryResponse(versionInfo: string, typeUrl: string, nonce: string, resources: Buffer): Buffer {
  const head = stringFieldSize(versionInfo) + stringFieldSize(typeUrl) + stringFieldSize(nonce);
  const out = new Out(head + resources.length);
  out.string(0x0a, versionInfo);
  out.string(0x22, typeUrl);
  out.string(0x2a, nonce);
  out.buf.set(resources, out.pos);
  return out.buf;
}

/** envoy.service.discovery.v3.Resource{version=1, resource=2, name=3}; the version is the resource hash. */
function deltaResourceSize(r: XdsResource): number {
  return stringFieldSize(r.hash) + bytesFieldSize(anySize(r)) + stringFieldSize(r.name);
}

/** One `resources` entry (field 2) of a DeltaDiscoveryResponse. */
function writeDeltaResource(out: Out, r: XdsResource, size: number): void {
  out.header(0x12, size);
  out.string(0x0a, r.hash);
  writeAny(out, 0x12, r, anySize(r));
  out.string(0x1a, r.name);
}

function removedSize(removed: readonly string[]): number {
  let total = 0;
  for (const name of removed) {
    const len = Buffer.byteLength(name);
    total += 1 + varintSize(len) + len;
  }
  return total;
}

function writeRemoved(out: Out, removed: readonly string[]): void {
  for (const name of removed) {
    out.header(0x32, Buffer.byteLength(name));
    out.pos += out.buf.write(name, out.pos, 'utf8');
  }
}

/**
 * DeltaDiscoveryResponse{system_version_info=1, resources=2, type_url=4, nonce=5, removed_resources=6}.
 */
export function encodeDeltaResponse(
  systemVersion: string,
  typeUrl: string,
  nonce: string,
  resources: readonly XdsResource[],
  removed: readonly string[],
): Buffer {
  const sizes = resources.map(deltaResourceSize);
  let total = stringFieldSize(systemVersion) + stringFieldSize(typeUrl) + stringFieldSize(nonce) + removedSize(removed);
  for (const s of sizes) total += bytesFieldSize(s);
  const out = new Out(total);
  out.string(0x0a, systemVersion);
  resources.forEach((r, i) => writeDeltaResource(out, r, sizes[i] as number));
  out.string(0x22, typeUrl);
  out.string(0x2a, nonce);
  writeRemoved(out, removed);
  return out.buf;
}

/**
 * The `resources` entries (field 2, repeated Resource) of a DeltaDiscoveryResponse, for encodeDeltaResponseWith:
 * computed once and shared by every stream that receives the same resources.
 */
export function encodeDeltaResources(resources: Iterable<XdsResource>): Buffer {
  const list = Array.isArray(resources) ? (resources as XdsResource[]) : [...resources];
  const sizes = list.map(deltaResourceSize);
  let total = 0;
  for (const s of sizes) total += bytesFieldSize(s);
  const out = new Out(total);
  for (let i = 0; i < list.length; i++) writeDeltaResource(out, list[i] as XdsResource, sizes[i] as number);
  return out.buf;
}

/**
 * encodeDeltaResponse with the `resources` block pre-encoded (encodeDeltaResources): the same bytes, at the
 * cost of one copy of the block.
 */
export function encodeDeltaResponseWith(
  systemVersion: string,
  typeUrl: string,
  nonce: string,
  resources: Buffer,
  removed: readonly string[],
): Buffer {
  const total = stringFieldSize(systemVersion) + resources.length + stringFieldSize(typeUrl) + stringFieldSize(nonce) + removedSize(removed);
  const out = new Out(total);
  out.string(0x0a, systemVersion);
  out.buf.set(resources, out.pos);
  out.pos += resources.length;
  out.string(0x22, typeUrl);
  out.string(0x2a, nonce);
  writeRemoved(out, removed);
  return out.buf;
}
