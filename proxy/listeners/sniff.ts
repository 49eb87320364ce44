// Protocol detection on the first bytes of a connection, as Envoy's http_inspector listener filter does:
// the HTTP/2 connection preface (RFC 9113 §3.4) means `h2c`, an HTTP/1 request line means `http/1.1` (or
// `http/1.0`), anything else is opaque TCP. Server-first protocols (MySQL, SMTP) send nothing first, so the
// caller bounds the wait and treats silence as TCP.

export type SniffedProtocol = 'h2c' | 'http/1.1' | 'http/1.0' | 'tcp';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** RFC 9110 §9 methods and the WebDAV / PATCH ones clients send; http_inspector knows the same set. */
const METHODS: readonly string[] = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'PURGE',
];
const LONGEST_METHOD = Math.max(...METHODS.map((m) => m.length));

/** Classifies a connection by its first chunk; `undefined` when more bytes are needed to decide. */
export function sniff(chunk: Buffer): SniffedProtocol | undefined {
  const prefix = Math.min(chunk.length, H2_PREFACE.length);
  if (chunk.compare(H2_PREFACE, 0, prefix, 0, prefix) === 0) return prefix === H2_PREFACE.length ? 'h2c' : undefined;
  const space = chunk.indexOf(0x20);
  if (space < 0) return chunk.length > LONGEST_METHOD ? 'tcp' : METHODS.some((m) => startsWith(m, chunk)) ? undefined : 'tcp';
  if (!METHODS.includes(chunk.toString('latin1', 0, space))) return 'tcp';
  const eol = chunk.indexOf('\r\n');
  if (eol < 0) return chunk.length > 8192 ? 'tcp' : undefined;
  const version = chunk.toString('latin1', eol - 8, eol);
  if (version === 'HTTP/1.1') return 'http/1.1';
  if (version === 'HTTP/1.0') return 'http/1.0';
  return 'tcp';
}

function startsWith(method: string, chunk: Buffer): boolean {
  return method.startsWith(chunk.toString('latin1'));
}
