// Reads a PrometheusMetrics' text through its handler on a throwaway HTTP server, and finds samples in it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusMetrics } from '../../../../common/prometheus.js';

export async function scrape(metrics: PrometheusMetrics): Promise<string> {
  const server = createServer((req, res) => metrics.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The value of the sample `name` whose labels are exactly `labels` (the exporter's otel_scope_* aside). */
export function sample(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const labelPairs = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]);
    const got = labelPairs.filter(([k]) => !k?.startsWith('otel_scope_'));
    if (JSON.stringify(got.sort()) === want) return Number(m[3]);
  }
  return undefined;
}
