// Public API of control-plane/sources: Kubernetes manifests on disk → validated domain objects.
//
//   const watcher = await watchManifests(dir, {
//     debounceMs, logger,
//     onUpdate: ({ state, changed }) => { ... buildModel(state, previousSnapshot, options) ... },
//   });
//   ... watcher.state is the latest StoreState ... await watcher.close();
//
// onUpdate receives a StoreUpdate: an immutable StoreState (objects by kind, keyed `namespace/name`, at their last
// good version, plus every current ConfigError) and `changed`, the kinds that differ from the previous state
// ('services' | 'endpoints' | 'pods' | 'ingress' | 'exports' | 'errors'). It is called once for the initial
// load and then only when something changed. Unchanged objects and maps keep their identity across updates.
//
// Lower-level pieces, for other sources (the Kubernetes API, peer clusters) and tests: ManifestStore (a scan →
// the next state), scanManifestDir and ManifestScanner (its incremental form), loadManifestText (one file's text → decoded entries), decodeObject (one
// parsed object → domain object or issues), objectSetOf (domain objects → the maps buildModel reads).
export { watchManifests, type ManifestWatcher, type WatchOptions } from './watcher.js';
export { ManifestStore } from './store.js';
export {
  ManifestScanner,
  scanManifestDir,
  listManifestFiles,
  listManifestTree,
  type IncrementalScan,
  type ManifestTree,
  type ScannedFile,
  type ScannerOptions,
} from './scan.js';
export { loadManifestText, type FileEntry, type LoadedFile } from './load.js';
export {
  EMPTY_STATE,
  objectKey,
  objectSetOf,
  type ChangeKind,
  type ObjectSet,
  type StoreState,
  type StoreUpdate,
} from './state.js';
export { configError, formatConfigError } from './errors.js';
export { decodeObject, identityKey, formatPath, type DecodeOutcome, type ObjectIdentity } from './decode/index.js';
export { SERVICE_NAME_LABEL } from './decode/endpoint-slice.js';
export { WEIGHT_ANNOTATION } from './decode/pod.js';
