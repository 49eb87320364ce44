// `meshlet node-proxy`: the proxy in role `node` on a Kubernetes node — kube-proxy's job for traffic from outside
// the cluster. The control plane sends it a bound listener per nodePort (0.0.0.0_<nodePort>) and per
// LoadBalancer IP:port, each forwarding at L4 to the Service's endpoints. No capture, no DNS proxy.
// A LoadBalancer listener binds its IP, so the node's network namespace must own that address (as kube-proxy in
// IPVS mode puts LoadBalancer IPs on its kube-ipvs0 dummy interface), e.g. `ip addr add <lbIP>/32 dev lo`.
import type { Command } from 'commander';
import { parseHostPort, parseIntInRange } from '../common/flags.js';
import { createLogger } from '../common/log.js';
import type { SidecarOptions } from '../proxy/sidecar.js';
import { createAccessLog, DISABLED_ACCESS_LOG } from '../proxy/telemetry/access-log.js';
import { DISABLED_TRACING } from '../proxy/telemetry/tracing.js';
import { accessLogFlag, drainSecondsFlag, flag, healthListenFlag, LOG_LEVELS, logLevelFlag, oneOf, proxyAdminFlag, validated, xdsFlag, xdsModeFlag } from './options.js';
import { localIps, parseNodeName, parseXds, runProxy } from './proxy-process.js';

interface NodeProxyFlags {
  xds: string;
  xdsMode: string;
  nodeName?: string;
  nodeIp?: string;
  adminListen: string;
  healthListen: string;
  drainSeconds: string;
  accessLog: string;
  logLevel: string;
}

type Parsed = Omit<SidecarOptions, 'logger' | 'accessLog' | 'tracing'>;

function parse(opts: NodeProxyFlags): Parsed {
  const nodeName = parseNodeName(opts.nodeName);
  return {
    role: 'node',
    xds: parseXds(opts.xds),
    xdsMode: oneOf('xds-mode', opts.xdsMode, ['delta', 'sotw'] as const),
    nodeId: nodeName,
    namespace: 'default',
    podIps: localIps('node-ip', opts.nodeIp),
    admin: parseHostPort('admin-listen', opts.adminListen, '127.0.0.1'),
    health: parseHostPort('health-listen', opts.healthListen),
    capture: undefined,
    dnsProxy: undefined,
    drainSeconds: parseIntInRange('drain-seconds', opts.drainSeconds, 0, 3600),
  };
}

export function registerNodeProxy(program: Command): void {
  program
    .command('node-proxy')
    .description("run the proxy of a node (role node): nodePorts and LoadBalancer IPs forwarded to the Services' endpoints, as kube-proxy")
    .addOption(xdsFlag())
    .addOption(xdsModeFlag())
    .addOption(flag('--node-name <name>', 'the node name, used as the xDS node id (default: the hostname)'))
    .addOption(flag('--node-ip <ips>', "the node's IPs, comma-separated (default: this namespace's non-loopback addresses)"))
    .addOption(proxyAdminFlag())
    .addOption(healthListenFlag())
    .addOption(drainSecondsFlag())
    .addOption(accessLogFlag('connection'))
    .addOption(logLevelFlag())
    .action(async (opts: NodeProxyFlags, command: Command) => {
      const parsed = validated(command, () => {
        oneOf('log-level', opts.logLevel, LOG_LEVELS);
        oneOf('access-log', opts.accessLog, ['on', 'off']);
        return parse(opts);
      });
      const logger = createLogger('node-proxy', opts.logLevel);
      const accessLog = opts.accessLog === 'on' ? createAccessLog() : DISABLED_ACCESS_LOG;
      await runProxy(command, 'node proxy', { ...parsed, logger, accessLog, tracing: DISABLED_TRACING }, logger);
    });
}
