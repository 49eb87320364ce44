// From runs to figures and text: the median of the clean rounds per proxy and mode, one table with the gateway ÷
// nginx ratios under each mode, and the issue's goal (CPU per request ≤ 2× nginx's, HTTP on /web) through
// bench/common/goals.ts. Nothing is asserted: benchmarks report, tests assert.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printGoals, writeResults, type Goal } from '../common/goals.js';
import { median } from '../control-plane/stats.js';
import type { BenchOptions } from '../proxy/options.js';
import type { Summary } from '../proxy/summary.js';
import { HANDSHAKE_CONCURRENCY, MODES, type GatewayMode, type GatewayRun } from './runs.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** bench/proxy's summary figures, per mode of this benchmark. */
export interface GatewaySummary extends Pick<Summary, 'target' | 'cleanRuns' | 'failedRuns' | 'rps' | 'p50Us' | 'p99Us' | 'cpuUsPerRequest'> {
  readonly mode: GatewayMode;
  /** Handshake runs: the client's CPU as a share of one core (near 1: the client, not the proxy, was the limit). */
  readonly clientCore: number | undefined;
}

export function summarize(targets: readonly string[], runs: readonly GatewayRun[]): GatewaySummary[] {
  return MODES.flatMap((mode) =>
    targets.map((target) => {
      const all = runs.filter((r) => r.target === target && r.mode === mode);
      const clean = all.filter((r) => r.load.problems.length === 0);
      const med = (f: (r: GatewayRun) => number | undefined): number => {
        const values = clean.map(f).filter((v): v is number => v !== undefined);
        return values.length === 0 ? Number.NaN : median(values);
      };
      const cpu = med((r) => r.proxyCpuUsPerRequest);
      const core = med((r) => (r.handshakes ? r.handshakes.clientCpuMs / 1000 / r.handshakes.seconds : undefined));
      return {
        target, mode, cleanRuns: clean.length, failedRuns: all.length - clean.length,
        rps: med((r) => r.load.rps), p50Us: med((r) => r.load.p50Us), p99Us: med((r) => r.load.p99Us),
        cpuUsPerRequest: Number.isNaN(cpu) ? undefined : cpu, clientCore: Number.isNaN(core) ? undefined : core,
      };
    }),
  );
}

const n = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const us = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v < 1000 ? `${v.toFixed(0)} µs` : `${(v / 1000).toFixed(2)} ms`;
const x = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`;

export function printHeader(o: BenchOptions, versions: Record<string, string>, cpus: number): void {
  console.log(
    'meshlet gateway (compiled dist/cli/main.js, one Node.js process, --access-log off, --log-level warn; routes from ' +
      'the control plane: Ingress class meshlet, host bench.example.com, /web and /api Prefix, TLS from a kubernetes.io/tls ' +
      'Secret) against nginx serving the same routes (proxy_pass, upstream keepalive 64, ssl_protocols TLSv1.2 TLSv1.3, ' +
      'worker_processes 1: the gateway is one process, so nginx gets one worker, the same CPU budget), both in a client ' +
      'pod on loopback, in front of an nginx origin (`hello\\n`) in another pod. Same self-signed EC P-256 certificate.',
  );
  console.log(
    `Load: wrk -t1 -c${o.connections} -H 'Host: bench.example.com' on /web over HTTP and HTTPS (keep-alive, SNI ` +
      `bench.example.com); TLS handshakes: a Node client (bench/gateway/handshake-client.ts) with ${HANDSHAKE_CONCURRENCY} ` +
      'loops of new connection (no session resumption) + one GET /web (Connection: close). ' +
      `${o.durationS} s per run, ${o.rounds} rounds interleaved after a ${o.warmupS} s warm-up of each; medians. ` +
      'Proxy CPU: utime+stime of its processes (/proc) ÷ requests (or connections) completed.',
  );
  console.log(`${Object.entries(versions).map(([k, v]) => `${k}: ${v}`).join('; ')}; ${cpus} CPUs.`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (anything else running on this machine skews every figure)`);
}

