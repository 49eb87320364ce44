// `meshlet sidecar`: flags → startSidecar; drains on SIGTERM, stops at once on a second signal.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { parseHostPort, parseIntInRange, parsePort } from '../common/flags.js';
import { createLogger } from '../common/log.js';
import { resolvConfUpstreams } from '../dns/forward/resolv-conf.js';
import { DEFAULT_TTL } from '../dns/zone/index.js';
import { captureOptions } from '../proxy/capture/iptables-rules.js';
import { originalDstAvailable } from '../proxy/listeners/original-dst.js';
import type { SidecarOptions } from '../proxy/sidecar.js';
import { createAccessLog, DISABLED_ACCESS_LOG } from '../proxy/telemetry/access-log.js';
import { createTracing, tracingFromEnv } from '../proxy/telemetry/tracing.js';
import { accessLogFlag, drainSecondsFlag, flag, healthListenFlag, invalid, LOG_LEVELS, logLevelFlag, oneOf, proxyAdminFlag, validated, xdsFlag, xdsModeFlag } from './options.js';
import { runProxy } from './proxy-process.js';

interface SidecarFlags {
  xds: string;
  xdsMode: string;
  nodeId?: string;
  namespace: string;
  podIp?: string;
  capture: string;
  proxyUid: string;
  proxyGid: string;
  excludeOutboundPorts: string;
  excludeOutboundCidrs: string;
  includeOutboundCidrs?: string;
  excludeInboundPorts: string;
  adminListen: string;
  healthListen: string;
  drainSeconds: string;
  dnsProxy: string;
  dnsListen: string;
  accessLog: string;
  logLevel: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The pod's addresses: --pod-ip, else the non-loopback addresses of this network namespace. */
function podIps(value: string | undefined): string[] {
  if (value !== undefined) {
    const ips = list(value);
    for (const ip of ips) if (isIP(ip) === 0) invalid(`--pod-ip "${ip}": not an IP address`);
    return ips;
  }
  return Object.values(networkInterfaces()).flatMap((ifs) => (ifs ?? []).filter((i) => !i.internal).map((i) => i.address));
}

function parse(opts: SidecarFlags): Omit<SidecarOptions, 'logger' | 'accessLog' | 'tracing'> {
  const capture = oneOf('capture', opts.capture, ['iptables', 'none']);
  const namespace = opts.namespace;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) invalid(`--namespace "${namespace}": not a Kubernetes namespace name (RFC 1123 label)`);
  const ports = (name: string, v: string): number[] => list(v).map((p) => parsePort(name, p));
  let captureConfig: SidecarOptions['capture'];
  if (capture === 'iptables') {
    if (process.platform !== 'linux') invalid('--capture iptables needs Linux; use --capture none and HTTP_PROXY=http://127.0.0.1:15001');
    if (!originalDstAvailable()) invalid('--capture iptables needs the SO_ORIGINAL_DST addon (native/); run npm ci to build it');
    const includes = opts.includeOutboundCidrs === undefined ? undefined : list(opts.includeOutboundCidrs);
    captureConfig = captureOptions({
      proxyUid: parseIntInRange('proxy-uid', opts.proxyUid, 0, 0xffffffff),
      proxyGid: parseIntInRange('proxy-gid', opts.proxyGid, 0, 0xffffffff),
      excludeOutboundPorts: ports('exclude-outbound-ports', opts.excludeOutboundPorts),
      excludeOutboundCidrs: list(opts.excludeOutboundCidrs),
      ...(includes && { includeOutboundCidrs: includes }),
      excludeInboundPorts: ports('exclude-inbound-ports', opts.excludeInboundPorts),
    });
  }
  const admin = parseHostPort('admin-listen', opts.adminListen, '127.0.0.1');
  const health = parseHostPort('health-listen', opts.healthListen);
  return {
    xds: opts.xds,
    xdsMode: oneOf('xds-mode', opts.xdsMode, ['delta', 'sotw'] as const),
    nodeId: opts.nodeId ?? `${hostname()}.${namespace}`,
    namespace,
    podIps: podIps(opts.podIp),
    admin,
    health,
    capture: captureConfig,
    dnsProxy: dnsProxy(opts),
    drainSeconds: parseIntInRange('drain-seconds', opts.drainSeconds, 0, 3600),
  };
}

