// Structural sharing between snapshots: a ResolvedService whose content did not change is the very object of
// the previous snapshot, so translation can memoise per service with a WeakMap and skip unchanged ones.
import type { BackendEndpoint, ResolvedPort, ResolvedService } from './types.js';

function sameEndpoint(a: BackendEndpoint, b: BackendEndpoint): boolean {
  return (
    a.ip === b.ip &&
    a.port === b.port &&
    a.ready === b.ready &&
    a.serving === b.serving &&
    a.terminating === b.terminating &&
    a.hostname === b.hostname &&
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.pod === b.pod &&
    a.weight === b.weight
  );
}

function samePort(a: ResolvedPort, b: ResolvedPort): boolean {
  if (a.port !== b.port || a.endpoints.length !== b.endpoints.length) return false;
  for (let i = 0; i < a.endpoints.length; i++) {
    if (!sameEndpoint(a.endpoints[i] as BackendEndpoint, b.endpoints[i] as BackendEndpoint)) return false;
  }
  return true;
}

/**
 * `next` when something changed, else `prev`. The Service object itself is compared by identity: the store keeps
 * an unchanged object's identity across rescans, and a new object means new content (or a new origin).
 */
export function shareService(prev: ResolvedService | undefined, next: ResolvedService): ResolvedService {
  if (
    prev === undefined ||
    prev.service !== next.service ||
    prev.fqdn !== next.fqdn ||
    prev.clusterIP !== next.clusterIP ||
    prev.headless !== next.headless ||
    prev.exported !== next.exported ||
    prev.ports.length !== next.ports.length
  ) {
    return next;
  }
  for (let i = 0; i < next.ports.length; i++) {
    if (!samePort(prev.ports[i] as ResolvedPort, next.ports[i] as ResolvedPort)) return next;
  }
  return prev;
}

/** `next` unless it holds the same elements as `prev` (by identity), so unchanged lists keep their identity. */
export function shareList<T>(prev: readonly T[] | undefined, next: readonly T[]): readonly T[] {
  if (prev === undefined || prev.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) if (prev[i] !== next[i]) return next;
  return prev;
}
