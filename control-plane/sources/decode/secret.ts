// v1 Secret of type kubernetes.io/tls (https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets):
// data["tls.crt"] holds the PEM chain (leaf first) and data["tls.key"] its PEM private key, each base64-encoded.
// Secrets of every other type are not meshlet's business: index.ts ignores them (see isTlsSecret).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { TlsSecret } from '../../model/types.js';
import type { Field } from './field.js';
import { decodeMeta, type Decoder } from './context.js';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** Only `type: kubernetes.io/tls` is read; an absent type is Opaque (the API server's default). */
export function isTlsSecret(root: Field): boolean {
  return root.at('type').value === TLS_SECRET_TYPE;
}

const CERT_KEY = 'tls.crt';
const PRIVATE_KEY = 'tls.key';
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** Base64 as Go's encoding/base64.StdEncoding reads []byte JSON fields: padded, line breaks ignored. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const decodeSecret: Decoder<TlsSecret> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const certText = readKey(root, CERT_KEY);
  const keyText = readKey(root, PRIVATE_KEY);
  const chain = certText && parseChain(certText.field, certText.text);
  const key = keyText && parseKey(keyText.field, keyText.text);
  if (chain && key && keyText && certText && !chain.leaf.checkPrivateKey(key)) {
    keyText.field.fail(`does not match the certificate in ${certText.where}`);
  }
  return {
    kind: 'Secret',
    meta,
    certificateChain: chain ? chain.pem : '',
    privateKey: keyText?.text ?? '',
    dnsNames: chain ? dnsNames(chain.leaf) : [],
  };
};

interface KeyText {
  readonly field: Field;
  /** `data["tls.crt"]` or `stringData["tls.crt"]`, for messages that point at the other key. */
  readonly where: string;
  readonly text: string;
}

/**
 * One key's text. stringData is write-only plain text that the API server merges into data, and "if a key is
 * specified in both data and stringData, the value from stringData takes precedence" (Secret API reference).
 */
function readKey(root: Field, name: string): KeyText | undefined {
  const data = root.at('data');
  const stringData = root.at('stringData');
  data.record();
  stringData.record();
  const plain = stringData.at(name);
  if (!plain.absent) {
    const text = plain.str();
    return text === undefined ? undefined : { field: plain, where: `stringData["${name}"]`, text };
  }
  const encoded = data.at(name);
  if (!encoded.required()) return undefined;
  const b64 = encoded.str();
  if (b64 === undefined) return undefined;
  const compact = b64.replace(/[\r\n]/g, '');
  // The value is secret material: messages never quote it.
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return encoded.fail('must be base64 (standard alphabet, padded)');
  return { field: encoded, where: `data["${name}"]`, text: Buffer.from(compact, 'base64').toString('utf8') };
}

function parseChain(field: Field, text: string): { leaf: X509Certificate; pem: string } | undefined {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return field.fail('not a PEM certificate (no -----BEGIN CERTIFICATE----- block)');
  const certs = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      return field.fail(`certificate ${i + 1} of ${blocks.length} does not parse as X.509`);
    }
  });
  const leaf = certs[0];
  if (leaf === undefined || certs.includes(undefined)) return undefined;
  return { leaf, pem: `${blocks.join('\n')}\n` };
}

function parseKey(field: Field, text: string): KeyObject | undefined {
  try {
    return createPrivateKey(text);
  } catch {
    return field.fail('not a PEM private key (or it is encrypted: meshlet reads unencrypted keys only)');
  }
}

/** subjectAltName DNS entries (Node quotes entries holding special characters as JSON strings). */
const SAN_DNS = /(?:^|, )DNS:("(?:[^"\\]|\\.)*"|[^,]*)/g;

/** The leaf's DNS names: its subjectAltName DNS entries, else its subject CN (RFC 6125 section 6.4.4). */
function dnsNames(leaf: X509Certificate): string[] {
  const san = [...(leaf.subjectAltName ?? '').matchAll(SAN_DNS)].map((m) => {
    const v = m[1] ?? '';
    return v.startsWith('"') ? (JSON.parse(v) as string) : v;
  });
  if (san.length > 0) return san;
  const cn = leaf.subject.split('\n').find((line) => line.startsWith('CN='));
  return cn === undefined ? [] : [cn.slice(3)];
}
