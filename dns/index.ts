// `meshlet dns` as a library: the cluster DNS server. UDP and TCP listeners share one handler; the cluster
// zones come from the NameTable over xDS (role `dns`, NameTable only) and are rebuilt and swapped whole on
// every update; everything else is forwarded upstream.
//
//   const dns = await startDns({ listen: { host: '0.0.0.0', port: 53 }, upstreams, ttl: 5,
//                                xds: { address: '127.0.0.1:15010', nodeId: 'dns.host', mode: 'delta' }, logger });
//   await dns.synced; ... await dns.close();
import type { HostPort } from '../common/flags.js';
import type { Logger } from '../common/log.js';
import { AdsClient, dnsNode, type AdsMode } from '../proxy/xds/ads-client.js';
import type { NameTable } from '../proxy/xds/types.js';
import { NAME_TABLE } from '../xds/type-urls.js';
import type { BuildZones } from './answer-types.js';
import { Forwarder, type ForwarderCounters } from './forward/forwarder.js';
import type { Upstream } from './forward/upstream.js';
import { DnsHandler, type HandlerCounters } from './server/handler.js';
import { listenTcp, type TcpListener } from './server/tcp.js';
import { listenUdp, type UdpListener } from './server/udp.js';
import { ZoneTemplates } from './server/zone-templates.js';
import { buildZones as realBuildZones } from './zone/index.js';

export interface DnsOptions {
  readonly listen: HostPort;
  /** Where questions outside the cluster zones go; none: they get SERVFAIL. */
  readonly upstreams: readonly Upstream[];
  /** TTL of cluster-zone answers (seconds). */
  readonly ttl: number;
  /** The control plane; without it the zones stay unsynced until `setTables` (tests). */
  readonly xds?: { readonly address: string; readonly nodeId: string; readonly mode: AdsMode };
  readonly logger: Logger;
  /** Upstream timeout until SERVFAIL; default 2000 ms. */
  readonly upstreamTimeoutMs?: number;
  readonly tcpIdleMs?: number;
  readonly maxTcpConnections?: number;
  /** The answering core; default dns/zone (tests may pass a fake). */
  readonly buildZones?: BuildZones;
}

export interface DnsServer {
  readonly udpAddress: HostPort;
  readonly tcpAddress: HostPort;
  /** Resolves when the first NameTable has been applied (never without `xds` until `setTables`). */
  readonly synced: Promise<void>;
  /** Rebuilds the zones from `tables` and swaps them in (what each xDS update does). */
  setTables(tables: readonly NameTable[]): void;
  counters(): HandlerCounters & ForwarderCounters;
  close(): Promise<void>;
}

export async function startDns(o: DnsOptions): Promise<DnsServer> {
  const log = o.logger;
  const build = o.buildZones ?? realBuildZones;
  const zones = new ZoneTemplates(build(undefined, { ttl: o.ttl }), log);
  const forwarder = new Forwarder({ upstreams: o.upstreams, logger: log, ...(o.upstreamTimeoutMs !== undefined && { timeoutMs: o.upstreamTimeoutMs }) });
  const handler = new DnsHandler(zones, forwarder);
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const setTables = (tables: readonly NameTable[]): void => {
    try {
      zones.swap(build(tables, { ttl: o.ttl }));
    } catch (err) {
      log.error({ err }, 'cannot build the cluster zones from the NameTable; the previous ones stay');
      return;
    }
    log.info({ tables: tables.length, services: tables.reduce((n, t) => n + t.services.length, 0) }, 'cluster zones updated');
    markSynced();
  };

  let udp: UdpListener | undefined;
  let tcp: TcpListener | undefined;
  let xds: AdsClient | undefined;
  const close = async (): Promise<void> => {
    xds?.close();
    forwarder.close();
    await Promise.all([udp?.close(), tcp?.close()]);
  };
  try {
    await forwarder.start();
    udp = await listenUdp(handler, o.listen.host, o.listen.port, log);
    // Port 0 (tests): TCP on the port UDP got, as clients retry a truncated answer on the same port.
    tcp = await listenTcp(handler, o.listen.host, udp.address.port, log, {
      ...(o.tcpIdleMs !== undefined && { idleMs: o.tcpIdleMs }),
      ...(o.maxTcpConnections !== undefined && { maxConnections: o.maxTcpConnections }),
    });
  } catch (err) {
    await close();
    throw err;
  }
  if (o.xds !== undefined) {
    const client = new AdsClient({ address: o.xds.address, node: dnsNode(o.xds.nodeId), mode: o.xds.mode, types: [NAME_TABLE], logger: log });
    xds = client;
    client.on('config', (config) => {
      if (client.ready) setTables([...config.nameTables.values()]);
    });
    client.on('ready', (config) => setTables([...config.nameTables.values()]));
    client.on('nack', (n) => log.warn({ errors: n.errors }, 'NameTable rejected (NACK); the last good zones stay'));
    client.on('disconnected', (d) => log.warn({ code: d.code, details: d.details, retryInMs: d.retryInMs }, 'xDS stream ended; serving the last good zones'));
    client.start();
  }
  log.info({ udp: udp.address, tcp: tcp.address, upstreams: o.upstreams, xds: o.xds?.address }, 'cluster DNS listening');
  return {
    udpAddress: udp.address,
    tcpAddress: tcp.address,
    synced,
    setTables,
    counters: () => ({ ...handler.counters, ...forwarder.counters }),
    close,
  };
}
