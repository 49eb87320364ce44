// `meshlet control-plane`: flags → startControlPlane; stops cleanly on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { parseDomain, parseHostPort, parseIntInRange } from '../common/flags.js';
import { ErrorCode, MeshletError } from '../common/errors.js';
import { createLogger } from '../common/log.js';
import { startControlPlane } from '../control-plane/index.js';
import { parseCidr } from '../control-plane/model/index.js';
import type { OutboundTrafficPolicy } from '../control-plane/model/types.js';
import { flag, logLevelFlag, validated } from './options.js';

interface ControlPlaneFlags {
  manifests?: string;
  xdsListen: string;
  adminListen: string;
  serviceCidr: string;
  clusterDomain: string;
  clusterId: string;
  debounceMs: string;
  outboundTrafficPolicy: string;
  logLevel: string;
}

export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description(
      'serve Kubernetes manifests (Service, EndpointSlice, Endpoints, Pod, Ingress, ServiceExport) as xDS v3 over gRPC',
    )
    .addOption(flag('--manifests <dir>', 'directory of Kubernetes YAML to serve and watch (required)'))
    .addOption(flag('--xds-listen <host:port>', 'ADS gRPC address (state-of-the-world and delta)', '0.0.0.0:15010'))
    .addOption(flag('--admin-listen <host:port>', 'admin HTTP address: /debug/syncz, /metrics, /readyz', '127.0.0.1:15014'))
    .addOption(flag('--service-cidr <cidr>', 'range ClusterIPs are allocated from', '10.96.0.0/12'))
    .addOption(flag('--cluster-domain <domain>', 'DNS domain of the cluster', 'cluster.local'))
    .addOption(flag('--cluster-id <name>', 'name of this cluster in a multi-cluster set (MCS)', 'cluster-1'))
    .addOption(flag('--debounce-ms <ms>', 'coalesce manifest changes within this window before pushing', '100'))
    .addOption(
      flag('--outbound-traffic-policy <mode>', "sidecars' handling of destinations outside the mesh: ALLOW_ANY (pass through) or REGISTRY_ONLY (refuse)", 'ALLOW_ANY'),
    )
    .addOption(logLevelFlag())
    .action(async (opts: ControlPlaneFlags, command: Command) => {
      const options = validated(command, () => {
        if (!opts.manifests) throw new MeshletError(ErrorCode.INVALID_FLAG, '--manifests <dir> is required');
        if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(opts.logLevel)) {
          throw new MeshletError(ErrorCode.INVALID_FLAG, `--log-level "${opts.logLevel}": expected trace, debug, info, warn, error or silent`);
        }
        parseCidr(opts.serviceCidr);
        return {
          manifestsDir: opts.manifests,
          xdsListen: parseHostPort('xds-listen', opts.xdsListen),
          adminListen: parseHostPort('admin-listen', opts.adminListen, '127.0.0.1'),
          serviceCidr: opts.serviceCidr,
          clusterDomain: parseDomain('cluster-domain', opts.clusterDomain),
          clusterId: opts.clusterId,
          debounceMs: parseIntInRange('debounce-ms', opts.debounceMs, 0, 60_000),
          outboundTrafficPolicy: outboundTrafficPolicy(opts.outboundTrafficPolicy),
          logger: createLogger('control-plane', opts.logLevel),
        };
      });
      let cp;
      try {
        cp = await startControlPlane(options);
      } catch (err) {
        const text = err instanceof MeshletError ? `${err.message} (${err.code})` : (err as Error).message;
        command.error(`error: cannot start the control plane: ${text}`, { exitCode: 1 });
      }
      const stop = (signal: string): void => {
        options.logger.info({ signal }, 'shutting down');
        void cp.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}

function outboundTrafficPolicy(value: string): OutboundTrafficPolicy {
  const upper = value.toUpperCase().replace(/-/g, '_');
  if (upper === 'ALLOW_ANY' || upper === 'REGISTRY_ONLY') return upper;
  throw new MeshletError(ErrorCode.INVALID_FLAG, `--outbound-traffic-policy "${value}": expected ALLOW_ANY or REGISTRY_ONLY`);
}
