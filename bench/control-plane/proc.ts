// What the bench reads about the control-plane process from /proc (Linux): resident memory and CPU time.
import { readFileSync } from 'node:fs';

export interface Memory {
  /** VmRSS: resident set size now, MiB. */
  readonly rssMiB: number;
  /** VmHWM: peak resident set size so far, MiB. */
  readonly hwmMiB: number;
}

function kB(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`/proc status has no ${field}`);
  return Number(m[1]) / 1024;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: kB(status, 'VmRSS'), hwmMiB: kB(status, 'VmHWM') };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux architecture Node runs on). */
const USER_HZ = 100;

/** User + system CPU time of the process so far, ms (10 ms resolution). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / USER_HZ;
}
