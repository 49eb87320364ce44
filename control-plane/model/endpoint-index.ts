// EndpointSlices and v1 Endpoints grouped by the Service they belong to, and the Pod index. Each is derived
// from the store's immutable maps and cached by their identity (the store hands out the same map object while
// nothing of that kind changed), so a rebuild after an unrelated change does not regroup ten thousand slices.
import { ErrorCode } from '../../common/errors.js';
import type { ObjectSet } from '../sources/state.js';
import { keyOf } from './order.js';
import { PodIndex } from './pod-index.js';
import type { ConfigError, EndpointSlice, Pod, Service } from './types.js';

export interface SliceGroups {
  /** EndpointSlices by `namespace/serviceName`, sorted by slice name. */
  readonly slices: ReadonlyMap<string, readonly EndpointSlice[]>;
  /** Slices converted from v1 Endpoints, by `namespace/name`. */
  readonly endpoints: ReadonlyMap<string, readonly EndpointSlice[]>;
  /** Slices and Endpoints naming a Service that does not exist (they are left out of the groups). */
  readonly errors: readonly ConfigError[];
}

interface CachedGroups {
  readonly services: ReadonlyMap<string, Service>;
  readonly endpoints: ObjectSet['endpoints'];
  readonly groups: SliceGroups;
}

const GROUPS = new WeakMap<ObjectSet['endpointSlices'], CachedGroups>();
const POD_INDEXES = new WeakMap<ReadonlyMap<string, Pod>, PodIndex>();

export function sliceGroups(objects: ObjectSet): SliceGroups {
  const cached = GROUPS.get(objects.endpointSlices);
  if (cached !== undefined && cached.services === objects.services && cached.endpoints === objects.endpoints) return cached.groups;
  const groups = groupSlices(objects);
  GROUPS.set(objects.endpointSlices, { services: objects.services, endpoints: objects.endpoints, groups });
  return groups;
}

/** The Pod index of a pods map, built on first use. */
export function podIndexOf(pods: ReadonlyMap<string, Pod>): PodIndex {
  let index = POD_INDEXES.get(pods);
  if (index === undefined) POD_INDEXES.set(pods, (index = new PodIndex(pods.values())));
  return index;
}

function groupSlices(objects: ObjectSet): SliceGroups {
  const errors: ConfigError[] = [];
  const slices = new Map<string, EndpointSlice[]>();
  for (const slice of objects.endpointSlices.values()) {
    const key = `${slice.meta.namespace}/${slice.serviceName}`;
    if (!objects.services.has(key)) {
      const field = 'metadata.labels["kubernetes.io/service-name"]';
      errors.push(unknownService(`EndpointSlice ${keyOf(slice.meta)}`, slice.meta.origin.file, field, key));
      continue;
    }
    const group = slices.get(key);
    if (group === undefined) slices.set(key, [slice]);
    else group.push(slice);
  }
  for (const group of slices.values()) if (group.length > 1) group.sort((a, b) => (a.meta.name < b.meta.name ? -1 : 1));
  const endpoints = new Map<string, readonly EndpointSlice[]>();
  for (const [key, e] of objects.endpoints) {
    if (objects.services.has(key)) endpoints.set(key, e.slices);
    else errors.push(unknownService(`Endpoints ${key}`, e.meta.origin.file, 'metadata.name', key));
  }
  return { slices, endpoints, errors };
}

function unknownService(object: string, file: string, field: string, serviceKey: string): ConfigError {
  const message = `refers to Service ${serviceKey}, which does not exist; ignored`;
  return { file, object, field, message, code: ErrorCode.UNKNOWN_REFERENCE };
}
