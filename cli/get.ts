// `meshlet get ingress|gateway|httproute`: kubectl-like tables of what the gateway serves, read from the
// control plane's admin port (/debug/ingress).
import type { Command } from 'commander';
import { formatHostPort, parseHostPort } from '../common/flags.js';
import { formatIngresses, formatTable, type IngressReport } from '../control-plane/admin/ingress.js';
import { flag, validated } from './options.js';

interface GatewayRow { namespace: string; name: string; class: string; address: string[]; listeners: { name: string; protocol: string; attachedRoutes: number }[] }
interface RouteRow { namespace: string; name: string; hostnames: string[]; parents: { gateway: string; attached: boolean; reason: string }[] }

function format(kind: string, report: IngressReport): string {
  if (kind === 'gateway') {
    const rows = (report.gateways as GatewayRow[]).map((g) => [g.namespace, g.name, g.class, g.address.join(',') || '<none>', g.listeners.map((l) => `${l.name}/${l.protocol}(${l.attachedRoutes})`).join(',')]);
    return formatTable(['NAMESPACE', 'NAME', 'CLASS', 'ADDRESS', 'LISTENERS'], rows);
  }
  if (kind === 'httproute') {
    const rows = (report.httpRoutes as RouteRow[]).map((r) => [r.namespace, r.name, r.hostnames.join(',') || '*', r.parents.map((p) => `${p.gateway}:${p.attached ? 'Accepted' : p.reason}`).join(',')]);
    return formatTable(['NAMESPACE', 'NAME', 'HOSTNAMES', 'PARENTS'], rows);
  }
  return formatIngresses(report);
}

const KINDS: Readonly<Record<string, string>> = { ingress: 'ingress', ingresses: 'ingress', ing: 'ingress', gateway: 'gateway', gateways: 'gateway', gtw: 'gateway', httproute: 'httproute', httproutes: 'httproute' };

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('list Ingresses, Gateways or HTTPRoutes as the gateway serves them (ingress | gateway | httproute)')
    .argument('<kind>', 'ingress, gateway or httproute')
    .addOption(flag('--admin <host:port>', 'control-plane admin address', '127.0.0.1:15014'))
    .option('--json', 'print the raw /debug/ingress JSON')
    .action(async (kindArg: string, opts: { admin: string; json?: boolean }, command: Command) => {
      const kind = KINDS[kindArg.toLowerCase()];
      if (kind === undefined) command.error(`error: unknown kind "${kindArg}" (ingress, gateway or httproute)`, { exitCode: 2 });
      const admin = validated(command, () => parseHostPort('admin', opts.admin, '127.0.0.1'));
      const url = `http://${formatHostPort(admin)}/debug/ingress`;
      let report: IngressReport;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        report = (await res.json()) as IngressReport;
      } catch (err) {
        command.error(`error: cannot read ${url}: ${(err as Error).message} (is \`meshlet control-plane\` running?)`, { exitCode: 1 });
      }
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : format(kind, report));
    });
}
