// NDS: meshlet.v1.NameTable (xds/proto/meshlet/v1/name_table.proto), everything the cluster DNS server needs
// to answer per the Kubernetes DNS specification, one resource per cluster domain, named after it.
// Pod records (`a-b-c-d.<ns>.pod.<zone>`) are derived by the DNS server from the address and `namespaces`, as
// CoreDNS's `pods insecure` mode does, so pods are not listed. Multi-cluster fields stay empty until imports exist.
import type { MeshSnapshot, ResolvedService } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { NAME_TABLE } from '../../xds/type-urls.js';
import { resource } from './encode.js';
import { NameServiceKind } from './enums.js';

/** The version of the Kubernetes DNS-Based Service Discovery specification served (`dns-version.<zone>` TXT). */
export const DNS_SCHEMA_VERSION = '1.1.0';

type Body = Record<string, unknown>;

/** What an entry is made of (the fqdn is implied by name, namespace and the table's cluster domain). */
export type NameSource = Pick<ResolvedService, 'service' | 'clusterIP' | 'headless' | 'ports'>;

function namePort(name: string, protocol: string, port: number): Body {
  return { name, protocol: protocol.toLowerCase(), port };
}

/**
 * A headless service's backends, one per address, with the ports each serves (SRV records of a headless service
 * point at `<hostname or dashed ip>.<svc>.<ns>.svc.<zone>` with the endpoint's own port). `ready` is what DNS
 * must honour: the endpoint's readiness, or true for every endpoint when the Service sets
 * publishNotReadyAddresses (its purpose: StatefulSet peers finding each other before they are ready).
 */
function headlessEndpoints(rs: NameSource): Body[] {
  const publishAll = rs.service.publishNotReadyAddresses;
  const byIp = new Map<string, { ip: string; hostname?: string; ready: boolean; ports: Body[] }>();
  for (const rp of rs.ports) {
    for (const e of rp.endpoints) {
      let entry = byIp.get(e.ip);
      if (!entry) {
        entry = { ip: e.ip, ready: false, ports: [] };
        if (e.hostname) entry.hostname = e.hostname;
        byIp.set(e.ip, entry);
      }
      entry.ready ||= publishAll || e.ready;
      if (!entry.ports.some((p) => p.name === rp.port.name)) entry.ports.push(namePort(rp.port.name, rp.port.protocol, e.port));
    }
  }
  return [...byIp.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

function kindOf(rs: NameSource): number {
  if (rs.service.type === 'ExternalName') return NameServiceKind.EXTERNAL_NAME;
  return rs.headless ? NameServiceKind.HEADLESS : NameServiceKind.CLUSTER_IP;
}

/**
 * One service's entry. Only headless services list endpoints, so a ClusterIP service's entry does not change
 * when its endpoints do (the memo in service-resources.ts relies on that).
 */
export function nameService(rs: NameSource): Body {
  const s = rs.service;
  const kind = kindOf(rs);
  // Empty fields are left out rather than set to '': protobufjs encodes a field that is present even when it
  // holds the proto3 default, and these entries are repeated ten thousand times.
  const entry: Body = { name: s.meta.name, namespace: s.meta.namespace, kind };
  if (rs.clusterIP !== undefined) entry.cluster_ips = [rs.clusterIP];
  if (kind === NameServiceKind.EXTERNAL_NAME && s.externalName) entry.external_name = s.externalName;
  entry.ports = s.ports.map((p) => namePort(p.name, p.protocol, p.port));
  if (kind === NameServiceKind.HEADLESS) entry.endpoints = headlessEndpoints(rs);
  return entry;
}

export const CLUSTERSET_DOMAIN = 'clusterset.local';

/** The whole table; `services` are the entries of `snapshot.services`, in its order (namespace, then name). */
export function nameTable(snapshot: MeshSnapshot, services: readonly Body[]): XdsResource {
  return resource(NAME_TABLE, snapshot.clusterDomain, {
    cluster_domain: snapshot.clusterDomain,
    // The MCS DNS zone (KEP-1645, "DNS"): served even before anything is imported, so that its names are
    // answered (NXDOMAIN) authoritatively rather than forwarded out of the cluster.
    clusterset_domain: CLUSTERSET_DOMAIN,
    cluster_id: snapshot.clusterId,
    services,
    namespaces: [...snapshot.namespaces],
    schema_version: DNS_SCHEMA_VERSION,
  });
}
