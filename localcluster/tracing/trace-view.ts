// One trace as text: a tree by parent (two spaces per level, children by start time) and a waterfall bar per span
// scaled to the whole trace, e.g.
//
//   trace 0af7651916cd43dd8448eb211c80319c: 3 spans, 2 services, 10.00 ms
//   [frontend] GET / (server)           10.00 ms |████████████████████|
//     [frontend] GET /items (client)     8.00 ms | ████████████████   |
//       [catalog] GET /items (server)    6.00 ms |  ████████████      |
//
// Pure: the same spans always give the same text. A span whose parent is not among them is shown as a root.
import type { ReceivedSpan } from './otlp-json.js';

export type ViewSpan = Pick<
  ReceivedSpan,
  'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'serviceName' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'status'
>;

export interface TraceViewOptions {
  /** Characters of the waterfall bar; default 40. */
  barWidth?: number;
}

interface Row {
  readonly span: ViewSpan;
  readonly depth: number;
}

function byStart(a: ViewSpan, b: ViewSpan): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** Depth-first rows: roots (and orphans) by start time, each followed by its subtree. */
function rows(spans: readonly ViewSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, ViewSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId ? s.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort(byStart);
  const out: Row[] = [];
  const seen = new Set<string>();
  const visit = (s: ViewSpan, depth: number): void => {
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    out.push({ span: s, depth });
    for (const c of children.get(s.spanId) ?? []) visit(c, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  // Spans only reachable through a parent cycle: show them rather than lose them.
  for (const s of [...spans].sort(byStart)) visit(s, 0);
  return out;
}

function ms(nanos: bigint): string {
  return (Number(nanos) / 1e6).toFixed(2);
}

function bar(s: ViewSpan, t0: bigint, total: bigint, width: number): string {
  const w = BigInt(width);
  let from = Number(((s.startTimeUnixNano - t0) * w) / total);
  const to = Number(((s.endTimeUnixNano - t0) * w + total - 1n) / total);
  from = Math.min(Math.max(from, 0), width - 1);
  const len = Math.max(1, Math.min(to, width) - from);
  return `|${' '.repeat(from)}${'█'.repeat(len)}${' '.repeat(width - from - len)}|`;
}

function label(row: Row): string {
  const { span } = row;
  const kind = span.kind === 'UNSPECIFIED' ? '' : ` (${span.kind.toLowerCase()})`;
  const error = span.status.code === 'ERROR' ? ' [error]' : '';
  return `${'  '.repeat(row.depth)}[${span.serviceName}] ${span.name}${kind}${error}`;
}

export function renderTrace(spans: readonly ViewSpan[], options: TraceViewOptions = {}): string {
  if (spans.length === 0) return '(no spans)';
  const width = Math.max(1, options.barWidth ?? 40);
  let t0 = spans[0]?.startTimeUnixNano ?? 0n;
  let t1 = spans[0]?.endTimeUnixNano ?? 0n;
  for (const s of spans) {
    if (s.startTimeUnixNano < t0) t0 = s.startTimeUnixNano;
    if (s.endTimeUnixNano > t1) t1 = s.endTimeUnixNano;
  }
  const total = t1 > t0 ? t1 - t0 : 1n;
  const services = new Set(spans.map((s) => s.serviceName)).size;
  const traceIds = [...new Set(spans.map((s) => s.traceId))].join(', ');
  const header = `trace ${traceIds}: ${spans.length} spans, ${services} services, ${ms(t1 - t0)} ms`;
  const all = rows(spans);
  const labels = all.map(label);
  const durations = all.map((r) => `${ms(r.span.endTimeUnixNano - r.span.startTimeUnixNano)} ms`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const durationWidth = Math.max(...durations.map((d) => d.length));
  const lines = all.map(
    (r, i) =>
      `${(labels[i] ?? '').padEnd(labelWidth)}  ${(durations[i] ?? '').padStart(durationWidth)} ${bar(r.span, t0, total, width)}`,
  );
  return [header, ...lines].join('\n');
}
