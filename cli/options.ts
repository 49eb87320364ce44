// Helpers that make every flag also readable from MESHLET_<FLAG> (as containers are configured) and turn flag
// parse errors into one clear line on stderr with exit code 2.
import { Option, type Command } from 'commander';
import { ErrorCode, MeshletError } from '../common/errors.js';

/** `--xds-listen` → `MESHLET_XDS_LISTEN`. */
export function envName(long: string): string {
  return 'MESHLET_' + long.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/** A flag with a value, its environment twin and (optionally) a default shown in --help. */
export function flag(spec: string, description: string, defaultValue?: string): Option {
  const long = spec.split(/[ ,]+/).find((p) => p.startsWith('--')) ?? spec;
  const option = new Option(spec, description).env(envName(long));
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** Runs `parse`, turning a MeshletError into commander's error output (message + exit code 2). */
export function validated<T>(command: Command, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof MeshletError) command.error(`error: ${err.message} (${err.code})`, { exitCode: 2, code: err.code });
    throw err;
  }
}

/** pino's levels, as --log-level takes them. */
export const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** A flag error (exit code 2 through `validated`). */
export function invalid(message: string): never {
  throw new MeshletError(ErrorCode.INVALID_FLAG, message);
}

/** `value` when it is one of `allowed`, else a flag error naming `--name`. */
export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) invalid(`--${name} "${value}": expected ${allowed.join(' or ')}`);
  return value as T;
}

// The flags several commands share, defined once so that their names, defaults and help stay the same.

/** --xds: every xDS client (sidecar, node proxy, gateway, DNS). */
export const xdsFlag = (): Option => flag('--xds <host:port>', 'control plane ADS address', '127.0.0.1:15010');
export const xdsModeFlag = (): Option => flag('--xds-mode <mode>', 'delta or sotw (state of the world)', 'delta');
/** The proxy's admin and health ports, and its drain on SIGTERM (sidecar, node proxy, gateway). */
export const proxyAdminFlag = (): Option => flag('--admin-listen <host:port>', 'admin: /config_dump /clusters /listeners /stats/prometheus /ready', '127.0.0.1:15000');
export const healthListenFlag = (): Option => flag('--health-listen <host:port>', 'health: /healthz/ready', '0.0.0.0:15021');
export const drainSecondsFlag = (): Option => flag('--drain-seconds <s>', 'on SIGTERM, how long in-flight work may take before exit', '5');
export const accessLogFlag = (what = 'request or connection'): Option => flag('--access-log <on|off>', `one JSON line per ${what} on stdout`, 'on');
export const logLevelFlag = (): Option => flag('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info');
