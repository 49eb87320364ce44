// `meshlet cluster up | down | status | exec | scale | kill`: flags → localcluster/cluster.ts. `up` stays in the
// foreground until Ctrl-C (then tears the cluster down) unless --keep; Ctrl-C while it comes up removes it too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { detectIptables } from '../proxy/capture/apply.js';
import { down, killPod, scale, status, up, type ClusterStatus } from '../localcluster/cluster.js';
import { readState, stateFile, stateDir } from '../localcluster/state.js';
import { latestTraces, readSpans, traceFile } from '../localcluster/tracing/trace-file.js';
import { renderTrace } from '../localcluster/tracing/trace-view.js';
import { flag, invalid, validated } from './options.js';
import { parseIntInRange } from '../common/flags.js';

interface NameFlags {
  name: string;
}

interface UpFlags extends NameFlags {
  nodes: string;
  manifests?: string;
  keep?: boolean;
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** A failure of the cluster itself (not of a flag): one line on stderr, exit code 1, no usage hint. */
function fail(e: unknown): never {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}

/** Root, `ip` and an iptables restore tool: says exactly what is missing and how to get it. */
export function checkHost(): void {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push('the local cluster needs Linux (network namespaces)');
  if (process.getuid?.() !== 0) problems.push('run as root (sudo meshlet cluster ...): creating network namespaces needs it');
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) problems.push('`ip` was not found: install it with `apt-get install iproute2`');
  try {
    detectIptables();
  } catch {
    problems.push('iptables was not found: install it with `apt-get install iptables` (the sidecars capture traffic with it)');
  }
  if (problems.length > 0) invalid(problems.join('; '));
}

function printStatus(s: ClusterStatus): void {
  print(`cluster ${s.name}: control plane ${s.controlPlane}, cluster DNS ${s.dns}`);
  print('NODE     IP            POD CIDR');
  for (const n of s.nodes) print(`${n.name.padEnd(8)} ${n.ip.padEnd(13)} ${n.podCidr}`);
  print('POD                                      NODE    IP            READY  RUNNING  RESTARTS  SIDECAR');
  for (const p of s.pods) {
    print(`${`${p.namespace}/${p.name}`.padEnd(40)} ${p.node.padEnd(7)} ${p.ip.padEnd(13)} ${String(p.ready).padEnd(6)} ${String(p.running).padEnd(8)} ${String(p.restarts).padEnd(9)} ${p.sidecar}`);
  }
  print('SERVICE                     TYPE           EXTERNAL-IP    PORTS (name:port[:nodePort])');
  for (const v of s.services) print(`${`${v.namespace}/${v.name}`.padEnd(27)} ${v.type.padEnd(14)} ${(v.externalIp || '-').padEnd(14)} ${v.ports.map((p) => `${p.name}:${p.port}${p.nodePort !== undefined ? `:${p.nodePort}` : ''}`).join(',')}`);
}

