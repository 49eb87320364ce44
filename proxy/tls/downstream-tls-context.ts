// transport_socket `envoy.transport_sockets.tls` on a filter chain: DownstreamTlsContext
// (envoy/extensions/transport_sockets/tls/v3/tls.proto) → ChainTls. The certificate chain and private key must
// be inline (DataSource inline_string / inline_bytes); the node:tls SecureContext is built here, at decode time,
// so a certificate or key OpenSSL rejects NACKs the LDS update and the last good listeners keep serving.
// What the proxy cannot honour (SDS, client-certificate validation, key providers, session ticket keys) is an
// error naming the field, never silently dropped.
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { at, index, isObj, list, obj, str, strings, wrapped, type Issues, type Obj } from '../xds/decoders/read.js';
import type { ChainTls } from '../xds/types.js';

/** Keeps the native SecureContext out of own enumerable properties (deepFreeze, config dumps, deepEqual). */
class ServerTls implements ChainTls {
  readonly #secureContext: SecureContext;

  constructor(
    secureContext: SecureContext,
    readonly alpn: readonly string[],
    readonly requireSni: boolean,
    readonly certificates: readonly string[],
  ) {
    this.#secureContext = secureContext;
  }

  get secureContext(): SecureContext {
    return this.#secureContext;
  }
}

/** Fields whose presence means a feature meshlet does not implement: [field, message]. */
const UNSUPPORTED_CONTEXT: readonly (readonly [string, string])[] = [
  ['session_ticket_keys', 'not supported'],
  ['session_ticket_keys_sds_secret_config', 'SDS is not supported'],
];
const UNSUPPORTED_COMMON: readonly (readonly [string, string])[] = [
  ['tls_certificate_sds_secret_configs', 'SDS is not supported; inline the certificate'],
  ['tls_certificate_provider_instance', 'certificate providers are not supported; inline the certificate'],
  ['tls_certificate_certificate_provider', 'certificate providers are not supported; inline the certificate'],
  ['tls_certificate_certificate_provider_instance', 'certificate providers are not supported; inline the certificate'],
  ['validation_context', 'client certificate validation is not supported'],
  ['validation_context_sds_secret_config', 'client certificate validation is not supported'],
  ['combined_validation_context', 'client certificate validation is not supported'],
  ['validation_context_certificate_provider', 'client certificate validation is not supported'],
  ['validation_context_certificate_provider_instance', 'client certificate validation is not supported'],
  ['custom_handshaker', 'not supported'],
  ['key_log', 'not supported'],
];
const UNSUPPORTED_CERTIFICATE: readonly (readonly [string, string])[] = [
  ['pkcs12', 'not supported; use certificate_chain and private_key'],
  ['private_key_provider', 'not supported'],
  ['password', 'encrypted private keys are not supported'],
  ['watched_directory', 'not supported; inline the certificate'],
  ['ocsp_staple', 'not supported'],
  ['signed_certificate_timestamp', 'not supported'],
];

/** TlsParameters.TlsProtocol → node's minVersion/maxVersion; TLS_AUTO keeps Envoy's server defaults. */
const PROTOCOL: Readonly<Record<string, SecureContextOptions['minVersion']>> = {
  TLSv1_0: 'TLSv1',
  TLSv1_1: 'TLSv1.1',
  TLSv1_2: 'TLSv1.2',
  TLSv1_3: 'TLSv1.3',
};

function present(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isObj(v) || (typeof v === 'string' && v !== '');
}

function rejectPresent(o: Obj, fields: readonly (readonly [string, string])[], path: string, issues: Issues): void {
  for (const [field, message] of fields) if (present(o[field])) issues.add(at(path, field), message);
}

