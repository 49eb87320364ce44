// What `meshlet sidecar` and `meshlet node-proxy` share once their flags are parsed: start the proxy (a failure
// is one line on stderr, exit 1), then drain on SIGTERM, stop on SIGINT, and exit at once on a second signal.
import type { Command } from 'commander';
import { MeshletError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../proxy/sidecar.js';

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
