// The TLS handshake load: `node --import tsx handshake-client.ts HOST PORT SERVERNAME PATH SECONDS CONCURRENCY MAX`,
// run in the client pod. CONCURRENCY loops each open a new TLS connection (SNI SERVERNAME, ALPN http/1.1, no
// session reuse: Node's tls.connect resumes nothing unless given a session), send one `GET PATH` with
// `Connection: close`, read the whole answer and close — until SECONDS have passed or MAX connections were
// started. Prints one JSON line: completed (handshake + 200 answer), failed with reasons, latencies, the TLS
// version and cipher seen. Bounded: every connection has a 5 s timeout.
import tls from 'node:tls';
import { percentile } from '../control-plane/stats.js';

export interface HandshakeResult {
  readonly completed: number;
  readonly failed: number;
  readonly errors: Record<string, number>;
  readonly seconds: number;
  readonly perSecond: number;
  /** Connect → whole answer read, µs. */
  readonly p50Us: number;
  readonly p99Us: number;
  readonly protocol: string | undefined;
  readonly cipher: string | undefined;
  /** This client's own CPU time (user + system), ms: near seconds × 1000, it was the bottleneck. */
  readonly clientCpuMs: number;
}

const TIMEOUT_MS = 5000;

function main(): void {
  const [host, portText, servername, path, secondsText, concurrencyText, maxText] = process.argv.slice(2);
  if (host === undefined || servername === undefined || path === undefined) throw new Error('usage: HOST PORT SERVERNAME PATH SECONDS CONCURRENCY MAX');
  const port = Number(portText);
  const [seconds, concurrency, max] = [Number(secondsText), Number(concurrencyText), Number(maxText)];
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let started = 0;
  let protocol: string | undefined;
  let cipher: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;

  const fail = (why: string): void => void (errors[why] = (errors[why] ?? 0) + 1);

  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const start = performance.now();
      let text = '';
      let settled = false;
      const socket = tls.connect({ host, port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
      const settle = (why: string | undefined): void => {
        if (settled) return;
        settled = true;
        if (why === undefined) latencies.push((performance.now() - start) * 1000);
        else fail(why);
        socket.destroy();
        resolve();
      };
      socket.setTimeout(TIMEOUT_MS, () => settle('timeout'));
      socket.once('secureConnect', () => {
        protocol ??= socket.getProtocol() ?? undefined;
        cipher ??= socket.getCipher().name;
        socket.write(request);
      });
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
        if (length && text.length - end - 4 < Number(length[1])) return;
        settle(text.startsWith('HTTP/1.1 200') ? undefined : `answer ${text.slice(0, 12)}`);
      });
      socket.once('error', (e: NodeJS.ErrnoException) => settle(e.code ?? e.message));
      socket.once('close', () => settle('closed before the answer'));
    });

  const loop = async (): Promise<void> => {
    while (performance.now() < deadline && started < max) {
      started++;
      await one();
    }
  };
  void Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const failed = Object.values(errors).reduce((a, b) => a + b, 0);
    const result: HandshakeResult = {
      completed: latencies.length, failed, errors, seconds: elapsed, perSecond: latencies.length / elapsed,
      p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99), protocol, cipher,
      clientCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
}

main(); // a script: runs.ts imports only its types