/** config.core.v3.DataSource, inline only (the proxy reads no files and no environment for secrets). */
function inlineData(v: unknown, path: string, issues: Issues): string | Buffer | undefined {
  const ds = obj(v);
  if (typeof ds['inline_string'] === 'string' && ds['inline_string'] !== '') return ds['inline_string'];
  if (Buffer.isBuffer(ds['inline_bytes']) && ds['inline_bytes'].length > 0) return ds['inline_bytes'];
  const specifier = str(ds['specifier']);
  if (specifier === 'filename' || specifier === 'environment_variable') issues.add(at(path, specifier), 'not supported; inline the certificate');
  else issues.add(path, 'required (inline_string or inline_bytes)');
  return undefined;
}

function tlsParams(p: Obj, path: string, issues: Issues): SecureContextOptions {
  const options: SecureContextOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }; // Envoy's server defaults
  for (const [field, key] of [['tls_minimum_protocol_version', 'minVersion'], ['tls_maximum_protocol_version', 'maxVersion']] as const) {
    const name = str(p[field]);
    if (name === '' || name === 'TLS_AUTO') continue;
    const version = PROTOCOL[name];
    if (version === undefined) issues.add(at(path, field), `${name} is not supported`);
    else options[key] = version;
  }
  if (present(p['cipher_suites'])) options.ciphers = strings(p['cipher_suites']).join(':');
  if (present(p['ecdh_curves'])) options.ecdhCurve = strings(p['ecdh_curves']).join(':');
  if (present(p['signature_algorithms'])) options.sigalgs = strings(p['signature_algorithms']).join(':');
  if (present(p['compliance_policies'])) issues.add(at(path, 'compliance_policies'), 'not supported');
  return options;
}

/** The certificate's subject CN, else its first DNS SAN, for logs; undefined when it does not parse. */
function subjectOf(chain: string | Buffer): string | undefined {
  try {
    const x = new X509Certificate(chain);
    const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1];
    return cn ?? /DNS:([^,]*)/.exec(x.subjectAltName ?? '')?.[1] ?? x.subject;
  } catch {
    return undefined;
  }
}

/**
 * Decodes the unpacked DownstreamTlsContext at `path` (the transport socket's typed_config) of the chain named
 * `chainName`; undefined after adding errors.
 */
export function downstreamTlsFromObject(ctx: Obj, chainName: string, path: string, issues: Issues): ChainTls | undefined {
  const before = issues.errors.length;
  rejectPresent(ctx, UNSUPPORTED_CONTEXT, path, issues);
  if (wrapped(ctx['require_client_certificate']) === true) issues.add(at(path, 'require_client_certificate'), 'client certificates are not supported');
  const cpath = at(path, 'common_tls_context');
  const common = obj(ctx['common_tls_context']);
  rejectPresent(common, UNSUPPORTED_COMMON, cpath, issues);
  const options = tlsParams(obj(common['tls_params']), at(cpath, 'tls_params'), issues);
  const certs = list(common['tls_certificates']);
  if (certs.length === 0 && !present(common['tls_certificate_sds_secret_configs'])) issues.add(at(cpath, 'tls_certificates'), 'required');
  const chains: (string | Buffer)[] = [];
  const keys: (string | Buffer)[] = [];
  certs.forEach((c, i) => {
    const cert = obj(c);
    const p = index(at(cpath, 'tls_certificates'), i);
    rejectPresent(cert, UNSUPPORTED_CERTIFICATE, p, issues);
    const chain = inlineData(cert['certificate_chain'], at(p, 'certificate_chain'), issues);
    const key = inlineData(cert['private_key'], at(p, 'private_key'), issues);
    if (chain !== undefined && key !== undefined) {
      chains.push(chain);
      keys.push(key);
    }
  });
  if (issues.errors.length > before) return undefined;
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({ ...options, cert: chains, key: keys });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    issues.add(at(cpath, 'tls_certificates'), `filter chain "${chainName}": OpenSSL rejected the certificate, private key or TLS parameters: ${reason}`);
    return undefined;
  }
  const subjects = chains.map((c) => subjectOf(c) ?? '?');
  return new ServerTls(secureContext, strings(common['alpn_protocols']), wrapped(ctx['require_sni']) === true, subjects);
}
