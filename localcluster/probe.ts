// One readiness check, as the kubelet makes it: an HTTP GET that must answer 200-399, or a TCP connect that must
// succeed, within a timeout. Runs in whatever network namespace the calling process lives in.
import { request } from 'node:http';
import { connect } from 'node:net';

export type ProbeTarget =
  | { readonly kind: 'httpGet'; readonly host: string; readonly port: number; readonly path: string }
  | { readonly kind: 'tcpSocket'; readonly host: string; readonly port: number };

export function probeOnce(target: ProbeTarget, timeoutMs = 1000): Promise<boolean> {
  return target.kind === 'httpGet' ? httpProbe(target, timeoutMs) : tcpProbe(target, timeoutMs);
}

function httpProbe(t: Extract<ProbeTarget, { kind: 'httpGet' }>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: t.host, port: t.port, path: t.path, timeout: timeoutMs, headers: { 'user-agent': 'kube-probe/meshlet' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(t: Extract<ProbeTarget, { kind: 'tcpSocket' }>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: t.host, port: t.port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/** `http://host:port/path` or `tcp://host:port` → a ProbeTarget; undefined when it is neither. */
export function parseProbeUrl(text: string): ProbeTarget | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1) return undefined;
  const host = url.hostname;
  if (url.protocol === 'http:') return { kind: 'httpGet', host, port, path: `${url.pathname}${url.search}` };
  if (url.protocol === 'tcp:') return { kind: 'tcpSocket', host, port };
  return undefined;
}

/** Retries `target` every `intervalMs` until it succeeds (true) or `deadlineMs` passes (false). */
export async function waitForProbe(target: ProbeTarget, deadlineMs: number, intervalMs = 50): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await probeOnce(target, Math.min(1000, Math.max(1, end - Date.now())))) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
