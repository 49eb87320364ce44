// The processes this benchmark starts on loopback (unbound ×N, `meshlet dns`, dnsperf) and their cleanup on
// every exit path. Each is the leader of a process group of its own (WorldProcess, as the e2e tests use, here
// in the root namespace: nothing this bench starts leaves 127.0.0.0/8); on exit, SIGINT or SIGTERM every group
// still alive is killed by its PID. The control plane and the temporary directory are bench/control-plane's
// (killAll stops the one and removes the other).
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { WorldProcess } from '../../test/support/world.js';
import { freePort } from '../../test/support/ports.js';
import { killAll } from '../control-plane/children.js';

const live = new Set<WorldProcess>();

/** Starts `cmd` as the leader of its own process group; it is killed on the bench's exit at the latest. */
export function start(label: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): WorldProcess {
  const child = spawn(cmd, [...args], { detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new WorldProcess(label, child);
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
  return proc;
}

function killLive(): void {
  for (const proc of live) {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function installCleanup(): void {
  process.once('exit', () => {
    killLive();
    killAll();
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`\nbench/dns: ${signal}, stopping ${[...live].map((p) => `${p.label} (pid ${p.pid})`).join(', ') || 'nothing'}`);
      process.exit(code);
    });
  }
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP on `host` (a DNS server binds both). */
export async function freeDnsPort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(host);
    if (await udpFree(host, port)) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${host} after 20 attempts`);
}
