// Envoy's config_dump never shows private keys: it replaces them with "[redacted]" (the admin docs, "Secrets").
// The control plane's /debug/config_dump does the same for the inline keys of the gateway's TLS filter chains.

const REDACTED = Object.freeze({ inline_string: '[redacted]' });

/** A deep copy of `value` (a JSON-shaped dump) with every `private_key` field replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'private_key' ? REDACTED : v))) as T;
}
