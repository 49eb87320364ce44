// Options of bench/proxy, from flags (when run directly) or BENCH_* environment variables (through
// `npm run bench -- proxy`, which passes no flags to a benchmark).
//
//   node --import tsx bench/proxy/main.ts [--duration-s 10] [--connections 32] [--rounds 3] [--warmup-s 3]
//        [--services 1000]
//   BENCH_DURATION_S=5 BENCH_ROUNDS=1 npm run bench -- proxy
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Length of every measured load run (wrk -d, h2load -D), s. */
  readonly durationS: number;
  /** Connections of the throughput runs (wrk -c, h2load -c); the latency runs use one. */
  readonly connections: number;
  /** Measured passes over all targets, interleaved; the figures reported are the medians. */
  readonly rounds: number;
  /** One unmeasured load run per target before the first round (JIT, connection pools). */
  readonly warmupS: number;
  /** Services the sidecar holds in the memory phase. */
  readonly services: number;
}

const SPEC = {
  'duration-s': { default: '10', min: 1, max: 600 },
  connections: { default: '32', min: 1, max: 1000 },
  rounds: { default: '3', min: 1, max: 20 },
  'warmup-s': { default: '3', min: 0, max: 60 },
  services: { default: '1000', min: 1, max: 20_000 },
} as const;

type Name = keyof typeof SPEC;

export const USAGE = `usage: bench/proxy/main.ts ${Object.entries(SPEC)
  .map(([k, v]) => `[--${k} ${v.default}]`)
  .join(' ')}
(each flag also from the environment: --duration-s 5 → BENCH_DURATION_S=5)`;

const envName = (name: Name): string => `BENCH_${name.toUpperCase().replace(/-/g, '_')}`;

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(SPEC).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const int = (name: Name): number => {
    const text = values[name] ?? env[envName(name)] ?? SPEC[name].default;
    const { min, max } = SPEC[name];
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new Error(`--${name} (${envName(name)}) "${text}": expected an integer ${min}..${max}`);
    return n;
  };
  return {
    durationS: int('duration-s'),
    connections: int('connections'),
    rounds: int('rounds'),
    warmupS: int('warmup-s'),
    services: int('services'),
  };
}
