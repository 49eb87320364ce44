// `meshlet gateway`: the proxy in role `gateway`, Istio's ingress gateway pod. It tells the control plane its
// ports (node metadata GATEWAY_HTTP_PORT / GATEWAY_HTTPS_PORT), gets listeners 0.0.0.0_<httpPort> and
// 0.0.0.0_<httpsPort> back and binds them on the hosts of --http-listen / --https-listen. Requests enter the mesh
// here: x-forwarded-for / -proto, x-request-id, a trace started with a server span, and limits against slow or
// oversized requests. No capture, no DNS proxy.
import type { Command } from 'commander';
import { parseHostPort, parseIntInRange, type HostPort } from '../common/flags.js';
import { createLogger } from '../common/log.js';
import type { HttpLimits } from '../proxy/http/connection-guard.js';
import type { SidecarOptions } from '../proxy/sidecar.js';
import { createAccessLog, DISABLED_ACCESS_LOG } from '../proxy/telemetry/access-log.js';
import { createTracing, tracingFromEnv } from '../proxy/telemetry/tracing.js';
import { accessLogFlag, drainSecondsFlag, flag, healthListenFlag, invalid, LOG_LEVELS, logLevelFlag, oneOf, proxyAdminFlag, validated, xdsFlag, xdsModeFlag } from './options.js';
import { localIps, parseNodeName, parseXds, runProxy } from './proxy-process.js';

export interface GatewayFlags {
  xds: string;
  xdsMode: string;
  nodeName?: string;
  namespace: string;
  httpListen: string;
  httpsListen: string;
  adminListen: string;
  healthListen: string;
  drainSeconds: string;
  maxRequestHeadersKb: string;
  maxHeaders: string;
  requestHeadersTimeoutMs: string;
  requestTimeoutMs: string;
  idleTimeoutMs: string;
  maxConnections: string;
  accessLog: string;
  logLevel: string;
}

const DAY_MS = 86_400_000;

function listenFlag(name: string, value: string): HostPort {
  const hp = parseHostPort(name, value);
  if (hp.port === 0) invalid(`--${name} "${value}": needs a port (the control plane names the listener after it)`);
  return hp;
}

/**
 * The listener manager has one bind address for every 0.0.0.0 listener (and a port map), so both listeners share
 * a host: the host of the two flags, unless it is 0.0.0.0 itself.
 */
function bindAddress(http: HostPort, https: HostPort): string | undefined {
  if (http.port === https.port) invalid(`--http-listen and --https-listen: both on port ${http.port}`);
  if (http.host !== https.host) invalid(`--http-listen "${http.host}" and --https-listen "${https.host}": both must bind the same host`);
  return http.host === '0.0.0.0' ? undefined : http.host;
}

function limits(opts: GatewayFlags): HttpLimits {
  return {
    maxRequestHeadersBytes: parseIntInRange('max-request-headers-kb', opts.maxRequestHeadersKb, 1, 8192) * 1024,
    maxHeaders: parseIntInRange('max-headers', opts.maxHeaders, 1, 10_000),
    requestHeadersTimeoutMs: parseIntInRange('request-headers-timeout-ms', opts.requestHeadersTimeoutMs, 0, DAY_MS),
    requestTimeoutMs: parseIntInRange('request-timeout-ms', opts.requestTimeoutMs, 0, DAY_MS),
    idleTimeoutMs: parseIntInRange('idle-timeout-ms', opts.idleTimeoutMs, 0, DAY_MS),
  };
}

/** The flags as startSidecar options (without logger, access log and tracing). */
export function gatewayOptions(opts: GatewayFlags): Omit<SidecarOptions, 'logger' | 'accessLog' | 'tracing'> {
  const namespace = opts.namespace;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) invalid(`--namespace "${namespace}": not a Kubernetes namespace name (RFC 1123 label)`);
  const http = listenFlag('http-listen', opts.httpListen);
  const https = listenFlag('https-listen', opts.httpsListen);
  const bind = bindAddress(http, https);
  return {
    role: 'gateway',
    xds: parseXds(opts.xds),
    xdsMode: oneOf('xds-mode', opts.xdsMode, ['delta', 'sotw'] as const),
    nodeId: parseNodeName(opts.nodeName),
    namespace,
    podIps: localIps('pod-ip', undefined),
    admin: parseHostPort('admin-listen', opts.adminListen, '127.0.0.1'),
    health: parseHostPort('health-listen', opts.healthListen),
    capture: undefined,
    dnsProxy: undefined,
    drainSeconds: parseIntInRange('drain-seconds', opts.drainSeconds, 0, 3600),
    gateway: {
      httpPort: http.port,
      httpsPort: https.port,
      httpLimits: limits(opts),
      maxConnections: parseIntInRange('max-connections', opts.maxConnections, 1, 1_000_000),
    },
    ...(bind !== undefined && { bindAddress: bind }),
  };
}

export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('run the ingress gateway (role gateway): HTTP and HTTPS listeners from the control plane, routing into the mesh')
    .addHelpText(
      'after',
      '\nEnvironment:\n  OTEL_EXPORTER_OTLP_ENDPOINT   send a span per request (OTLP/HTTP JSON) to this base URL; unset: tracing off\n' +
        "  OTEL_SERVICE_NAME             the spans' service name (default gateway.<namespace>)\n",
    )
    .addOption(xdsFlag())
    .addOption(xdsModeFlag())
    .addOption(flag('--node-name <name>', 'the xDS node id, e.g. <pod>.<namespace> (default: the hostname)'))
    .addOption(flag('--namespace <ns>', "the gateway's namespace", 'default'))
    .addOption(flag('--http-listen <host:port>', 'plain HTTP: the listener 0.0.0.0_<port> is bound on this host', '0.0.0.0:8080'))
    .addOption(flag('--https-listen <host:port>', 'HTTPS: the listener 0.0.0.0_<port> is bound on this host (the same as --http-listen)', '0.0.0.0:8443'))
    .addOption(proxyAdminFlag())
    .addOption(healthListenFlag())
    .addOption(drainSecondsFlag())
    .addOption(flag('--max-request-headers-kb <kb>', 'request header section size limit; over it: 431', '60'))
    .addOption(flag('--max-headers <n>', 'request header fields limit; over it: 431', '100'))
    .addOption(flag('--request-headers-timeout-ms <ms>', 'the whole header section must arrive within this, else 408 and close (0: off)', '10000'))
    .addOption(flag('--request-timeout-ms <ms>', 'the whole request, body included, must arrive within this (0: off)', '60000'))
    .addOption(flag('--idle-timeout-ms <ms>', 'close a kept-alive HTTP/1 connection idle this long', '60000'))
    .addOption(flag('--max-connections <n>', 'downstream connections open at once; more are closed at once', '10000'))
    .addOption(accessLogFlag())
    .addOption(logLevelFlag())
    .action(async (opts: GatewayFlags, command: Command) => {
      const parsed = validated(command, () => {
        oneOf('log-level', opts.logLevel, LOG_LEVELS);
        oneOf('access-log', opts.accessLog, ['on', 'off']);
        return { ...gatewayOptions(opts), tracing: tracingFromEnv(process.env, process.env['OTEL_SERVICE_NAME'] || `gateway.${opts.namespace}`) };
      });
      const logger = createLogger('gateway', opts.logLevel);
      const accessLog = opts.accessLog === 'on' ? createAccessLog() : DISABLED_ACCESS_LOG;
      await runProxy(command, 'gateway', { ...parsed, logger, accessLog, tracing: createTracing(parsed.tracing) }, logger);
    });
}
