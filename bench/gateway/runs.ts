// The measured passes, interleaved (gateway, nginx; round after round) so that drift on a noisy machine hits both
// alike: HTTP keep-alive and HTTPS keep-alive load with wrk (bench/proxy's `measure`: wrk plus the proxy's CPU
// time from /proc), and new TLS connections with one request each (handshake-client.ts in the client pod).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Run } from '../proxy/runs.js';
import { treeCpuMs } from '../proxy/proc-tree.js';
import type { BenchOptions } from '../proxy/options.js';
import type { HandshakeResult } from './handshake-client.js';
import { HOST, type GatewayBench, type GatewayTarget } from './topology.js';

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'handshake-client.ts');
/** Concurrent connection loops of the handshake runs, and the most connections one run may start. */
export const HANDSHAKE_CONCURRENCY = 16;
const HANDSHAKE_MAX = 1_000_000;

export type GatewayMode = 'http' | 'https keep-alive' | 'tls handshakes';

export interface GatewayRun extends Omit<Run, 'mode'> {
  readonly mode: GatewayMode;
  /** Handshake runs only: what the client saw. */
  readonly handshakes?: HandshakeResult;
}

export interface HandshakeRun {
  readonly result: HandshakeResult;
  readonly proxyCpuMs: number;
}

/** One handshake run against `target` (bounded: its own deadline, MAX connections, and a kill timer). */
export async function runHandshakes(bench: GatewayBench, target: GatewayTarget, durationS: number): Promise<HandshakeRun> {
  const pid = target.proxy?.process.pid as number;
  const before = treeCpuMs(pid);
  const args = ['--import', 'tsx', CLIENT, '127.0.0.1', String(target.httpsPort), HOST, '/web', String(durationS), String(HANDSHAKE_CONCURRENCY), String(HANDSHAKE_MAX)];
  const proc = bench.pod.spawn('tls-client', process.execPath, args);
  const limitMs = durationS * 1000 + 30_000;
  const timer = setTimeout(() => void proc.kill('SIGKILL').catch(() => {}), limitMs);
  const code = await proc.exited;
  clearTimeout(timer);
  const proxyCpuMs = treeCpuMs(pid) - before;
  if (code !== 0) throw new Error(`${proc.label} exited ${code ?? 'by a signal'} (limit ${limitMs} ms)\n${proc.describe()}`);
  return { result: JSON.parse(proc.stdout().trim()) as HandshakeResult, proxyCpuMs };
}

async function handshakeRun(bench: GatewayBench, target: GatewayTarget, round: number, durationS: number): Promise<GatewayRun> {
  const { result, proxyCpuMs } = await runHandshakes(bench, target, durationS);
  const problems = Object.entries(result.errors).map(([why, count]) => `${count} × ${why}`);
  if (result.completed === 0) problems.push('no connection completed');
  return {
    target: target.name, mode: 'tls handshakes', round, connections: HANDSHAKE_CONCURRENCY,
    load: { requests: result.completed, seconds: result.seconds, rps: result.perSecond, p50Us: result.p50Us, p99Us: result.p99Us, problems },
    proxyCpuMs, proxyCpuUsPerRequest: result.completed === 0 ? undefined : (proxyCpuMs * 1000) / result.completed,
    proxyMemory: undefined, handshakes: result,
  };
}

async function wrkRun(bench: GatewayBench, target: GatewayTarget, mode: GatewayMode, round: number, url: string, o: BenchOptions): Promise<GatewayRun> {
  const run = await measure(bench, target, 'throughput', round, { url, connections: o.connections, durationS: o.durationS });
  return { ...run, mode };
}

/** One pass of one mode over every target; `durationS` overrides the options' (the warm-up). */
async function pass(bench: GatewayBench, mode: GatewayMode, round: number, o: BenchOptions): Promise<GatewayRun[]> {
  const runs: GatewayRun[] = [];
  for (const t of bench.targets) {
    if (mode === 'tls handshakes') runs.push(await handshakeRun(bench, t, round, o.durationS));
    else runs.push(await wrkRun(bench, t, mode, round, mode === 'http' ? t.url : t.httpsUrl, o));
  }
  return runs;
}

export const MODES: readonly GatewayMode[] = ['http', 'https keep-alive', 'tls handshakes'];

/**
 * An unmeasured warm-up (every mode once per target, for the warm-up time: JIT, upstream pools, TLS code paths),
 * then all rounds; `progress` gets one line per measured run.
 */
export async function measureAll(bench: GatewayBench, o: BenchOptions, progress: (run: GatewayRun) => void): Promise<GatewayRun[]> {
  if (o.warmupS > 0) for (const mode of MODES) await pass(bench, mode, 0, { ...o, durationS: o.warmupS });
  const runs: GatewayRun[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const mode of MODES) {
      for (const run of await pass(bench, mode, round, o)) {
        progress(run);
        runs.push(run);
      }
    }
  }
  return runs;
}
