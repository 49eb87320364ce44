// The records of one service name `<svc>.<ns>.svc.<zone>`, the same in the cluster zone (Kubernetes DNS
// specification 2.3-2.5) and the clusterset zone (MCS DNS specification 2.3-2.4): only the addresses and the
// endpoint labels differ, and the caller supplies them.
import { isIP } from 'node:net';
import type { NamePort } from '../../proxy/xds/types.js';
import type { IndexBuilder, PtrRank } from './builder.js';
import { canonical } from './names.js';
import { cname } from './records.js';

/** `_<port>._<proto>.<service>` for a named port; unnamed ports have no SRV name of their own (spec 2.3.2). */
function portName(p: NamePort, service: string): string | undefined {
  return p.name === '' ? undefined : `_${canonical(p.name)}._${canonical(p.protocol)}.${service}`;
}

/**
 * SRV records pointing at `target` for `ports`: one per named port under its own name, and all ports (named or
 * not) at the service name itself, as CoreDNS answers an SRV question without port labels.
 */
function srvRecords(b: IndexBuilder, apex: string, service: string, ports: readonly NamePort[], target: string): void {
  for (const p of ports) {
    b.srv(apex, service, p.port, target);
    const named = portName(p, service);
    if (named !== undefined) b.srv(apex, named, p.port, target);
  }
}

/** A Service with ClusterIP(s) (or an imported one with ClusterSetIP(s)): A/AAAA by family, SRV, PTR. */
export function virtualIpService(
  b: IndexBuilder,
  apex: string,
  service: string,
  ips: readonly string[],
  ports: readonly NamePort[],
  rank: PtrRank,
): void {
  b.name(service, apex);
  for (const ip of ips) {
    b.address(apex, service, ip);
    b.ptr(ip, service, rank);
  }
  srvRecords(b, apex, service, ports, service);
}

/** A ready backend of a headless service, with the label that names it below the service. */
export interface NamedEndpoint {
  readonly ip: string;
  /** `<hostname>` (or the dashed address), or `<hostname>.<clusterid>` in the clusterset zone. */
  readonly label: string;
  readonly ports: readonly NamePort[];
}

/**
 * A headless service: one A/AAAA per ready endpoint at the service name, one at `<label>.<service>`, SRV
 * records per endpoint and port pointing at the latter, and its PTR. With no ready endpoint the name does not
 * exist at all (NXDOMAIN, spec 2.4.1), so nothing is written.
 */
export function headlessService(
  b: IndexBuilder,
  apex: string,
  service: string,
  ready: readonly NamedEndpoint[],
  rank: PtrRank,
): void {
  for (const e of ready) {
    const host = `${canonical(e.label)}.${service}`;
    b.address(apex, service, e.ip);
    b.address(apex, host, e.ip);
    b.ptr(e.ip, host, rank);
    srvRecords(b, apex, service, e.ports, host);
  }
}

/**
 * An ExternalName service: a CNAME to the external name (spec 2.5), answered for every type without chasing the
 * target. An external name that is an IP address gets no record, as CoreDNS skips it (not a host name).
 */
export function externalNameService(b: IndexBuilder, apex: string, service: string, externalName: string): void {
  if (externalName === '' || isIP(externalName) !== 0) return;
  b.add(apex, cname(service, canonical(externalName), b.ttl));
}
