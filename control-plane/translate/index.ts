// Translation: pure functions from the model's MeshSnapshot to the xDS resources of one config group.
// No I/O, no clock, no process.env: the same snapshot and group always give the same resources (and, thanks to
// the memo in service-resources.ts, the same resource objects for whatever did not change).
//
// One module per xDS resource type, as grpc-js-xds and go-control-plane are organised:
//   cluster.ts (CDS) · endpoint.ts (EDS) · listener-outbound.ts, listener-virtual.ts, listener-api.ts, listener-node.ts (LDS) ·
//   route.ts (RDS) · name-table.ts (meshlet.v1.NameTable); protocol.ts decides HTTP vs TCP per port; names.ts
//   spells every name; roles.ts says which role gets what; consistency.ts checks a finished set.
import type { MeshSnapshot } from '../model/types.js';
import type { ResourceSet } from '../../xds/resource.js';
import { addGateway, addNameTable, addNode, addProxyless, addSidecar, ROLE_TYPES, SetBuilder } from './roles.js';
import { groupKey, type ConfigGroup } from './types.js';

const sets = new WeakMap<MeshSnapshot, Map<string, ResourceSet>>();

/** The resources of `group` for `snapshot`; asking twice for the same pair returns the same set. */
export function translate(snapshot: MeshSnapshot, group: ConfigGroup): ResourceSet {
  let bySnapshot = sets.get(snapshot);
  if (!bySnapshot) {
    bySnapshot = new Map();
    sets.set(snapshot, bySnapshot);
  }
  const key = groupKey(group);
  let set = bySnapshot.get(key);
  if (!set) {
    set = build(snapshot, group);
    bySnapshot.set(key, set);
  }
  return set;
}

function build(snapshot: MeshSnapshot, group: ConfigGroup): ResourceSet {
  const out = new SetBuilder(ROLE_TYPES[group.role]);
  switch (group.role) {
    case 'sidecar':
      addSidecar(out, snapshot);
      break;
    case 'proxyless':
      addProxyless(out, snapshot, group.namespace);
      break;
    case 'gateway':
      addGateway(out, snapshot, group.gatewayPorts);
      break;
    case 'node':
      addNode(out, snapshot);
      break;
    case 'dns':
      break;
  }
  addNameTable(out, snapshot);
  return out.build();
}

export { canonicalGroup, ROLE_TYPES } from './roles.js';
export { checkConsistency } from './consistency.js';
export { portProtocol, isHttp, isHttp2, type PortProtocol } from './protocol.js';
export * as names from './names.js';
export { DNS_SCHEMA_VERSION } from './name-table.js';
