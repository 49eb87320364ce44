// `meshlet proxy-status`: the xDS sync table of every connected proxy, read from the control plane's admin port.
import type { Command } from 'commander';
import { formatHostPort, parseHostPort } from '../common/flags.js';
import { formatProxyStatus } from '../control-plane/admin/proxy-status.js';
import type { SynczEntry } from '../control-plane/admin/syncz.js';
import { flag, validated } from './options.js';

export function registerProxyStatus(program: Command): void {
  program
    .command('proxy-status')
    .description('show, per connected proxy and xDS type, whether it is SYNCED, STALE, NACKED or NOT SENT')
    .addOption(flag('--admin <host:port>', 'control-plane admin address', '127.0.0.1:15014'))
    .option('--json', 'print the raw /debug/syncz JSON')
    .action(async (opts: { admin: string; json?: boolean }, command: Command) => {
      const admin = validated(command, () => parseHostPort('admin', opts.admin, '127.0.0.1'));
      const url = `http://${formatHostPort(admin)}/debug/syncz`;
      let entries: SynczEntry[];
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        entries = (await res.json()) as SynczEntry[];
      } catch (err) {
        command.error(`error: cannot read ${url}: ${(err as Error).message} (is \`meshlet control-plane\` running?)`, {
          exitCode: 1,
        });
      }
      process.stdout.write(opts.json ? JSON.stringify(entries, null, 2) + '\n' : formatProxyStatus(entries));
    });
}