export function printRun(r: GatewayRun): void {
  const cpu = r.proxyCpuUsPerRequest === undefined ? '' : `, proxy ${r.proxyCpuUsPerRequest.toFixed(1)} µs CPU/${r.handshakes ? 'conn' : 'req'}`;
  const tls = r.handshakes ? ` (${r.handshakes.protocol ?? '?'} ${r.handshakes.cipher ?? '?'}, client CPU ${(r.handshakes.clientCpuMs / 10 / r.handshakes.seconds).toFixed(0)}% of a core)` : '';
  const bad = r.load.problems.length > 0 ? `   FAILED: ${r.load.problems.join('; ')}` : '';
  const unit = r.handshakes ? 'conn/s' : 'req/s';
  console.log(`  round ${r.round} ${r.target.padEnd(8)} ${r.mode.padEnd(16)} ${n(r.load.rps).padStart(7)} ${unit}, p50 ${us(r.load.p50Us)}, p99 ${us(r.load.p99Us)}${cpu}${tls}${bad}`);
}

export function printTable(summaries: readonly GatewaySummary[]): void {
  console.log(`\nmedians (gateway ÷ nginx under each mode):`);
  console.log(`  ${'mode'.padEnd(16)} ${'proxy'.padEnd(8)} ${'req/s'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'CPU µs/req'.padStart(10)}  runs`);
  for (const mode of MODES) {
    const rows = summaries.filter((s) => s.mode === mode);
    for (const s of rows) {
      const runs = s.failedRuns > 0 ? `${s.cleanRuns} ok, ${s.failedRuns} FAILED` : `${s.cleanRuns}`;
      const core = s.clientCore === undefined ? '' : ` (client ${(s.clientCore * 100).toFixed(0)}% of a core)`;
      console.log(
        `  ${s.mode.padEnd(16)} ${s.target.padEnd(8)} ${n(s.rps).padStart(8)} ${us(s.p50Us).padStart(9)} ${us(s.p99Us).padStart(9)} ` +
          `${(s.cpuUsPerRequest === undefined ? '—' : s.cpuUsPerRequest.toFixed(1)).padStart(10)}  ${runs}${core}`,
      );
    }
    const [g, p] = [rows.find((s) => s.target === 'gateway'), rows.find((s) => s.target === 'nginx')];
    console.log(
      `  ${''.padEnd(16)} ${'ratio'.padEnd(8)} ${x(g?.rps, p?.rps).padStart(8)} ${x(g?.p50Us, p?.p50Us).padStart(9)} ` +
        `${x(g?.p99Us, p?.p99Us).padStart(9)} ${x(g?.cpuUsPerRequest, p?.cpuUsPerRequest).padStart(10)}`,
    );
  }
  console.log('  (tls handshakes: req/s = new TLS connections per second, each with one GET; CPU µs per connection)');
}

export function goals(summaries: readonly GatewaySummary[]): Goal[] {
  const find = (target: string): GatewaySummary | undefined => summaries.find((s) => s.target === target && s.mode === 'http');
  const [g, p] = [find('gateway'), find('nginx')];
  const ratio = g?.cpuUsPerRequest !== undefined && p?.cpuUsPerRequest ? g.cpuUsPerRequest / p.cpuUsPerRequest : undefined;
  const cpu = (s: GatewaySummary | undefined): string => (s?.cpuUsPerRequest === undefined ? 'n/a' : `${s.cpuUsPerRequest.toFixed(1)} µs`);
  return [
    {
      name: 'gateway CPU per request ÷ nginx (HTTP, /web)',
      goal: '≤ 2.0',
      measured: `${ratio?.toFixed(2) ?? 'n/a'} (${cpu(g)} vs ${cpu(p)} per request)`,
      value: ratio,
      met: ratio === undefined ? undefined : ratio <= 2,
    },
  ];
}

export function report(summaries: readonly GatewaySummary[]): Goal[] {
  printTable(summaries);
  const list = goals(summaries);
  printGoals('gateway', list, 50);
  return list;
}

/** Writes everything measured to bench/gateway/results/last.json; returns the path. */
export function writeGatewayResults(results: object): string {
  return writeResults(HERE, results);
}
