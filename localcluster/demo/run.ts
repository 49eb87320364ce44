// `meshlet demo`: brings up the demo cluster (examples/demo), sends a burst of requests from the external namespace
// through the frontend's LoadBalancer address (and a few to its nodePort on every node), and gathers what the
// report shows: where each request went (report.ts) and the trace of one of them from the cluster's collector.
// Taking the cluster down is the caller's choice (--keep leaves it running).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, status, up, type ClusterStatus } from '../cluster.js';
import { clusterNamespaces } from '../network/apply.js';
import { isAlive, nodeScript } from '../processes.js';
import { readState, type ClusterState } from '../state.js';
import { readTrace, traceFile } from '../tracing/trace-file.js';
import type { ReceivedSpan } from '../tracing/otlp-json.js';
import { summarize, type BurstResult, type BurstSummary, type DemoTopology } from './report.js';

/** The repository root: the demo's manifests are in examples/demo and its containers run from here. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

export interface DemoOptions {
  readonly name: string;
  readonly nodes?: number;
  /** Requests through the LoadBalancer; default 200. */
  readonly requests?: number;
  /** Requests in flight at once; default 8. */
  readonly concurrency?: number;
  /** Requests to the nodePort of each node; default 5. */
  readonly nodePortRequests?: number;
  readonly progress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface NodePortCheck {
  readonly node: string;
  readonly url: string;
  readonly ok: number;
  readonly total: number;
}

export interface HttpsCheck {
  readonly url: string;
  readonly servername: string;
  readonly ok: number;
  readonly total: number;
  /** The certificate CNs presented. */
  readonly certificates: readonly string[];
}

export interface DemoRun {
  readonly state: ClusterState;
  readonly status: ClusterStatus;
  readonly topology: DemoTopology;
  readonly results: readonly BurstResult[];
  readonly summary: BurstSummary;
  readonly nodePorts: readonly NodePortCheck[];
  /** HTTPS through the LoadBalancer's port 443, when it has one (TLS terminated by the ingress gateway). */
  readonly https?: HttpsCheck;
  /** The request whose trace is shown, and the spans the collector received for it. */
  readonly traced?: BurstResult;
  readonly traceSpans: readonly ReceivedSpan[];
}

export class DemoError extends Error {
  override readonly name = 'DemoError';
}

export interface BurstTarget {
  readonly url: string;
  readonly count: number;
  /** HTTPS: the SNI to send. */
  readonly servername?: string;
}

/** Runs burst-main in the external namespace and returns its results. */
export function burst(state: ClusterState, targets: readonly BurstTarget[], concurrency: number): Promise<BurstResult[]> {
  const [node = process.execPath, ...args] = nodeScript('demo/burst-main.ts');
  const plan = JSON.stringify({ targets, concurrency });
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', state.plan.external.namespace, node, ...args, plan], { maxBuffer: 256 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) return reject(new DemoError(`the demo client failed: ${err.message}${stderr ? `\n${stderr}` : ''}`));
      resolve(stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BurstResult));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The LoadBalancer address and port of the frontend Service, once assigned. */
function frontendEntry(s: ClusterStatus): { url: string; service: string; nodePort: number | undefined; httpsUrl?: string } {
  const svc = s.services.find((v) => v.type === 'LoadBalancer');
  const port = svc?.ports[0];
  if (svc === undefined || port === undefined || svc.externalIp === '' || svc.externalIp === '<pending>') {
    throw new DemoError('the demo has no LoadBalancer Service with an external IP (examples/demo/gateway.yaml)');
  }
  const https = svc.ports.find((p) => p.name === 'https' || p.port === 443);
  return {
    url: `http://${svc.externalIp}:${port.port}/`, service: `${svc.namespace}/${svc.name}`, nodePort: port.nodePort,
    ...(https !== undefined && { httpsUrl: `https://${svc.externalIp}:${https.port}/` }),
  };
}

/** The SNI the demo's HTTPS requests send: the host of the demo's Ingress TLS section. */
export const DEMO_TLS_HOST = 'shop.example.com';

export function topologyOf(state: ClusterState, lbUrl: string, lbService: string): DemoTopology {
  return {
    external: state.plan.external.ip,
    nodes: state.plan.nodes.map((n) => ({ name: n.name, ip: n.ip, gateway: n.gateway })),
    pods: state.pods.map((p) => ({ name: p.spec.name, ip: p.plan.ip, node: p.plan.node, app: p.spec.template.labels['app'] ?? p.spec.owner ?? p.spec.name })),
    lbUrl,
    lbService,
  };
}

