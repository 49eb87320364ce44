// Options of bench/control-plane, from flags (when run directly) or BENCH_* environment variables (through
// `npm run bench -- control-plane`, which passes no flags to a benchmark).
//
//   node --import tsx --expose-gc bench/control-plane/main.ts [--clients 1000] [--services 1000,10000]
//        [--changes 10] [--mode delta|sotw] [--debounce-ms 0] [--connections 10] [--spacing-ms 300]
//        [--phase-timeout-s 120] [--sync-timeout-s 400]
//   BENCH_CLIENTS=100 BENCH_SERVICES=1000 npm run bench -- control-plane
import { parseArgs } from 'node:util';
import type { Mode } from './clients.js';

export interface BenchOptions {
  readonly clients: number;
  readonly services: readonly number[];
  readonly changes: number;
  readonly mode: Mode;
  readonly debounceMs: number;
  readonly connections: number;
  readonly spacingMs: number;
  readonly phaseTimeoutMs: number;
  /** The initial sync of N clients is a longer phase (10,000 services: ~15 GiB to push). */
  readonly syncTimeoutMs: number;
}

const SPEC = {
  clients: { default: '1000', max: 10_000 },
  services: { default: '1000,10000', max: 50_000 },
  changes: { default: '10', max: 1000 },
  mode: { default: 'delta' },
  'debounce-ms': { default: '0', max: 60_000 },
  connections: { default: '10', max: 1000 },
  'spacing-ms': { default: '300', max: 60_000 },
  'phase-timeout-s': { default: '120', max: 3600 },
  'sync-timeout-s': { default: '400', max: 3600 },
} as const;

type Name = keyof typeof SPEC;

export const USAGE = `usage: bench/control-plane/main.ts ${Object.entries(SPEC)
  .map(([k, v]) => `[--${k} ${v.default}]`)
  .join(' ')}
(each flag also from the environment: --debounce-ms 5 → BENCH_DEBOUNCE_MS=5)`;

function envName(name: Name): string {
  return `BENCH_${name.toUpperCase().replace(/-/g, '_')}`;
}

function int(name: Name, text: string, min: number): number {
  const spec = SPEC[name];
  const max = 'max' in spec ? spec.max : Number.MAX_SAFE_INTEGER;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new Error(`--${name} (${envName(name)}) "${text}": expected an integer ${min}..${max}`);
  return n;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(SPEC).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const get = (name: Name): string => values[name] ?? env[envName(name)] ?? SPEC[name].default;
  const mode = get('mode');
  if (mode !== 'delta' && mode !== 'sotw') throw new Error(`--mode (BENCH_MODE) "${mode}": expected delta or sotw`);
  return {
    clients: int('clients', get('clients'), 1),
    services: get('services')
      .split(',')
      .map((s) => int('services', s, 1)),
    changes: int('changes', get('changes'), 1),
    mode,
    debounceMs: int('debounce-ms', get('debounce-ms'), 0),
    connections: int('connections', get('connections'), 1),
    spacingMs: int('spacing-ms', get('spacing-ms'), 0),
    phaseTimeoutMs: int('phase-timeout-s', get('phase-timeout-s'), 1) * 1000,
    syncTimeoutMs: int('sync-timeout-s', get('sync-timeout-s'), 1) * 1000,
  };
}