/** The in-pod resolver: cluster names from the sidecar's NameTable, the rest to the pod's resolv.conf. */
function dnsProxy(opts: SidecarFlags): SidecarOptions['dnsProxy'] {
  if (oneOf('dns-proxy', opts.dnsProxy, ['on', 'off']) === 'off') return undefined;
  const listen = parseHostPort('dns-listen', opts.dnsListen, '127.0.0.1');
  return { listen, upstreams: resolvConfUpstreams(listen), ttl: DEFAULT_TTL };
}

export function registerSidecar(program: Command): void {
  program
    .command('sidecar')
    .description('run the sidecar proxy of a pod: xDS-configured listeners, HTTP/gRPC/TCP forwarding, balancing and resilience')
    .addHelpText(
      'after',
      '\nEnvironment:\n  OTEL_EXPORTER_OTLP_ENDPOINT   send a span per request (OTLP/HTTP JSON) to this base URL; unset: tracing off\n' +
        '  OTEL_SERVICE_NAME             the spans\' service name (default sidecar.<namespace>)\n',
    )
    .addOption(xdsFlag())
    .addOption(xdsModeFlag())
    .addOption(flag('--node-id <id>', 'xDS node id (default <hostname>.<namespace>)'))
    .addOption(flag('--namespace <ns>', "the pod's namespace", 'default'))
    .addOption(flag('--pod-ip <ips>', "the pod's IPs, comma-separated (default: this namespace's non-loopback addresses)"))
    .addOption(flag('--capture <mode>', 'iptables: write istio-init style nat rules in this network namespace (root); none: explicit proxy only', 'none'))
    .addOption(flag('--proxy-uid <uid>', 'with --capture iptables: traffic of this UID is not captured', '1337'))
    .addOption(flag('--proxy-gid <gid>', 'with --capture iptables: traffic of this GID is not captured; the sidecar switches to it', '1337'))
    .addOption(flag('--exclude-outbound-ports <ports>', 'destination ports never captured, comma-separated', ''))
    .addOption(flag('--exclude-outbound-cidrs <cidrs>', 'destination CIDRs never captured, comma-separated', ''))
    .addOption(flag('--include-outbound-cidrs <cidrs>', 'capture only these destination CIDRs (default: all)'))
    .addOption(flag('--exclude-inbound-ports <ports>', 'local ports never captured inbound, comma-separated', ''))
    .addOption(proxyAdminFlag())
    .addOption(healthListenFlag())
    .addOption(flag('--dns-proxy <on|off>', "answer cluster names in the pod (from xDS), forward the rest to resolv.conf's servers; with --capture iptables the pod's port 53 is redirected to it", 'on'))
    .addOption(flag('--dns-listen <host:port>', 'the DNS proxy (UDP and TCP)', '127.0.0.1:15053'))
    .addOption(drainSecondsFlag())
    .addOption(accessLogFlag())
    .addOption(logLevelFlag())
    .action(async (opts: SidecarFlags, command: Command) => {
      const parsed = validated(command, () => {
        oneOf('log-level', opts.logLevel, LOG_LEVELS);
        oneOf('access-log', opts.accessLog, ['on', 'off']);
        return { ...parse(opts), tracing: tracingFromEnv(process.env, process.env['OTEL_SERVICE_NAME'] || `sidecar.${opts.namespace}`) };
      });
      const logger = createLogger('sidecar', opts.logLevel);
      const accessLog = opts.accessLog === 'on' ? createAccessLog() : DISABLED_ACCESS_LOG;
      await runProxy(command, 'sidecar', { ...parsed, logger, accessLog, tracing: createTracing(parsed.tracing) }, logger);
    });
}
