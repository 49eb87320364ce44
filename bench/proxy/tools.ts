// What the benchmark needs on this machine: the load generators and the peers (Debian/Ubuntu packages), the
// namespace tools, root, and the compiled `meshlet`. Each missing piece is named with how to get it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { netnsUnavailable } from '../../test/support/netns.js';
import { MESHLET_MAIN } from '../../test/support/world.js';

/** Command → the package that installs it. */
const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ['wrk', 'wrk'],
  ['h2load', 'nghttp2-client'],
  ['haproxy', 'haproxy'],
  ['nginx', 'nginx'],
  ['curl', 'curl'],
  ['ip', 'iproute2'],
  ['iptables-restore', 'iptables'],
];

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every reason the benchmark cannot run here (empty when it can), each with what to do about it. */
export function missingPrerequisites(): string[] {
  const problems: string[] = [];
  const missing = COMMANDS.filter(([cmd]) => !onPath(cmd));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    problems.push(`missing ${missing.map(([cmd]) => cmd).join(', ')}: install with \`apt-get install -y ${packages}\``);
  }
  if (!existsSync(MESHLET_MAIN)) problems.push(`${MESHLET_MAIN} does not exist: run \`npm run build\` first (npm run bench does)`);
  if (onPath('ip')) {
    const netns = netnsUnavailable();
    if (netns !== undefined) problems.push(`${netns} (the benchmark runs everything in network namespaces of its own)`);
  }
  return problems;
}

/** The first line each tool prints about its version (wrk and nginx print it on stderr). */
export function toolVersions(): Record<string, string> {
  const first = (cmd: string, arg: string): string => {
    const r = spawnSync(cmd, [arg], { encoding: 'utf8', timeout: 5000 });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() ?? '';
  };
  return {
    wrk: first('wrk', '-v'),
    h2load: first('h2load', '--version'),
    haproxy: first('haproxy', '-v'),
    nginx: first('nginx', '-v'),
    node: process.version,
  };
}
