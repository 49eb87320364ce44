// What `meshlet sidecar`, `meshlet node-proxy` and `meshlet gateway` share: a few flag parsers, and once the
// flags are parsed, starting the proxy (a failure is one line on stderr, exit 1), then drain on SIGTERM, stop on
// SIGINT, and exit at once on a second signal.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { MeshletError } from '../common/errors.js';
import { parseHostPort } from '../common/flags.js';
import type { Logger } from '../common/log.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../proxy/sidecar.js';
import { invalid } from './options.js';

/** `host:port`, checked here so that a typo fails at start-up instead of as endless reconnects. */
export function parseXds(value: string): string {
  const { host, port } = parseHostPort('xds', value, '127.0.0.1');
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The xDS node id from --node-name (default: the hostname), an RFC 1123 subdomain such as `<pod>.<ns>`. */
export function parseNodeName(value: string | undefined): string {
  const name = value ?? hostname();
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    invalid(`--node-name "${name}": not a Kubernetes node name (RFC 1123 subdomain)`);
  }
  return name;
}

/** The addresses given in `--<flag>` (comma-separated), else the non-loopback addresses of this network namespace. */
export function localIps(flag: string, value: string | undefined): string[] {
  if (value !== undefined) {
    const ips = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (ips.length === 0) invalid(`--${flag}: empty; give one or more IP addresses, comma-separated`);
    for (const ip of ips) if (isIP(ip) === 0) invalid(`--${flag} "${ip}": not an IP address`);
    return ips;
  }
  return Object.values(networkInterfaces()).flatMap((ifs) => (ifs ?? []).filter((i) => !i.internal).map((i) => i.address));
}

export async function runProxy(command: Command, what: string, options: SidecarOptions, logger: Logger): Promise<void> {
  let proxy: Sidecar;
  try {
    proxy = await startSidecar(options);
  } catch (err) {
    const text = err instanceof MeshletError ? `${err.message} (${err.code})` : (err as Error).message;
    command.error(`error: cannot start the ${what}: ${text}`, { exitCode: 1 });
  }
  let signals = 0;
  const onSignal = (signal: string): void => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, 'shutting down');
    void (signal === 'SIGTERM' ? proxy.drain() : proxy.stop()).then(() => process.exit(0));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
