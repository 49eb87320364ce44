// The NameTable is one resource for the whole mesh. It is built once per snapshot (the sidecar and dns roles
// share it), and not at all when every entry is the same object as in the previous table: an endpoint change
// in a ClusterIP service leaves its entry (memoised per Service) untouched, so the previous resource object is
// returned and the cache sees no change. Headless endpoint changes and Service changes rebuild it.
import type { MeshSnapshot } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { nameTable } from './name-table.js';
import { nameEntryOf } from './service-resources.js';

interface Built {
  readonly snapshot: Pick<MeshSnapshot, 'clusterDomain' | 'clusterId' | 'namespaces'>;
  readonly entries: readonly object[];
  readonly resource: XdsResource;
}

const bySnapshot = new WeakMap<MeshSnapshot, XdsResource>();
let previous: Built | undefined;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function unchanged(p: Built, snapshot: MeshSnapshot, entries: readonly object[]): boolean {
  return (
    p.snapshot.clusterDomain === snapshot.clusterDomain &&
    p.snapshot.clusterId === snapshot.clusterId &&
    sameItems(p.snapshot.namespaces, snapshot.namespaces) &&
    sameItems(p.entries, entries)
  );
}

export function nameTableOf(snapshot: MeshSnapshot): XdsResource {
  const cached = bySnapshot.get(snapshot);
  if (cached) return cached;
  const entries = snapshot.services.map(nameEntryOf);
  const { clusterDomain, clusterId, namespaces } = snapshot;
  const resource = previous && unchanged(previous, snapshot, entries) ? previous.resource : nameTable(snapshot, entries);
  previous = { snapshot: { clusterDomain, clusterId, namespaces }, entries, resource };
  bySnapshot.set(snapshot, resource);
  return resource;
}
