// Formats /debug/syncz as the table `meshlet proxy-status` prints, in the spirit of `istioctl proxy-status`.
import type { SynczEntry } from './syncz.js';

const TYPE_COLUMNS = ['CDS', 'LDS', 'EDS', 'RDS', 'NDS'] as const;

function cell(entry: SynczEntry, type: string): string {
  const t = entry.types[type];
  if (!t || t.status === 'NOT SENT') return 'NOT SENT';
  return t.status === 'NACKED' ? `NACKED (${t.nacks})` : t.status;
}

/** A fixed-width table, one row per proxy; NACK errors listed below it so they are never truncated. */
export function formatProxyStatus(entries: readonly SynczEntry[]): string {
  const header = ['NAME', 'ROLE', 'NAMESPACE', 'STREAM', ...TYPE_COLUMNS, 'VERSION'];
  const rows = entries.map((e) => [
    e.proxy,
    e.role,
    e.namespace,
    e.stream,
    ...TYPE_COLUMNS.map((t) => cell(e, t)),
    e.types['CDS']?.sent ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cols: readonly string[]): string =>
    cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (entries.length === 0) lines.push('(no proxies connected)');
  for (const e of entries) {
    for (const [type, t] of Object.entries(e.types)) {
      if (t.error !== undefined) lines.push(`${e.proxy} ${type} rejected version ${t.nacked ?? '?'}: ${t.error}`);
    }
  }
  return lines.join('\n') + '\n';
}
