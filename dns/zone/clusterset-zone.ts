// The zone `<clustersetDomain>` (clusterset.local) of the imported services, per the Kubernetes DNS-Based
// Multicluster Service Discovery specification (KEP-1645). A ClusterSetIP service has no per-cluster names
// (2.3.4); a headless import names each ready endpoint `<hostname>.<clusterid>.<svc>.<ns>.svc.<zone>` (2.4.1).
import type { NameService, NameTable } from '../../proxy/xds/types.js';
import { PtrRank, type IndexBuilder } from './builder.js';
import { canonical, dashedIp, fqdn } from './names.js';
import { txt } from './records.js';
import { headlessService, virtualIpService, type NamedEndpoint } from './services.js';

/** The version of the multicluster DNS specification served at `dns-version.<clustersetzone>` (its 2.2). */
export const MCS_DNS_SCHEMA_VERSION = '1.0.0';

/**
 * The ready endpoints of a headless import across clusters. NameEndpoint has no cluster field, so the cluster of
 * `endpoints[i]` is read from `clusterIds[i]` (parallel lists); where that is missing, the table's own cluster.
 */
function readyEndpoints(s: NameService, ownCluster: string): NamedEndpoint[] {
  const out: NamedEndpoint[] = [];
  s.endpoints.forEach((e, i) => {
    const cluster = s.clusterIds[i] || ownCluster;
    if (e.ready && cluster !== '') out.push({ ip: e.ip, label: `${e.hostname || dashedIp(e.ip)}.${cluster}`, ports: e.ports });
  });
  return out;
}

function imported(b: IndexBuilder, apex: string, s: NameService, ownCluster: string): void {
  const name = fqdn(s.name, s.namespace, 'svc', apex);
  if (s.kind === 'HEADLESS') headlessService(b, apex, name, readyEndpoints(s, ownCluster), PtrRank.ImportedEndpoint);
  else if (s.kind === 'CLUSTER_IP') virtualIpService(b, apex, name, s.clustersetIps, s.ports, PtrRank.ClustersetIp);
}

/**
 * Writes the clusterset zone of a table (nothing when the table names no clusterset domain). Namespace sameness:
 * every namespace of the table exists as `<ns>.svc.<clustersetzone>`. There are no pod names in this zone.
 */
export function addClustersetZone(b: IndexBuilder, t: NameTable): void {
  if (t.clustersetDomain === '') return;
  const apex = canonical(t.clustersetDomain);
  b.zone(apex);
  b.add(apex, txt(`dns-version.${apex}`, MCS_DNS_SCHEMA_VERSION, b.ttl));
  b.name(`svc.${apex}`, apex);
  const imports = t.services.filter((s) => s.imported);
  for (const ns of new Set([...t.namespaces, ...imports.map((s) => s.namespace)])) b.name(fqdn(ns, 'svc', apex), apex);
  for (const s of imports) imported(b, apex, s, t.clusterId);
}
