// `meshlet dns`: flags → startDns; stops cleanly on SIGINT/SIGTERM.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { MeshletError } from '../common/errors.js';
import { parseHostPort, parseIntInRange } from '../common/flags.js';
import { createLogger } from '../common/log.js';
import { startDns, type DnsOptions } from '../dns/index.js';
import { resolvConfUpstreams } from '../dns/forward/resolv-conf.js';
import { formatUpstream, parseUpstream, type Upstream } from '../dns/forward/upstream.js';
import { flag, invalid, LOG_LEVELS, logLevelFlag, oneOf, validated, xdsFlag, xdsModeFlag } from './options.js';

interface DnsFlags {
  xds: string;
  xdsMode: string;
  nodeId?: string;
  listen: string;
  upstream?: string;
  ttl: string;
  logLevel: string;
}

/** `--upstream 10.0.0.10,10.0.0.11:5353,[2001:db8::1]:53` (the flag may also be repeated). */
function upstreams(value: string): Upstream[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) invalid(`--upstream "${value}": expected IP[:PORT], comma-separated`);
  return items.map((item) => {
    const parsed = parseUpstream(item);
    if (!parsed.ok) invalid(`--upstream "${item}": ${parsed.error}`);
    return parsed.upstream;
  });
}

function parse(opts: DnsFlags): Omit<DnsOptions, 'logger'> {
  const listen = parseHostPort('listen', opts.listen);
  parseHostPort('xds', opts.xds, '127.0.0.1');
  const nodeId = opts.nodeId ?? `dns.${hostname()}`;
  if (nodeId.trim() === '') invalid('--node-id: must not be empty');
  return {
    listen,
    upstreams: opts.upstream === undefined ? resolvConfUpstreams(listen) : upstreams(opts.upstream),
    ttl: parseIntInRange('ttl', opts.ttl, 0, 3600),
    xds: { address: opts.xds, nodeId, mode: oneOf('xds-mode', opts.xdsMode, ['delta', 'sotw'] as const) },
  };
}

/** Repeated --upstream flags add up (commander keeps the last value otherwise). */
function collect(value: string, previous: string | undefined): string {
  return previous === undefined ? value : `${previous},${value}`;
}

export function registerDns(program: Command): void {
  program
    .command('dns')
    .description('run the cluster DNS server: Service and Pod names from the control plane (xDS NameTable), other names forwarded upstream')
    .addOption(xdsFlag())
    .addOption(xdsModeFlag())
    .addOption(flag('--node-id <id>', 'xDS node id (default dns.<hostname>)'))
    .addOption(flag('--listen <host:port>', 'UDP and TCP address to answer on', '0.0.0.0:53'))
    .addOption(flag('--upstream <ip[:port]>', 'upstream resolvers, comma-separated or repeated (default: the nameservers of /etc/resolv.conf)').argParser(collect))
    .addOption(flag('--ttl <seconds>', 'TTL of cluster answers, 0-3600', '5'))
    .addOption(logLevelFlag())
    .action(async (opts: DnsFlags, command: Command) => {
      const parsed = validated(command, () => {
        oneOf('log-level', opts.logLevel, LOG_LEVELS);
        return parse(opts);
      });
      const logger = createLogger('dns', opts.logLevel);
      if (parsed.upstreams.length === 0) logger.warn('no upstream resolver (--upstream or /etc/resolv.conf): names outside the cluster get SERVFAIL');
      else logger.info({ upstreams: parsed.upstreams.map(formatUpstream) }, 'forwarding other names upstream');
      let dns;
      try {
        dns = await startDns({ ...parsed, logger });
      } catch (err) {
        const text = err instanceof MeshletError ? `${err.message} (${err.code})` : (err as Error).message;
        command.error(`error: cannot start the DNS server: ${text}`, { exitCode: 1 });
      }
      const stop = (signal: string): void => {
        logger.info({ signal }, 'shutting down');
        void dns.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
