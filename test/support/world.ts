// A small cluster of network namespaces for e2e tests, on top of Netns. The *world* namespace (`ml-<purpose>-*`)
// plays one node: it holds a bridge (br0, 10.244.0.1/24, the node's cni0) and runs node-level processes such as
// the control plane. Every pod is a namespace of its own (`ml-pod-*`) joined to the bridge by a veth pair, with
// one address 10.244.0.X/24 on eth0, `lo` up and a default route via 10.244.0.1, so that a connect to a ClusterIP
// has a route before iptables REDIRECT takes it. Nothing is linked to the root namespace, and no route, address
// or iptables rule is ever added there.
//
// Processes are started in a namespace as the leader of a process group of their own, their output is kept for
// failure messages, and close() (or, as a backstop, the exit of the test process, also on SIGINT/SIGTERM) kills
// those groups by PID before the namespaces are deleted.
//
//   const world = World.create('sc', ['a', 'b']);
//   try { const cp = await startControlPlane(world, manifests); const sc = startSidecar(world.pod('a')); ... }
//   finally { await world.close(); }
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Netns, netnsUnavailable } from './netns.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The compiled command the e2e tests run, as a deployment does (`npm run build` makes it). */
export const MESHLET_MAIN = path.join(ROOT, 'dist/cli/main.js');

const OUTPUT_LIMIT = 200_000;

// Backstop: process groups still alive when the test process exits are killed (the namespaces are deleted by
// netns.ts's own exit hook). SIGINT and SIGTERM exit through process.exit so that both hooks run.
const liveGroups = new Set<number>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The `skip` option of a suite that needs network namespaces: the reason (printed) when they cannot be used
 * here, or false. Under CI=true it is always false, so that the suite fails instead of hiding.
 */
export function netnsSkip(suite: string): string | false {
  const unavailable = netnsUnavailable();
  const skip = unavailable !== undefined && process.env.CI !== 'true' ? unavailable : false;
  if (skip) console.log(`# ${suite} skipped: ${skip}`);
  return skip;
}

export interface RunResult {
  /** The exit code; null when the command was killed (timeout) or could not start. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process started in a namespace, leader of its own process group. */
export class WorldProcess {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  private out = '';
  private err = '';

  constructor(readonly label: string, readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`${label}: could not start`);
    this.pid = child.pid;
    liveGroups.add(this.pid);
    const keep = (text: string, d: Buffer): string => (text + d.toString()).slice(-OUTPUT_LIMIT);
    child.stdout?.on('data', (d: Buffer) => (this.out = keep(this.out, d)));
    child.stderr?.on('data', (d: Buffer) => (this.err = keep(this.err, d)));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        liveGroups.delete(this.pid);
        resolve(code);
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  /** The tail of both streams, for a failure message. */
  describe(chars = 3000): string {
    const state = this.running ? 'running' : `exited ${this.child.exitCode ?? this.child.signalCode}`;
    return `--- ${this.label} (pid ${this.pid}, ${state})\nstdout: ${this.out.slice(-chars)}\nstderr: ${this.err.slice(-chars)}`;
  }

  /** Resolves when stdout matches `pattern`; rejects when the process exits first or `timeoutMs` passes. */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    await eventually(() => pattern.test(this.out) || !this.running, timeoutMs, 20);
    if (!pattern.test(this.out)) throw new Error(`${this.label} did not print ${pattern} within ${timeoutMs} ms\n${this.describe()}`);
  }

  /** Signals the whole process group and waits (at most `timeoutMs`) until the leader has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 5000): Promise<void> {
    if (!this.running) return;
    killGroup(this.pid, signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (this.running) throw new Error(`${this.label} (pid ${this.pid}) still runs ${timeoutMs} ms after ${signal}`);
  }
}

export interface SpawnInOptions {
  /** Keep stdin open as a pipe (for processes driven by commands); default ignored. */
  readonly stdin?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** A namespace with an address on the bridge: a pod, or the world itself (the node, at the gateway address). */
export class Host {
  constructor(
    readonly name: string,
    readonly ip: string,
    readonly netns: Netns,
    private readonly world: World,
  ) {}

