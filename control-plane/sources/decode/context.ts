// What every per-kind decoder receives, and the metadata all kinds share.
import type { ObjectMeta, ObjectOrigin } from '../../model/types.js';
import type { Field, Issue } from './field.js';
import { dns1123Label, dns1123Subdomain, type Check } from './validate.js';

export interface DecodeContext {
  readonly origin: ObjectOrigin;
  /** The apiVersion the object was written in (already checked to be one the decoder reads). */
  readonly apiVersion: string;
  /**
   * Problems with optional settings (meshlet's annotations) that leave the object valid: each is reported as a
   * config error, and only its own setting falls back to its default. Problems of the object itself go to
   * `root.issues` and make it invalid.
   */
  readonly settingIssues: Issue[];
}

/** Turns the object at `root` into a domain object, recording every problem in `root.issues`. */
export type Decoder<T> = (root: Field, ctx: DecodeContext) => T;

/** Objects without a namespace live in `default`, as `kubectl apply` without `-n` would put them. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Decodes `metadata`. Names are checked with `nameCheck` (most kinds use DNS-1123 subdomains; Services use
 * DNS-1035 labels, see the Kubernetes "Object Names and IDs" page).
 */
export function decodeMeta(root: Field, origin: ObjectOrigin, nameCheck: Check = dns1123Subdomain): ObjectMeta {
  const m = root.at('metadata');
  const present = m.required() && m.record() !== undefined;
  const nameField = m.at('name');
  const name = present && nameField.required() ? nameField.checkedStr(nameCheck) : undefined;
  // `namespace: ""` means the default namespace to kubectl, like an absent one.
  const nsField = m.at('namespace');
  const nsText = nsField.str();
  const namespace = nsText ? (nsField.checkedStr(dns1123Label) ?? DEFAULT_NAMESPACE) : DEFAULT_NAMESPACE;
  return {
    namespace,
    name: name ?? '',
    labels: m.at('labels').stringMap(),
    annotations: m.at('annotations').stringMap(),
    creationTimestamp: m.at('creationTimestamp').str() ?? '',
    origin,
  };
}

/** Reads `field` as a Protocol (default TCP). */
export function decodeProtocol(field: Field): 'TCP' | 'UDP' | 'SCTP' {
  return field.oneOf(['TCP', 'UDP', 'SCTP'] as const) ?? 'TCP';
}