/** Waits until Ctrl-C (then down) or until the cluster's state is gone (someone ran `meshlet cluster down`). */
function supervise(name: string): void {
  const file = stateFile(stateDir(name));
  const timer = setInterval(() => {
    if (!existsSync(file)) {
      print(`cluster ${name} was taken down`);
      process.exit(0);
    }
  }, 500);
  const stop = (): void => {
    clearInterval(timer);
    print(`taking cluster ${name} down ...`);
    void down(name).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function runUp(opts: UpFlags, command: Command): Promise<void> {
  const nodes = validated(command, () => {
    checkHost();
    return parseIntInRange('nodes', opts.nodes, 1, 50);
  });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  try {
    await up({ name: opts.name, nodes, ...(opts.manifests !== undefined && { manifests: opts.manifests }), signal: abort.signal, progress: (l) => print(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${l}`) });
  } catch (e) {
    fail(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  print(`cluster ${opts.name} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const s = status(opts.name);
  if (s) printStatus(s);
  const first = s?.pods[0];
  print('try:');
  if (first) print(`  meshlet cluster exec ${first.name} -- curl -s http://${s.services[0]?.name ?? 'SERVICE'}/`);
  print(`  meshlet cluster status --name ${opts.name}`);
  print(`  logs: ${stateDir(opts.name)}/logs`);
  if (opts.keep) {
    print(`left running (--keep); remove it with: meshlet cluster down --name ${opts.name}`);
    process.exit(0);
  }
  print('press Ctrl-C to take the cluster down');
  supervise(opts.name);
}

/**
 * `pod/NAME`, `NAME` or `deploy/NAME` (its first pod) → the pod's network namespace; `world`, `ext` and `node<i>`
 * (names no pod may take) → the cluster's own namespaces.
 */
function podNamespace(name: string, pod: string): string {
  const state = readState(name);
  if (state === undefined) invalid(`cluster ${name} is not running`);
  if (pod === 'world' || pod === 'ext' || state.plan.nodes.some((n) => n.name === pod)) return `${state.plan.prefix}${pod}`;
  const [kind, rest] = pod.includes('/') ? (pod.split('/', 2) as [string, string]) : ['pod', pod];
  const found = kind === 'deploy' || kind === 'deployment' ? state.pods.find((p) => p.spec.owner === rest) : state.pods.find((p) => p.spec.name === rest);
  if (found === undefined) invalid(`no ${kind} ${rest} in cluster ${name} (pods: ${state.pods.map((p) => p.spec.name).join(', ') || 'none'})`);
  return found.plan.namespace;
}

const nameFlag = (): ReturnType<typeof flag> => flag('--name <name>', 'cluster name (lowercase letters and digits)', 'demo');

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('a local Kubernetes-style cluster of network namespaces (root, Linux)');
  cluster
    .command('up')
    .description('bring up nodes, control plane, cluster DNS, node proxies, trace collector and the workloads of --manifests; Ctrl-C takes it down')
    .addOption(nameFlag())
    .addOption(flag('--nodes <n>', 'number of nodes', '2'))
    .addOption(flag('--manifests <path>', 'a manifest file or folder: Deployments, Pods, Services (images are recorded, not pulled)'))
    .option('--keep', 'return once up and leave the cluster running')
    .action((opts: UpFlags, command: Command) => runUp(opts, command));
  cluster
    .command('down')
    .description('stop every process of the cluster and remove its namespaces (also leftovers of a crashed run)')
    .addOption(nameFlag())
    .action(async (opts: NameFlags, command: Command) => {
      validated(command, checkHost);
      const started = Date.now();
      const r = await down(opts.name);
      print(`cluster ${opts.name} down in ${Date.now() - started} ms: ${r.namespaces.length} namespaces removed, ${r.stopped} processes stopped`);
    });
  cluster
    .command('status')
    .description('nodes, pods (node, IP, ready, running, restarts) and services (type, external IP, ports)')
    .addOption(nameFlag())
    .action((opts: NameFlags) => {
      const s = status(opts.name);
      if (s === undefined) print(`cluster ${opts.name} is not running`);
      else printStatus(s);
    });
  cluster
    .command('exec')
    .description('run a command inside a pod (pod/NAME, NAME or deploy/NAME) or in world, ext or node<i>: meshlet cluster exec deploy/web -- curl http://web/')
    .argument('<pod>')
    .argument('<command...>')
    .addOption(nameFlag())
    .action((pod: string, cmd: string[], opts: NameFlags, command: Command) => {
      const ns = validated(command, () => podNamespace(opts.name, pod));
      const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { stdio: 'inherit' });
      process.exitCode = r.status ?? 1;
    });
  cluster
    .command('trace')
    .description('show a trace the cluster\'s collector received (apps and sidecars): the given one, else list the latest')
    .argument('[trace-id]')
    .addOption(nameFlag())
    .option('--last <n>', 'how many of the latest traces to list', '10')
    .action((traceId: string | undefined, opts: NameFlags & { last: string }, command: Command) => {
      const last = validated(command, () => parseIntInRange('last', opts.last, 1, 1000));
      const state = readState(opts.name);
      if (state === undefined) fail(new Error(`cluster ${opts.name} is not running`));
      const spans = readSpans(traceFile(state.dir));
      if (traceId !== undefined) {
        const mine = spans.filter((s) => s.traceId === traceId.toLowerCase());
        if (mine.length === 0) fail(new Error(`no spans of trace ${traceId} in ${traceFile(state.dir)}`));
        print(renderTrace(mine));
        return;
      }
      for (const line of latestTraces(spans, last)) print(line);
    });
  cluster
    .command('scale')
    .description('set the replicas of a Deployment; endpoints follow as pods become ready or go')
    .argument('<deployment>')
    .argument('<replicas>')
    .addOption(nameFlag())
    .action(async (deployment: string, replicas: string, opts: NameFlags, command: Command) => {
      const n = validated(command, () => parseIntInRange('replicas', replicas, 0, 100));
      try {
        const s = await scale(opts.name, deployment, n);
        print(`${deployment}: ${s.pods.filter((p) => p.spec.owner === deployment).map((p) => p.spec.name).join(', ') || 'no pods'}`);
      } catch (e) {
        fail(e);
      }
    });
  cluster
    .command('kill')
    .description('delete a pod; a Deployment replaces it with a new one')
    .argument('<pod>')
    .addOption(nameFlag())
    .action(async (pod: string, opts: NameFlags) => {
      try {
        const r = await killPod(opts.name, pod.replace(/^pod\//, ''));
        print(`pod ${pod} deleted${r.replacement ? `; replaced by ${r.replacement}` : ''}`);
      } catch (e) {
        fail(e);
      }
    });
}
