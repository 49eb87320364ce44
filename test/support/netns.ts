// Network namespaces for e2e tests. Every namespace is named `ml-<purpose>-<random>`, has no link to the root
// namespace, and is deleted by delete(), and, as a backstop, when the test process exits. Nothing here touches
// the root namespace's routes, addresses or iptables rules.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';

const live = new Set<string>();
process.on('exit', () => {
  for (const name of live) remove(name);
});

/** Deletes the namespace and its /etc/netns/<name> directory (a resolv.conf given to its processes), if any. */
function remove(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, input });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

export class Netns {
  private constructor(readonly name: string) {}

  /** Creates `ml-<purpose>-<random>` with `lo` up. */
  static create(purpose: string): Netns {
    const name = `ml-${purpose}-${randomBytes(4).toString('hex')}`;
    run('ip', ['netns', 'add', name]);
    live.add(name);
    const ns = new Netns(name);
    try {
      ns.exec('ip', ['link', 'set', 'lo', 'up']);
    } catch (e) {
      ns.delete();
      throw e;
    }
    return ns;
  }

  /** Runs a command inside the namespace and returns its stdout; throws with stderr when it fails. */
  exec(cmd: string, args: string[], input?: string): string {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }

  /** Starts a long-running command inside the namespace (`ip netns exec` execs it: the pid is the command's). */
  spawn(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], options);
  }

  delete(): void {
    if (!live.delete(this.name)) return;
    remove(this.name);
  }
}

/** Why namespaces cannot be used here (not root, no `ip`, `ip netns add` refused), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    Netns.create('chk').delete();
    return undefined;
  } catch (e) {
    return `cannot create a network namespace: ${(e as Error).message}`;
  }
}
