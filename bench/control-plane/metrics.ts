// Reads the control plane's /metrics (Prometheus text) for the xDS push counters, summed per `type` label.
export interface PushCounters {
  /** meshlet_xds_pushed_bytes by type (EDS, CDS...). */
  readonly bytes: ReadonlyMap<string, number>;
  /** meshlet_xds_pushes by type. */
  readonly pushes: ReadonlyMap<string, number>;
}

const LINE = /^(meshlet_xds_pushed_bytes|meshlet_xds_pushes)(?:_total)?\{([^}]*)\}\s+(\S+)/;

export async function readPushCounters(adminUrl: string): Promise<PushCounters> {
  const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${adminUrl}/metrics: HTTP ${res.status}`);
  const bytes = new Map<string, number>();
  const pushes = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const type = /(?:^|,)type="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '';
    const into = m[1] === 'meshlet_xds_pushes' ? pushes : bytes;
    into.set(type, (into.get(type) ?? 0) + Number(m[3]));
  }
  return { bytes, pushes };
}

/** after - before, per type (types with no difference left out). */
export function difference(after: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, v] of after) {
    const d = v - (before.get(type) ?? 0);
    if (d !== 0) out.set(type, d);
  }
  return out;
}

export function total(m: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const v of m.values()) sum += v;
  return sum;
}
