// What the benchmark needs on this machine: dnsperf, unbound (the peer, and the upstream that plays the
// internet), and the compiled `meshlet` with its `dns` command. Each missing piece is named with how to get it.
// A tool is looked for by running it for its version (which the report prints too), not by searching PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MESHLET_MAIN } from '../../test/support/world.js';

interface Tool {
  readonly command: string;
  readonly versionArgs: readonly string[];
  /** The Debian/Ubuntu package that installs it. */
  readonly pkg: string;
}

const TOOLS: readonly Tool[] = [
  { command: 'dnsperf', versionArgs: ['-h'], pkg: 'dnsperf' },
  { command: 'unbound', versionArgs: ['-V'], pkg: 'unbound' },
  { command: 'unbound-control', versionArgs: ['-h'], pkg: 'unbound' },
];

function run(command: string, args: readonly string[]): { found: boolean; text: string } {
  const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: 10_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { found: !missing, text: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Every reason the benchmark cannot run here (empty when it can), each with what to do about it. */
export function missingPrerequisites(): string[] {
  const problems: string[] = [];
  const missing = TOOLS.filter((t) => !run(t.command, t.versionArgs).found);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((t) => t.pkg))].join(' ');
    problems.push(`missing ${missing.map((t) => t.command).join(', ')}: install with \`apt-get install -y ${packages}\``);
  }
  if (!existsSync(MESHLET_MAIN)) {
    problems.push(`${MESHLET_MAIN} does not exist: run \`npm run build\` first (npm run bench does)`);
  } else {
    // An unknown command's --help prints the top-level help and exits 0: look for the command's own usage line.
    const help = spawnSync(process.execPath, [MESHLET_MAIN, 'dns', '--help'], { encoding: 'utf8', timeout: 20_000 });
    if (help.status !== 0 || !/^Usage: meshlet dns\b/m.test(help.stdout ?? '')) {
      problems.push(`${MESHLET_MAIN} has no \`dns\` command (\`meshlet dns --help\` printed "${(help.stdout || help.stderr).trim().split('\n')[0] ?? ''}"): build it with \`npm run build\``);
    }
  }
  return problems;
}

/** The version line of each tool. */
export function toolVersions(): Record<string, string> {
  const line = (text: string, re: RegExp): string => re.exec(text)?.[0].trim() ?? text.split('\n')[0]?.trim() ?? '';
  return {
    dnsperf: line(run('dnsperf', ['-h']).text, /^Version .*$/m),
    unbound: line(run('unbound', ['-V']).text, /^Version .*$/m),
    node: process.version,
  };
}