  /** Starts `cmd` in this namespace from the repository root; it is killed by world.close() at the latest. */
  spawn(label: string, cmd: string, args: readonly string[], options: SpawnInOptions = {}): WorldProcess {
    const child = this.netns.spawn(cmd, [...args], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    return this.world.track(new WorldProcess(`${this.name}: ${label}`, child));
  }

  /** Runs a short command here without blocking the event loop. */
  run(cmd: string, args: readonly string[], timeoutMs = 5000): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile('ip', ['netns', 'exec', this.netns.name, cmd, ...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' && !error.killed ? error.code : null;
        resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
      });
    });
  }

  /**
   * The resolv.conf every process started in this namespace afterwards sees: `ip netns exec` bind-mounts
   * /etc/netns/<namespace>/resolv.conf over /etc/resolv.conf.
   */
  setResolvConf(text: string): void {
    const dir = path.join('/etc/netns', this.netns.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'resolv.conf'), text); // removed with the namespace (Netns.delete)
  }

  /** GET `url` with curl from inside this namespace: the status (0 when nothing answered) and the body. */
  async httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
    const r = await this.run('curl', ['-sS', '--max-time', String(timeoutMs / 1000), '-w', '\n%{http_code}', url], timeoutMs + 1000);
    const cut = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(cut + 1)) || 0, body: r.stdout.slice(0, Math.max(cut, 0)) };
  }

  /** Polls `url` from inside this namespace until it answers 200; fails early when `watched` exits. */
  async waitForHttpOk(url: string, watched: WorldProcess, timeoutMs = 20_000): Promise<void> {
    let ok = false;
    await eventually(async () => !watched.running || (ok = (await this.httpGet(url, 1000)).status === 200), timeoutMs, 100);
    if (ok) return;
    const why = watched.running ? `did not answer 200 within ${timeoutMs} ms` : `never answered 200: ${watched.label} exited`;
    throw new Error(`${url} in ${this.name} ${why}\n${watched.describe()}`);
  }
}

/** The world namespace with its bridge, the pods joined to it, and every process started in them. */
export class World {
  static readonly SUBNET = '10.244.0';
  readonly node: Host;
  private readonly pods = new Map<string, Host>();
  private readonly procs = new Set<WorldProcess>();
  private readonly cleanups: Array<() => void> = [];
  private closed = false;

  private constructor(netns: Netns) {
    this.node = new Host('node', `${World.SUBNET}.1`, netns, this);
  }

  /** Creates the world and one pod per name; on any failure whatever was made is removed again. */
  static create(purpose: string, podNames: readonly string[] = []): World {
    hookExit();
    const world = new World(Netns.create(purpose));
    try {
      const ns = world.node.netns;
      ns.exec('ip', ['link', 'add', 'br0', 'type', 'bridge']);
      ns.exec('ip', ['addr', 'add', `${world.node.ip}/24`, 'dev', 'br0']);
      ns.exec('ip', ['link', 'set', 'br0', 'up']);
      for (const name of podNames) world.addPod(name);
    } catch (e) {
      world.removeNamespaces();
      throw e;
    }
    return world;
  }

