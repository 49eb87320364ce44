// What each published ResolvedService was computed from. Every input is immutable, so the same inputs (by
// identity) give the same result and the previous ResolvedService is reused without recomputing its endpoints:
// the common case of a rebuild after a change elsewhere. The pods map stands for "which Pods exist" (selected
// Pods, weights of slice endpoints): the store keeps its identity while no Pod changes. When inputs differ the
// result is still compared by value (share.ts), so recomputing never costs an identity by itself.
import type { EndpointSlice, Pod, ResolvedService, Service } from './types.js';

const INPUTS = new WeakMap<ResolvedService, readonly unknown[]>();

export function inputsOf(
  service: Service,
  clusterIP: string | undefined,
  exported: boolean,
  fqdn: string,
  slices: readonly EndpointSlice[] | undefined,
  pods: ReadonlyMap<string, Pod>,
): unknown[] {
  const head = [service, clusterIP, exported, fqdn, pods];
  return slices === undefined ? head : [...head, ...slices];
}

export function sameInputs(resolved: ResolvedService, inputs: readonly unknown[]): boolean {
  const before = INPUTS.get(resolved);
  if (before === undefined || before.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) if (before[i] !== inputs[i]) return false;
  return true;
}

export function remember(resolved: ResolvedService, inputs: readonly unknown[]): ResolvedService {
  INPUTS.set(resolved, inputs);
  return resolved;
}