/** Polls until `url` answers 200 from the external namespace (the node proxies have their listeners). */
async function waitForEntry(state: ClusterState, url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (signal?.aborted) throw new DemoError('interrupted');
    const [r] = await burst(state, [{ url, count: 1 }], 1);
    if (r?.status === 200) return;
    last = r === undefined ? 'no result' : r.status === 0 ? (r.error ?? 'failed') : `HTTP ${r.status}`;
    await sleep(200);
  }
  throw new DemoError(`${url} did not answer from the external namespace within ${timeoutMs} ms (last: ${last})`);
}

/** The spans of `traceId`, once they stop arriving (sidecars and apps export in batches) or after `timeoutMs`. */
export async function collectTrace(state: ClusterState, traceId: string, timeoutMs = 8000): Promise<ReceivedSpan[]> {
  const end = Date.now() + timeoutMs;
  let spans = readTrace(traceFile(state.dir), traceId);
  let stableSince = Date.now();
  while (Date.now() < end) {
    await sleep(250);
    const next = readTrace(traceFile(state.dir), traceId);
    if (next.length !== spans.length) stableSince = Date.now();
    spans = next;
    // Three apps and their three sidecars have reported, and nothing new came for a while.
    if (new Set(spans.map((s) => s.serviceName)).size >= 6 && Date.now() - stableSince >= 1000) break;
  }
  return spans;
}

export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const say = options.progress ?? ((): void => undefined);
  const manifests = path.join(PACKAGE_ROOT, 'examples', 'demo');
  const earlier = readState(options.name);
  if (earlier !== undefined && isAlive(earlier.upPid) && earlier.upPid !== process.pid) {
    throw new DemoError(`cluster ${options.name} is in use by process ${earlier.upPid} (meshlet cluster up or demo); stop it first`);
  }
  if (earlier !== undefined || clusterNamespaces(options.name).length > 0) {
    say(`removing the cluster ${options.name} left by an earlier run (--keep or a crash)`);
    await down(options.name);
  }
  await up({
    name: options.name, manifests, cwd: PACKAGE_ROOT, progress: say,
    ...(options.nodes !== undefined && { nodes: options.nodes }), ...(options.signal !== undefined && { signal: options.signal }),
  });
  const state = readState(options.name);
  const s = status(options.name);
  if (state === undefined || s === undefined) throw new DemoError(`cluster ${options.name} went away while the demo ran`);
  const notReady = s.pods.filter((p) => !p.ready).map((p) => p.name);
  if (notReady.length > 0) throw new DemoError(`pods not ready: ${notReady.join(', ')} (logs: ${state.dir}/logs)`);
  const entry = frontendEntry(s);
  say(`waiting for ${entry.url} to answer from the external namespace ${state.plan.external.ip}`);
  await waitForEntry(state, entry.url, 15_000, options.signal);
  const requests = options.requests ?? 200;
  const nodePortUrls = entry.nodePort === undefined ? [] : state.plan.nodes.map((n) => ({ node: n.name, url: `http://${n.ip}:${entry.nodePort}/` }));
  const perNode = options.nodePortRequests ?? 5;
  say(`sending ${requests} requests to ${entry.url}${nodePortUrls.length > 0 ? `, ${perNode} to the nodePort of each node` : ''}${entry.httpsUrl ? `, ${perNode} to ${entry.httpsUrl}` : ''}, ${options.concurrency ?? 8} at a time`);
  const httpsTargets = entry.httpsUrl === undefined ? [] : [{ url: entry.httpsUrl, count: perNode, servername: DEMO_TLS_HOST }];
  const results = await burst(
    state,
    [{ url: entry.url, count: requests }, ...nodePortUrls.map((n) => ({ url: n.url, count: perNode })), ...httpsTargets],
    options.concurrency ?? 8,
  );
  const topology = topologyOf(state, entry.url, entry.service);
  const summary = summarize(results, topology);
  const nodePorts = nodePortUrls.map((n) => {
    const mine = results.filter((r) => r.url === n.url);
    return { ...n, total: mine.length, ok: mine.filter((r) => r.status === 200).length };
  });
  const httpsResults = results.filter((r) => r.url === entry.httpsUrl);
  const https: HttpsCheck | undefined = entry.httpsUrl === undefined ? undefined : {
    url: entry.httpsUrl, servername: DEMO_TLS_HOST, total: httpsResults.length, ok: httpsResults.filter((r) => r.status === 200).length,
    certificates: [...new Set(httpsResults.flatMap((r) => (r.certificate === undefined ? [] : [r.certificate])))],
  };
  const traced = results.find((r) => r.url === entry.url && r.status === 200);
  let traceSpans: ReceivedSpan[] = [];
  if (traced !== undefined) {
    say(`collecting the trace of one request (${traced.traceId}) from the collector`);
    traceSpans = await collectTrace(state, traced.traceId);
  }
  return { state, status: s, topology, results, summary, nodePorts, ...(https !== undefined && { https }), ...(traced !== undefined && { traced }), traceSpans };
}
