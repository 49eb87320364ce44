// `meshlet demo` (npm run demo): the demo cluster up, a burst from the external namespace through the LoadBalancer,
// the report (layers, distribution, nodePorts, one trace), then down — or left running with --keep and hints.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseIntInRange } from '../common/flags.js';
import { down } from '../localcluster/cluster.js';
import { clientSpan, renderLayers, renderSummary } from '../localcluster/demo/report.js';
import { PACKAGE_ROOT, runDemo, type DemoRun } from '../localcluster/demo/run.js';
import { renderTrace } from '../localcluster/tracing/trace-view.js';
import { checkHost } from './cluster.js';
import { flag, invalid, validated } from './options.js';

interface DemoFlags {
  name: string;
  nodes: string;
  requests: string;
  concurrency: string;
  keep?: boolean;
}

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const heading = (title: string): void => print(`\n== ${title} ==`);

function report(run: DemoRun): void {
  if (run.traced !== undefined) {
    heading('Where one request went (layer by layer)');
    print(renderLayers(run.traced, run.topology));
  }
  heading('Where all requests went (requests per node and per endpoint)');
  print(renderSummary(run.summary));
  for (const n of run.nodePorts) print(`  NodePort ${new URL(n.url).port} on ${n.node} ${new URL(n.url).hostname}: ${n.ok}/${n.total} answered 200`);
  if (run.https !== undefined) {
    const h = run.https;
    print(`  HTTPS ${h.url} with SNI ${h.servername} (TLS ends at the gateway): ${h.ok}/${h.total} answered 200, certificate ${h.certificates.join(', ') || 'none'}`);
  }
  if (run.traced !== undefined) {
    heading('The trace of that request (spans from the apps and their sidecars, sent over OTLP to the cluster\'s collector)');
    print(renderTrace([clientSpan(run.traced), ...run.traceSpans]));
    print('  [frontend] is the app, [frontend.default] its sidecar (Istio\'s naming); a (client) span calls, a (server) span answers.');
  }
}

function hints(run: DemoRun, name: string): void {
  const meshlet = path.relative(process.cwd(), path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js')) || 'dist/cli/main.js';
  const m = `node ${meshlet}`;
  const n = name === 'demo' ? '' : ` --name ${name}`;
  heading(`The cluster is still running (--keep). Try:`);
  print(`  ${m} cluster status${n}`);
  print(`  ${m} cluster exec${n} deploy/frontend -- curl -s http://catalog:8080/items          # a short name, through the sidecar`);
  print(`  ${m} cluster exec${n} ext -- curl -s ${run.topology.lbUrl}                          # from "the internet"`);
  print(`  ${m} cluster exec${n} deploy/frontend -- curl -s localhost:15000/clusters     # the sidecar's admin`);
  print(`  ${m} cluster exec${n} world -- ${m} proxy-status                                # xDS sync per proxy`);
  print(`  ${m} cluster exec${n} world -- ${m} get ingress                                 # Ingresses and their address`);
  print(`  ${m} cluster exec${n} world -- curl -s localhost:15014/debug/syncz            # the control plane's admin`);
  print(`  ${m} cluster scale${n} catalog-v2 3        ${m} cluster kill${n} <pod>        # watch endpoints move`);
  print(`  ${m} cluster trace${n}                                                           # the latest traces`);
  print(`  logs: ${run.state.dir}/logs`);
  print(`  ${m} cluster down${n}                                                            # remove it all`);
}

async function runDemoCommand(opts: DemoFlags, command: Command): Promise<void> {
  const parsed = validated(command, () => {
    checkHost();
    if (!existsSync(path.join(PACKAGE_ROOT, 'dist', 'examples', 'demo-app', 'frontend.js'))) {
      invalid(`the demo apps are not built: run \`npm run build\` in ${PACKAGE_ROOT} first`);
    }
    return {
      nodes: parseIntInRange('nodes', opts.nodes, 1, 50),
      requests: parseIntInRange('requests', opts.requests, 1, 5000),
      concurrency: parseIntInRange('concurrency', opts.concurrency, 1, 64),
    };
  });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  const say = (l: string): void => print(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${l}`);
  print('meshlet demo: a 2-node Kubernetes-style cluster of network namespaces with the mesh, a traced app, and a burst of requests');
  let run: DemoRun | undefined;
  try {
    run = await runDemo({ name: opts.name, ...parsed, signal: abort.signal, progress: say });
    report(run);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (run !== undefined && opts.keep) {
    hints(run, opts.name);
    process.exit(process.exitCode ?? 0);
  }
  const t = Date.now();
  const r = await down(opts.name);
  print(`\ncluster ${opts.name} down in ${Date.now() - t} ms (${r.namespaces.length} namespaces, ${r.stopped} processes); run with --keep to explore it`);
  process.exit(process.exitCode ?? 0);
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('bring up the demo cluster (examples/demo), send a burst through its LoadBalancer, report layers, distribution and a trace, then take it down (root, Linux)')
    .addOption(flag('--name <name>', 'cluster name (lowercase letters and digits)', 'demo'))
    .addOption(flag('--nodes <n>', 'number of nodes', '2'))
    .addOption(flag('--requests <n>', 'requests through the LoadBalancer', '200'))
    .addOption(flag('--concurrency <n>', 'requests in flight at once', '8'))
    .option('--keep', 'leave the cluster running afterwards and print what to try next')
    .action((opts: DemoFlags, command: Command) => runDemoCommand(opts, command));
}
