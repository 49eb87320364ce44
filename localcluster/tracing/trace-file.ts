// The local cluster's trace store: one JSON line per span in `<state dir>/traces.jsonl`, appended by the collector
// (collector-main.ts) and read by `meshlet demo` and `meshlet cluster trace`. Times are decimal strings (they are
// 64-bit nanoseconds). The file stops growing at MAX_BYTES: a cluster left running under load must not fill /run.
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ReceivedSpan } from './otlp-json.js';

export const MAX_TRACE_FILE_BYTES = 64 * 1024 * 1024;

export const traceFile = (stateDir: string): string => path.join(stateDir, 'traces.jsonl');

/** Appends `spans`; returns false (and writes nothing) once the file has reached `maxBytes`. */
export function appendSpans(file: string, spans: readonly ReceivedSpan[], maxBytes = MAX_TRACE_FILE_BYTES): boolean {
  if (spans.length === 0) return true;
  if (existsSync(file) && statSync(file).size >= maxBytes) return false;
  const lines = spans.map((s) =>
    JSON.stringify({ ...s, startTimeUnixNano: s.startTimeUnixNano.toString(), endTimeUnixNano: s.endTimeUnixNano.toString() }),
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
  return true;
}

/** Every span in the file (a torn last line, being written, is skipped); [] when there is no file. */
export function readSpans(file: string): ReceivedSpan[] {
  if (!existsSync(file)) return [];
  const out: ReceivedSpan[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      const o = JSON.parse(line) as ReceivedSpan & { startTimeUnixNano: string; endTimeUnixNano: string };
      out.push({ ...o, startTimeUnixNano: BigInt(o.startTimeUnixNano), endTimeUnixNano: BigInt(o.endTimeUnixNano) });
    } catch {
      // a line still being appended
    }
  }
  return out;
}

export function readTrace(file: string, traceId: string): ReceivedSpan[] {
  const id = traceId.toLowerCase();
  return readSpans(file).filter((s) => s.traceId === id);
}

/** One line per trace, newest first: `<trace id>  <start>  <spans> spans  <services>  <root span>`. */
export function latestTraces(spans: readonly ReceivedSpan[], count: number): string[] {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const s of spans) {
    const list = traces.get(s.traceId);
    if (list === undefined) traces.set(s.traceId, [s]);
    else list.push(s);
  }
  const rows = [...traces.entries()].map(([id, list]) => {
    const first = list.reduce((a, b) => (b.startTimeUnixNano < a.startTimeUnixNano ? b : a));
    const services = [...new Set(list.map((s) => s.serviceName))].sort().join(',');
    return { id, start: first.startTimeUnixNano, line: `${id}  ${new Date(Number(first.startTimeUnixNano / 1_000_000n)).toISOString()}  ${list.length} spans  ${services}  ${first.name}` };
  });
  rows.sort((a, b) => (a.start > b.start ? -1 : a.start < b.start ? 1 : 0));
  return rows.slice(0, count).map((r) => r.line);
}
