// Pods indexed by namespace and by each `label=value`, so that a Service selector costs the size of its
// smallest matching label bucket, never a scan of every Pod (no services × pods loop).
import type { Pod } from './types.js';

export class PodIndex {
  readonly #byLabel = new Map<string, Map<string, Pod[]>>();

  constructor(pods: Iterable<Pod>) {
    for (const pod of pods) {
      let ns = this.#byLabel.get(pod.meta.namespace);
      if (ns === undefined) this.#byLabel.set(pod.meta.namespace, (ns = new Map()));
      for (const [k, v] of Object.entries(pod.meta.labels)) {
        const term = `${k}=${v}`;
        const bucket = ns.get(term);
        if (bucket === undefined) ns.set(term, [pod]);
        else bucket.push(pod);
      }
    }
  }

  /** Pods of `namespace` carrying every label of `selector` (a non-empty equality selector). */
  select(namespace: string, selector: Readonly<Record<string, string>>): Pod[] {
    const ns = this.#byLabel.get(namespace);
    if (ns === undefined) return [];
    let smallest: Pod[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const bucket = ns.get(`${k}=${v}`);
      if (bucket === undefined) return [];
      if (smallest === undefined || bucket.length < smallest.length) smallest = bucket;
    }
    if (smallest === undefined) return [];
    const entries = Object.entries(selector);
    return smallest.filter((pod) => entries.every(([k, v]) => pod.meta.labels[k] === v));
  }
}
