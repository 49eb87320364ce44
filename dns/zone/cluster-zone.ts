// The zone `<clusterDomain>` of one NameTable (Kubernetes DNS-Based Service Discovery 1.1.0): the schema version,
// the `svc` and `pod` subtrees with a node per namespace, and every service that is not an import.
import type { NameService, NameTable } from '../../proxy/xds/types.js';
import { PtrRank, type IndexBuilder } from './builder.js';
import { canonical, dashedIp, fqdn } from './names.js';
import { txt } from './records.js';
import { externalNameService, headlessService, virtualIpService, type NamedEndpoint } from './services.js';

/** What `dns-version.<zone>` says when a table leaves schema_version empty: the version this code implements. */
export const DNS_SCHEMA_VERSION = '1.1.0';

/** The ready endpoints of a cluster-local headless service, named by hostname or dashed address (spec 2.1). */
function readyEndpoints(s: NameService): NamedEndpoint[] {
  return s.endpoints.filter((e) => e.ready).map((e) => ({ ip: e.ip, label: e.hostname || dashedIp(e.ip), ports: e.ports }));
}

function service(b: IndexBuilder, apex: string, s: NameService): void {
  const name = fqdn(s.name, s.namespace, 'svc', apex);
  if (s.kind === 'EXTERNAL_NAME') externalNameService(b, apex, name, s.externalName);
  else if (s.kind === 'HEADLESS') headlessService(b, apex, name, readyEndpoints(s), PtrRank.Endpoint);
  else virtualIpService(b, apex, name, s.clusterIps, s.ports, PtrRank.ClusterIp);
}

/**
 * Writes the cluster zone. Namespaces make `<ns>.svc.<zone>` and `<ns>.pod.<zone>` exist (NODATA, not NXDOMAIN);
 * pod names below the latter are answered from their label (CoreDNS `pods insecure`, see resolve.ts).
 */
export function addClusterZone(b: IndexBuilder, t: NameTable): void {
  const apex = canonical(t.clusterDomain);
  b.zone(apex);
  b.add(apex, txt(`dns-version.${apex}`, t.schemaVersion || DNS_SCHEMA_VERSION, b.ttl));
  b.name(`svc.${apex}`, apex);
  b.name(`pod.${apex}`, apex);
  const namespaces = new Set([...t.namespaces, ...t.services.map((s) => s.namespace)]);
  for (const ns of namespaces) {
    b.name(fqdn(ns, 'svc', apex), apex);
    b.podNamespace(apex, fqdn(ns, 'pod', apex));
  }
  for (const s of t.services) if (!s.imported) service(b, apex, s);
}
