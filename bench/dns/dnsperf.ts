// dnsperf, bounded in time (-l) and by a kill timer, and its statistics parsed into one shape. A run that lost
// more than 0.1% of its queries, or saw an rcode the query set must not get (or in other shares than the set
// holds), carries the reasons in `problems`: the report marks it failed and leaves it out of the medians.
import { start } from './procs.js';
import type { Address } from './probe.js';
import { expectedRcodes, type QuerySet } from './queries.js';

export interface PerfSpec {
  readonly durationS: number;
  readonly clients: number;
  readonly outstanding: number;
}

export interface PerfResult {
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly rcodes: Readonly<Record<string, number>>;
  readonly runTimeS: number;
  readonly qps: number;
  readonly avgLatencyUs: number;
  readonly maxLatencyUs: number;
  readonly responseBytes: number;
  readonly problems: readonly string[];
}

/** Lost queries above this share fail a run. */
export const LOST_LIMIT = 0.001;
/** An expected rcode's share may differ from the set's by this much (dnsperf stops mid-pass). */
const SHARE_SLACK = 0.01;

function field(text: string, label: string): RegExpExecArray {
  const m = new RegExp(`^\\s*${label.replace(/[()]/g, '\\$&')}:\\s+(.*)$`, 'm').exec(text);
  if (!m) throw new Error(`no "${label}" in dnsperf's output:\n${text}`);
  return m;
}

const num = (text: string, label: string): number => Number.parseFloat((field(text, label)[1] as string).trim());

export function parseDnsperf(text: string, set: QuerySet): PerfResult {
  const rcodes: Record<string, number> = {};
  const codes = /^\s*Response codes:\s+(.*)$/m.exec(text)?.[1] ?? '';
  for (const m of codes.matchAll(/([A-Z]+) (\d+) \(/g)) rcodes[m[1] as string] = Number(m[2]);
  const latency = /^\s*Average Latency \(s\):\s+([\d.]+) \(min [\d.]+, max ([\d.]+)\)/m.exec(text);
  const sent = num(text, 'Queries sent');
  const completed = num(text, 'Queries completed');
  const lost = num(text, 'Queries lost');
  const problems: string[] = [];
  if (completed === 0) problems.push('no query completed');
  if (sent > 0 && lost / sent > LOST_LIMIT) problems.push(`${lost} of ${sent} queries lost (${((lost / sent) * 100).toFixed(2)}%)`);
  const expected = expectedRcodes(set);
  for (const [rcode, n] of Object.entries(rcodes)) {
    const want = expected.get(rcode as 'NOERROR') ?? 0;
    if (want === 0) problems.push(`${n} ${rcode} answers`);
    else if (Math.abs(n / completed - want) > SHARE_SLACK) problems.push(`${rcode} ${((n / completed) * 100).toFixed(1)}% of answers, expected ${(want * 100).toFixed(1)}%`);
  }
  return {
    sent,
    completed,
    lost,
    rcodes,
    runTimeS: num(text, 'Run time (s)'),
    qps: num(text, 'Queries per second'),
    avgLatencyUs: latency ? Number(latency[1]) * 1e6 : Number.NaN,
    maxLatencyUs: latency ? Number(latency[2]) * 1e6 : Number.NaN,
    responseBytes: Number(/response (\d+)/.exec(field(text, 'Average packet size')[1] as string)?.[1] ?? Number.NaN),
    problems,
  };
}

/** One dnsperf run of `set` against `server` (-T 1, timeout 1 s per query). */
export async function runDnsperf(server: Address, set: QuerySet, spec: PerfSpec): Promise<PerfResult> {
  const args = [
    '-s', server.host, '-p', String(server.port), '-d', set.file,
    '-l', String(spec.durationS), '-c', String(spec.clients), '-q', String(spec.outstanding), '-T', '1', '-t', '1',
  ];
  const proc = start(`dnsperf ${set.name} → ${server.host}:${server.port}`, 'dnsperf', args);
  const limitMs = spec.durationS * 1000 + 30_000;
  const timer = setTimeout(() => void proc.kill('SIGKILL').catch(() => undefined), limitMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`dnsperf exited ${code ?? 'by a signal'} (limit ${limitMs} ms)\n${proc.describe()}`);
  return parseDnsperf(proc.stdout(), set);
}
