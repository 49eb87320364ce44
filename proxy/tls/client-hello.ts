// What Envoy's tls_inspector listener filter learns from the first bytes of a connection, without decrypting
// anything: whether it is TLS, the server name (SNI, RFC 6066 §3) and the offered ALPN protocols (RFC 7301 §3.1)
// of the ClientHello (RFC 8446 §4.1.2; TLS 1.0–1.2 share the layout). Pure and bounded: a ClientHello may span
// several records (and reads); the handshake message may not exceed 16 KiB (Envoy's max_client_hello_size
// default); anything malformed is not TLS. Never throws, whatever the bytes.

export type ClientHelloResult =
  | { readonly kind: 'tls'; readonly serverName?: string; readonly alpn: readonly string[] }
  | { readonly kind: 'not-tls'; readonly reason: 'not-tls' | 'malformed' | 'too-large' }
  | { readonly kind: 'need-more' };

/** Largest ClientHello handshake message accepted (Envoy tls_inspector max_client_hello_size default). */
export const MAX_CLIENT_HELLO = 16 * 1024;

const RECORD_HEADER = 5;
const HANDSHAKE = 22; // ContentType.handshake
const CLIENT_HELLO = 1; // HandshakeType.client_hello
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const MAX_RECORD = 1 << 14; // TLSPlaintext.length ≤ 2^14

const NEED_MORE: ClientHelloResult = Object.freeze({ kind: 'need-more' });
const NOT_TLS: ClientHelloResult = Object.freeze({ kind: 'not-tls', reason: 'not-tls' });
const MALFORMED: ClientHelloResult = Object.freeze({ kind: 'not-tls', reason: 'malformed' });
const TOO_LARGE: ClientHelloResult = Object.freeze({ kind: 'not-tls', reason: 'too-large' });

/** Classifies the bytes read so far from a connection. */
export function parseClientHello(head: Buffer): ClientHelloResult {
  if (head.length >= 1 && head[0] !== HANDSHAKE) return NOT_TLS;
  if (head.length >= 2 && head[1] !== 3) return NOT_TLS;
  const message = handshakeBytes(head);
  if (message === undefined) return MALFORMED;
  if (message.length < 4) return NEED_MORE;
  if (message[0] !== CLIENT_HELLO) return MALFORMED;
  const length = message.readUIntBE(1, 3);
  if (length > MAX_CLIENT_HELLO) return TOO_LARGE;
  if (message.length < 4 + length) return NEED_MORE;
  return clientHelloBody(message.subarray(4, 4 + length)) ?? MALFORMED;
}

/** The handshake-layer bytes carried by the records read so far (the last one possibly partial). */
function handshakeBytes(head: Buffer): Buffer | undefined {
  const fragments: Buffer[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER <= head.length) {
    const length = head.readUInt16BE(offset + 3);
    if (head[offset] !== HANDSHAKE || head[offset + 1] !== 3 || length === 0 || length > MAX_RECORD) return undefined;
    fragments.push(head.subarray(offset + RECORD_HEADER, Math.min(head.length, offset + RECORD_HEADER + length)));
    offset += RECORD_HEADER + length;
  }
  return fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
}

/** A bounds-checked cursor: reading past the end marks it bad instead of throwing. */
class Cursor {
  bad = false;
  constructor(
    private readonly b: Buffer,
    public offset = 0,
    private readonly end = b.length,
  ) {}

  get left(): number {
    return this.end - this.offset;
  }

  u8(): number {
    return this.uint(1);
  }

  u16(): number {
    return this.uint(2);
  }

  /** The next `n` bytes as a cursor of their own, skipping them here. */
  sub(n: number): Cursor {
    const start = this.offset;
    if (n > this.left) this.bad = true;
    this.offset = Math.min(this.end, start + n);
    return new Cursor(this.b, start, this.offset);
  }

  bytes(n: number): Buffer {
    const c = this.sub(n);
    return this.b.subarray(c.offset, c.end);
  }

  private uint(n: number): number {
    if (n > this.left) {
      this.bad = true;
      this.offset = this.end;
      return 0;
    }
    const v = this.b.readUIntBE(this.offset, n);
    this.offset += n;
    return v;
  }
}

function clientHelloBody(body: Buffer): ClientHelloResult | undefined {
  const c = new Cursor(body);
  c.sub(2 + 32); // legacy_version, random
  c.sub(c.u8()); // legacy_session_id
  const suites = c.u16();
  if (suites < 2 || suites % 2 !== 0) return undefined;
  c.sub(suites);
  const compression = c.u8(); // legacy_compression_methods
  if (compression < 1) return undefined;
  c.sub(compression);
  if (c.bad) return undefined;
  if (c.left === 0) return { kind: 'tls', alpn: [] }; // no extensions (TLS 1.0 clients)
  const extensions = c.sub(c.u16());
  if (c.bad || c.left !== 0) return undefined;
  return readExtensions(extensions);
}

function readExtensions(c: Cursor): ClientHelloResult | undefined {
  const seen = new Set<number>();
  let serverName: string | undefined;
  let alpn: string[] = [];
  while (c.left > 0) {
    const type = c.u16();
    const data = c.sub(c.u16());
    if (c.bad || seen.has(type)) return undefined;
    seen.add(type);
    if (type === EXT_SERVER_NAME) {
      const name = readServerName(data);
      if (name === null) return undefined;
      serverName = name;
    } else if (type === EXT_ALPN) {
      const protocols = readAlpn(data);
      if (protocols === undefined) return undefined;
      alpn = protocols;
    }
  }
  return { kind: 'tls', ...(serverName !== undefined && { serverName }), alpn };
}

/** ServerNameList: the host_name entry, lower-cased; null when malformed, undefined when there is none. */
function readServerName(data: Cursor): string | null | undefined {
  const list = data.sub(data.u16());
  if (data.bad || data.left !== 0) return null;
  let host: string | undefined;
  while (list.left > 0) {
    const type = list.u8();
    const name = list.bytes(list.u16());
    if (list.bad) return null;
    if (type !== 0 || host !== undefined) continue; // host_name (0) is the only type; the first one counts
    if (name.length === 0 || name.some((b) => b <= 0x20 || b >= 0x7f)) return null;
    host = name.toString('latin1').toLowerCase();
  }
  return host;
}

/** ProtocolNameList: non-empty names, in the client's order. */
function readAlpn(data: Cursor): string[] | undefined {
  const list = data.sub(data.u16());
  if (data.bad || data.left !== 0) return undefined;
  const protocols: string[] = [];
  while (list.left > 0) {
    const name = list.bytes(list.u8());
    if (list.bad || name.length === 0) return undefined;
    protocols.push(name.toString('latin1'));
  }
  return protocols.length === 0 ? undefined : protocols;
}
