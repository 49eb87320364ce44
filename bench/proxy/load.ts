// The load generators: `wrk` for HTTP/1.1 and `h2load` for h2c, run inside the client pod, bounded in time (-d /
// -D) and by a kill timer, and their output parsed into one shape. A run that saw anything but 2xx answers, socket
// errors or failed requests carries the problems in `problems`: the report marks it failed.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Host, WorldProcess } from '../../test/support/world.js';
import { percentile } from '../control-plane/stats.js';

export interface LoadResult {
  /** Requests completed. */
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Why this run does not count (non-2xx answers, socket errors, failed requests); empty when it does. */
  readonly problems: readonly string[];
}

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
}

const UNIT_US: Readonly<Record<string, number>> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

/** `350.00us`, `1.20ms`, `10.00s`, `1.00m` → µs. */
export function durationUs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a wrk duration: "${text}"`);
  return Number(m[1]) * (UNIT_US[m[2] as string] as number);
}

function match(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${what} in the output:\n${text}`);
  return m;
}

/** Parses `wrk --latency` output. */
export function parseWrk(text: string): LoadResult {
  const total = match(text, /^\s*(\d+) requests in ([\d.]+\w+),/m, 'request count');
  const requests = Number(total[1]);
  const seconds = durationUs(total[2] as string) / 1e6;
  const at = (p: number): number => durationUs((match(text, new RegExp(`^\\s+${p}%\\s+(\\S+)$`, 'm'), `${p}% latency`)[1]) as string);
  const problems: string[] = [];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) problems.push(`${non2xx[1]} non-2xx/3xx responses`);
  const socket = /Socket errors: (.*)/.exec(text);
  if (socket) problems.push(`socket errors: ${socket[1]}`);
  return { requests, seconds, rps: Number(match(text, /^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec')[1]), p50Us: at(50), p99Us: at(99), problems };
}

/** Parses h2load's summary and its --log-file (one line per request: start µs, status, duration µs). */
export function parseH2load(text: string, log: string): LoadResult {
  const finished = match(text, /^finished in ([\d.]+\w+), ([\d.]+) req\/s/m, 'finished line');
  const counts = match(text, /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m, 'requests line');
  const status = match(text, /^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/m, 'status codes line');
  const durations: number[] = [];
  for (const line of log.split('\n')) {
    const [, code, us] = line.split('\t');
    if (us !== undefined && code !== undefined && Number(code) > 0) durations.push(Number(us));
  }
  durations.sort((a, b) => a - b);
  const problems: string[] = [];
  const [failed, errored, timeout] = [counts[5], counts[6], counts[7]].map(Number) as [number, number, number];
  if (failed + errored + timeout > 0) problems.push(`${failed} failed, ${errored} errored, ${timeout} timed out`);
  const not2xx = Number(status[2]) + Number(status[3]) + Number(status[4]);
  if (not2xx > 0) problems.push(`${not2xx} non-2xx responses`);
  if (durations.length === 0) problems.push('no request in the log file');
  return {
    requests: Number(counts[4]),
    seconds: durationUs(finished[1] as string) / 1e6,
    rps: Number(finished[2]),
    p50Us: percentile(durations, 50),
    p99Us: percentile(durations, 99),
    problems,
  };
}

/** Waits for a load generator, killing it if it outlives its own duration by far (it should never). */
async function finished(proc: WorldProcess, spec: LoadSpec): Promise<string> {
  const limitMs = spec.durationS * 1000 + 30_000;
  const timer = setTimeout(() => void proc.kill('SIGKILL').catch(() => {}), limitMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${proc.label} exited ${code ?? 'by a signal'} (limit ${limitMs} ms)\n${proc.describe()}`);
  return proc.stdout();
}

export async function runWrk(host: Host, spec: LoadSpec): Promise<LoadResult> {
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--timeout', '5s', '--latency', spec.url];
  return parseWrk(await finished(host.spawn('wrk', 'wrk', args), spec));
}

/** h2load over h2c (prior knowledge), one stream in flight per connection like wrk. */
export async function runH2load(host: Host, spec: LoadSpec, scratchDir: string): Promise<LoadResult> {
  const log = path.join(scratchDir, `h2load-${process.hrtime.bigint()}.log`);
  const args = ['-t1', `-c${spec.connections}`, '-m1', `-D${spec.durationS}`, `--log-file=${log}`, spec.url];
  try {
    const text = await finished(host.spawn('h2load', 'h2load', args), spec);
    return parseH2load(text, readFileSync(log, 'utf8'));
  } finally {
    rmSync(log, { force: true });
  }
}
