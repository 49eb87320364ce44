// Readers of annotation values, which are always strings: whole numbers, decimals, Go / Kubernetes style
// durations (`250ms`, `5s`, `1m30s`) and comma lists. Each returns undefined after recording an issue on the
// field when the text is not a value it accepts; the message names what is allowed.
import type { Field, IntRange } from './field.js';

/** uint32, the range of Envoy's counters and thresholds. */
export const UINT32_MAX = 4_294_967_295;

/** A whole number in `range`, written in decimal digits. */
export function wholeNumber(field: Field, range: IntRange): number | undefined {
  const text = field.str();
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= range.min && n <= range.max)) return field.fail(`must be an integer ${range.min}-${range.max}, got "${text}"`);
  return n;
}

/** A decimal number such as `20` or `12.5` in [min, max]. */
export function decimal(field: Field, min: number, max: number): number | undefined {
  const text = field.str();
  if (text === undefined) return undefined;
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= min && n <= max)) return field.fail(`must be a number ${min}-${max} (decimals allowed), got "${text}"`);
  return n;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
/** Longer would overflow the proxy's timers (setTimeout holds at most 2^31-1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 24 * 3_600_000;

export interface DurationRange {
  /** Whether 0 is allowed (it means "disabled" where it is). */
  readonly zero: boolean;
}

/** A duration as Go's time.ParseDuration writes it, in ms, h, m and s units (`0` alone is allowed too). */
export function durationMs(field: Field, range: DurationRange): number | undefined {
  const text = field.str();
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t !== '0' && !DURATION.test(t)) {
    return field.fail(`must be a duration such as 250ms, 5s, 1m or 1m30s (units ms, s, m, h), got "${text}"`);
  }
  let ms = 0;
  for (const [, amount, unit] of t.matchAll(DURATION_PART)) ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  ms = Math.round(ms * 1000) / 1000; // 0.1s + 0.2s: decimal input, binary sums
  if (!Number.isInteger(ms)) return field.fail(`must be a whole number of milliseconds, got "${text}"`);
  if (ms === 0 && !range.zero) return field.fail(`must be longer than 0s, got "${text}"`);
  if (ms > MAX_DURATION_MS) return field.fail(`must be at most 24h, got "${text}"`);
  return ms;
}

/**
 * A non-empty comma list whose every item `parse` accepts (items trimmed, empty ones skipped); otherwise an
 * issue `must be <expected> got "bad", "items"` and undefined: a list is used whole or not at all.
 */
export function listOf<T>(field: Field, parse: (item: string) => T | undefined, expected: string): T[] | undefined {
  const items = (field.str() ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values = items.map(parse);
  const bad = items.filter((_, i) => values[i] === undefined);
  if (items.length > 0 && bad.length === 0) return values as T[];
  return field.fail(`must be ${expected} got ${bad.length > 0 ? bad.map((b) => `"${b}"`).join(', ') : 'nothing'}`);
}
