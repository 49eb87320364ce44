// SO_ORIGINAL_DST through meshlet's Node-API addon (native/). Without the addon (not built, not Linux) nothing
// can have been redirected by iptables anyway, so every connection counts as not redirected.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { OriginalDestination } from './accept.js';

type GetOriginalDst = (fd: number) => { address: string; port: number } | null;

let native: GetOriginalDst | null | undefined;

function load(): GetOriginalDst | null {
  if (native !== undefined) return native;
  try {
    native = (createRequire(import.meta.url)('@meshlet/native') as { getOriginalDst: GetOriginalDst }).getOriginalDst;
  } catch {
    native = null;
  }
  return native;
}

/** Whether the addon loaded (the sidecar refuses --capture iptables without it). */
export function originalDstAvailable(): boolean {
  return load() !== null;
}

export function originalDestination(socket: Socket): OriginalDestination | null {
  const get = load();
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
  if (get === null || fd < 0) return null;
  try {
    return get(fd);
  } catch {
    return null;
  }
}
