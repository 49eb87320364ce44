// Public API of control-plane/model: the store's objects → an immutable MeshSnapshot.
//
//   const { snapshot, errors, warnings } = buildModel(state, previousSnapshot, { clusterDomain, clusterId, serviceCidr });
//
// `snapshot === previousSnapshot` when nothing changed; otherwise unchanged ResolvedServices (and unchanged
// lists) are the previous objects, so translation can memoise on them (WeakMap keyed by ResolvedService).
export { buildModel, DEFAULT_CLUSTER_DOMAIN, DEFAULT_SERVICE_CIDR, type ModelOptions, type ModelResult } from './build.js';
export { parseCidr, canonicalIP, type Cidr } from './cidr.js';
export type { ObjectSet } from '../sources/state.js';
export type * from './types.js';
