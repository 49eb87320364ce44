// Envoy's priority and panic arithmetic, pure so that it is table-tested against the documentation.
//
// Envoy docs, "Priority levels" (intro/arch_overview/upstream/load_balancing/priority):
//   health(P_X) = min(100, 1.4 * 100 * healthy_P_X_backends / total_P_X_backends)      (integer scores)
//   normalized_total_health = min(100, Σ health(P_0..P_X))
//   priority_load(P_0) = min(100, health(P_0) * 100 / normalized_total_health)
//   priority_load(P_X) = min(100 - Σ priority_load(P_0..P_X-1), health(P_X) * 100 / normalized_total_health)
// The documented tables round the normalized share to the nearest integer (25/25/20 → 36/36/28, 5/65 → 7/93);
// we do the same, and give any rounding remainder to the first priority with health, as Envoy's code does.
//
// Envoy docs, "Panic threshold" (…/load_balancing/panic_threshold): while normalized total health is 100%
// panic is disregarded; below that, a priority whose healthy percentage is under the threshold balances over
// all its hosts regardless of health. When normalized total health falls under the threshold itself, Envoy's
// load balancer (LoadBalancerBase::recalculateLoadInTotalPanic) puts every priority in panic and spreads load by
// host count (with one priority level that is the docs' "all traffic will be redirected to P=0"). A threshold
// of 0 disables panic: no healthy host → no host.

export interface LevelCounts {
  /** Hosts in the priority level. */
  readonly total: number;
  /** Of those, hosts that may take traffic (HEALTHY or UNKNOWN, as Envoy). */
  readonly healthy: number;
}

export interface PriorityLoad {
  /** Percent of traffic per priority level (sums to 100, or to 0 when nothing can be picked). */
  readonly load: readonly number[];
  /** Per level: balance over all hosts regardless of health. */
  readonly panic: readonly boolean[];
  readonly normalizedTotalHealth: number;
}

/** Envoy's health score of one level: floor(factor × 100 × healthy / total), capped at 100. */
export function levelHealth(level: LevelCounts, overprovisioningFactor: number): number {
  if (level.total === 0) return 0;
  return Math.min(100, Math.floor((overprovisioningFactor * 100 * level.healthy) / level.total + 1e-9));
}

export function computePriorityLoad(
  levels: readonly LevelCounts[],
  overprovisioningFactor = 1.4,
  panicThresholdPercent = 50,
): PriorityLoad {
  const health = levels.map((l) => levelHealth(l, overprovisioningFactor));
  const normalizedTotalHealth = Math.min(
    100,
    health.reduce((a, b) => a + b, 0),
  );
  if (panicThresholdPercent > 0 && normalizedTotalHealth < panicThresholdPercent) {
    return totalPanic(levels, normalizedTotalHealth);
  }
  const load = levels.map(() => 0);
  if (normalizedTotalHealth === 0) return { load, panic: levels.map(() => false), normalizedTotalHealth };
  let remaining = 100;
  let firstAvailable = -1;
  for (let i = 0; i < levels.length; i++) {
    const h = health[i] ?? 0;
    if (h > 0 && firstAvailable < 0) firstAvailable = i;
    const share = Math.min(remaining, Math.round((h * 100) / normalizedTotalHealth));
    load[i] = share;
    remaining -= share;
  }
  if (remaining > 0 && firstAvailable >= 0) load[firstAvailable] = (load[firstAvailable] ?? 0) + remaining;
  const panic = levels.map(
    (l) => normalizedTotalHealth < 100 && panicThresholdPercent > 0 && healthyPercent(l) < panicThresholdPercent,
  );
  return { load, panic, normalizedTotalHealth };
}

function healthyPercent(level: LevelCounts): number {
  return level.total === 0 ? 0 : (100 * level.healthy) / level.total;
}

/** Every level in panic; load in proportion to host counts, the remainder to the first non-empty level. */
function totalPanic(levels: readonly LevelCounts[], normalizedTotalHealth: number): PriorityLoad {
  const hosts = levels.reduce((a, l) => a + l.total, 0);
  const load = levels.map((l) => (hosts === 0 ? 0 : Math.floor((100 * l.total) / hosts)));
  const firstNonEmpty = levels.findIndex((l) => l.total > 0);
  if (firstNonEmpty >= 0) load[firstNonEmpty] = (load[firstNonEmpty] ?? 0) + 100 - load.reduce((a, b) => a + b, 0);
  return { load, panic: levels.map(() => true), normalizedTotalHealth };
}

/**
 * Envoy docs, "Locality weighted load balancing": a locality's effective weight is its weight times its
 * availability, where availability = min(1, overprovisioning factor × healthy / total hosts of the locality).
 */
export function effectiveLocalityWeight(
  localityWeight: number,
  healthy: number,
  total: number,
  overprovisioningFactor = 1.4,
): number {
  if (total === 0 || localityWeight <= 0) return 0;
  return localityWeight * Math.min(1, (overprovisioningFactor * healthy) / total);
}