  /** A new pod namespace at the next free address 10.244.0.X (X = 2, 3, ...), joined to br0. */
  addPod(name: string): Host {
    if (this.pods.has(name)) throw new Error(`pod ${name} exists already`);
    const index = this.pods.size + 2;
    const netns = Netns.create('pod');
    const pod = new Host(name, `${World.SUBNET}.${index}`, netns, this);
    this.pods.set(name, pod);
    const world = this.node.netns;
    const veth = `vpod${index}`;
    world.exec('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns.name]);
    world.exec('ip', ['link', 'set', veth, 'master', 'br0']);
    world.exec('ip', ['link', 'set', veth, 'up']);
    netns.exec('ip', ['addr', 'add', `${pod.ip}/24`, 'dev', 'eth0']);
    netns.exec('ip', ['link', 'set', 'eth0', 'up']);
    netns.exec('ip', ['route', 'add', 'default', 'via', this.node.ip]);
    return pod;
  }

  pod(name: string): Host {
    const pod = this.pods.get(name);
    if (pod === undefined) throw new Error(`no pod ${name} (pods: ${[...this.pods.keys()].join(', ')})`);
    return pod;
  }

  /** Called by Host.spawn: the process is killed by close(). */
  track(proc: WorldProcess): WorldProcess {
    if (this.closed) {
      killGroup(proc.pid, 'SIGKILL');
      throw new Error(`${proc.label}: the world is closed`);
    }
    this.procs.add(proc);
    return proc;
  }

  /** Something else to undo at close(), such as a temporary directory. */
  onClose(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Every process's state and output tail, for a failure message. */
  describe(chars = 1500): string {
    return [...this.procs].map((p) => p.describe(chars)).join('\n');
  }

  /** Kills every process group, then deletes the pods and the world. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stuck: string[] = [];
    await Promise.all([...this.procs].map((p) => p.kill('SIGKILL').catch((e: Error) => void stuck.push(e.message))));
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.removeNamespaces();
    if (stuck.length > 0) throw new Error(stuck.join('\n'));
  }

  private removeNamespaces(): void {
    for (const pod of this.pods.values()) pod.netns.delete();
    this.node.netns.delete();
  }
}

export interface ControlPlane {
  readonly process: WorldProcess;
  /** The ADS address pods dial: the world's bridge address. */
  readonly xds: string;
  readonly manifestsDir: string;
  writeManifest(name: string, yaml: string): void;
}

function meshlet(host: Host, label: string, args: readonly string[]): WorldProcess {
  if (!existsSync(MESHLET_MAIN)) throw new Error(`${MESHLET_MAIN} does not exist: run \`npm run build\` first`);
  return host.spawn(label, process.execPath, [MESHLET_MAIN, ...args]);
}

/**
 * `meshlet control-plane` on the node (the world namespace), serving a temporary manifest directory (removed
 * by world.close()) on 0.0.0.0:15010, admin on 127.0.0.1:15014; resolves once /readyz answers.
 */
export async function startControlPlane(world: World, manifests: Record<string, string>): Promise<ControlPlane> {
  const manifestsDir = mkdtempSync(path.join(tmpdir(), 'meshlet-world-'));
  world.onClose(() => rmSync(manifestsDir, { recursive: true, force: true }));
  const writeManifest = (name: string, yaml: string): void => writeFileSync(path.join(manifestsDir, name), yaml);
  for (const [name, yaml] of Object.entries(manifests)) writeManifest(name, yaml);
  const proc = meshlet(world.node, 'control-plane', [
    'control-plane', '--manifests', manifestsDir, '--xds-listen', '0.0.0.0:15010', '--admin-listen', '127.0.0.1:15014', '--debounce-ms', '20',
  ]);
  await world.node.waitForHttpOk('http://127.0.0.1:15014/readyz', proc);
  return { process: proc, xds: `${world.node.ip}:15010`, manifestsDir, writeManifest };
}

/**
 * `meshlet sidecar --capture iptables` in a pod, node id `<pod>.default`, dialing the control plane on the node.
 * Not awaited: wait for it with waitForSidecar (so that all sidecars of a world start together).
 */
export function startSidecar(pod: Host, controlPlane: ControlPlane, extraArgs: readonly string[] = []): WorldProcess {
  return meshlet(pod, 'sidecar', [
    'sidecar', '--capture', 'iptables', '--pod-ip', pod.ip, '--namespace', 'default', '--node-id', `${pod.name}.default`,
    '--xds', controlPlane.xds, '--drain-seconds', '0', ...extraArgs,
  ]);
}

/** Polls the sidecar's health port from inside its pod until `/healthz/ready` answers 200. */
export function waitForSidecar(pod: Host, sidecar: WorldProcess, timeoutMs = 20_000): Promise<void> {
  return pod.waitForHttpOk('http://127.0.0.1:15021/healthz/ready', sidecar, timeoutMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every `intervalMs` until it holds (true) or `timeoutMs` passes (false). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}
