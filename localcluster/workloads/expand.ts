// A Deployment → the PodSpecs of its replicas, named as Kubernetes names them: `<deployment>-<pod-template-hash>-
// <suffix>`. The hash is FNV-1a (32 bit) of the template, written in Kubernetes' "safe" alphabet (no vowels, no
// 0/1/3, so names never spell words); it also becomes the `pod-template-hash` label. Kubernetes draws the
// 5-character suffix at random; here it derives from the hash and a sequence number, so a run is reproducible
// and a replacement pod (after `kill` or `scale`) gets a new, unused name from the next number.
import type { Deployment, PodSpec, PodTemplate } from './types.js';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Kubernetes' rand.SafeEncodeString applied to the decimal text of `n`, as the pod-template-hash is written. */
export function safeEncode(n: number): string {
  return [...String(n)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** A stable JSON of the template (object keys sorted), hashed into the pod-template-hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function podTemplateHash(template: PodTemplate): string {
  return safeEncode(fnv1a32(canonical(template)));
}

/** The 5-character suffix of replica number `seq`. */
export function podSuffix(hash: string, seq: number): string {
  let h = fnv1a32(`${hash}/${seq}`);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += SAFE_ALPHABET[h % SAFE_ALPHABET.length];
    h = Math.floor(h / SAFE_ALPHABET.length);
  }
  return out;
}

/** The pod of replica number `seq` (0, 1, ...) of `deployment`. */
export function replicaPod(deployment: Deployment, seq: number): PodSpec {
  const hash = podTemplateHash(deployment.template);
  const t = deployment.template;
  return {
    kind: 'Pod',
    namespace: deployment.namespace,
    name: `${deployment.name}-${hash}-${podSuffix(hash, seq)}`,
    owner: deployment.name,
    template: { ...t, labels: { ...t.labels, [POD_TEMPLATE_HASH_LABEL]: hash } },
  };
}

/** The pods of `deployment.replicas` replicas: sequence numbers 0..replicas-1. */
export function expandDeployment(deployment: Deployment): PodSpec[] {
  return Array.from({ length: deployment.replicas }, (_, seq) => replicaPod(deployment, seq));
}
