// Options of bench/dns, from flags (when run directly) or BENCH_* environment variables (through
// `npm run bench -- dns`, which passes no flags to a benchmark).
//
//   node --import tsx bench/dns/main.ts [--services 1000] [--duration-s 10] [--clients 4] [--outstanding 100]
//        [--rounds 3] [--warmup-s 3] [--unbound-threads 1,2]
//   BENCH_DURATION_S=5 BENCH_ROUNDS=1 npm run bench -- dns
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Services in the cluster zone (a tenth of them headless, with 3 endpoints each). */
  readonly services: number;
  /** Length of every measured dnsperf run (dnsperf -l), s. */
  readonly durationS: number;
  /** dnsperf -c: client sockets. */
  readonly clients: number;
  /** dnsperf -q: queries outstanding at once, over all clients (the latency runs use 1). */
  readonly outstanding: number;
  /** Measured passes over every server and query set, interleaved; the figures reported are the medians. */
  readonly rounds: number;
  /** One unmeasured run per server and query set before the first round (JIT, caches of forwarded names). */
  readonly warmupS: number;
  /** One unbound peer per entry, with that many threads; the first is the headline peer. */
  readonly unboundThreads: readonly number[];
}

const SPEC = {
  services: { default: '1000', min: 10, max: 100_000 },
  'duration-s': { default: '10', min: 1, max: 300 },
  clients: { default: '4', min: 1, max: 256 },
  outstanding: { default: '100', min: 1, max: 10_000 },
  rounds: { default: '3', min: 1, max: 20 },
  'warmup-s': { default: '3', min: 0, max: 60 },
  'unbound-threads': { default: '1,2', min: 1, max: 16 },
} as const;

type Name = keyof typeof SPEC;

export const USAGE = `usage: bench/dns/main.ts ${Object.entries(SPEC)
  .map(([k, v]) => `[--${k} ${v.default}]`)
  .join(' ')}
(each flag also from the environment: --duration-s 5 → BENCH_DURATION_S=5)`;

const envName = (name: Name): string => `BENCH_${name.toUpperCase().replace(/-/g, '_')}`;

/** Integers in the flag's range, comma-separated where a list is allowed. */
function integers(name: Name, text: string, list: boolean): number[] {
  const { min, max } = SPEC[name];
  const parts = list ? text.split(',') : [text];
  const values = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : Number.NaN));
  if (values.some((v) => !(v >= min && v <= max))) {
    throw new Error(`--${name} (${envName(name)}) "${text}": expected ${list ? 'a comma-separated list of integers' : 'an integer'} ${min}..${max}`);
  }
  return values;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(SPEC).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const text = (name: Name): string => values[name] ?? env[envName(name)] ?? SPEC[name].default;
  const one = (name: Name): number => integers(name, text(name), false)[0] as number;
  return {
    services: one('services'),
    durationS: one('duration-s'),
    clients: one('clients'),
    outstanding: one('outstanding'),
    rounds: one('rounds'),
    warmupS: one('warmup-s'),
    unboundThreads: integers('unbound-threads', text('unbound-threads'), true),
  };
}
