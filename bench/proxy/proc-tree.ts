// CPU time and resident memory of a proxy *and its child processes* (nginx's master and worker; haproxy and the
// sidecar are one process each), read from /proc like bench/control-plane does for one process.
import { readFileSync } from 'node:fs';
import { cpuMsOf, memoryOf, type Memory } from '../control-plane/proc.js';

/** The PID and every descendant, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as number;
    let children = '';
    try {
      children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    for (const c of children.trim().split(/\s+/)) if (c !== '') out.push(Number(c));
  }
  return out;
}

/** User + system CPU time of the tree so far, ms (10 ms resolution per process). */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuMsOf(p), 0);
}

/** VmRSS and VmHWM summed over the tree, MiB. */
export function treeMemory(pid: number): Memory {
  return processTree(pid)
    .map(memoryOf)
    .reduce((a, m) => ({ rssMiB: a.rssMiB + m.rssMiB, hwmMiB: a.hwmMiB + m.hwmMiB }), { rssMiB: 0, hwmMiB: 0 });
}
