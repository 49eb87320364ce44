// What bench/gateway needs here: wrk, nginx, openssl (the certificate), curl, ip (Debian/Ubuntu packages), network
// namespaces (root) and the compiled `meshlet`. Each missing piece is named with how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { netnsUnavailable } from '../../test/support/netns.js';
import { MESHLET_MAIN } from '../../test/support/world.js';
import { toolVersions as proxyToolVersions } from '../proxy/tools.js';

/** Command, an argument that makes it print its version, the package that installs it. */
const COMMANDS: ReadonlyArray<readonly [string, string, string]> = [
  ['wrk', '-v', 'wrk'],
  ['nginx', '-v', 'nginx'],
  ['openssl', 'version', 'openssl'],
  ['curl', '--version', 'curl'],
  ['ip', '-V', 'iproute2'],
];

const runs = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg], { stdio: 'ignore', timeout: 5000 }).error === undefined;

/** Every reason the benchmark cannot run here (empty when it can). */
export function missingPrerequisites(): string[] {
  const problems: string[] = [];
  const missing = COMMANDS.filter(([cmd, arg]) => !runs(cmd, arg));
  if (missing.length > 0) {
    problems.push(`missing ${missing.map(([cmd]) => cmd).join(', ')}: install with \`apt-get install -y ${missing.map(([, , pkg]) => pkg).join(' ')}\``);
  }
  if (!existsSync(MESHLET_MAIN)) problems.push(`${MESHLET_MAIN} does not exist: run \`npm run build\` first (npm run bench does)`);
  if (!missing.some(([cmd]) => cmd === 'ip')) {
    const netns = netnsUnavailable();
    if (netns !== undefined) problems.push(`${netns} (the benchmark runs everything in network namespaces of its own)`);
  }
  return problems;
}

/** The versions that matter here (bench/proxy's list, less haproxy and h2load, plus openssl). */
export function toolVersions(): Record<string, string> {
  const { wrk = '', nginx = '', node = '' } = proxyToolVersions();
  return { wrk, nginx, openssl: spawnSync('openssl', ['version'], { encoding: 'utf8', timeout: 5000 }).stdout?.trim() ?? '', node };
}
