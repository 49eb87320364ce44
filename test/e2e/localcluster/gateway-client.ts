// The client of the gateway e2e test, run inside the cluster's external namespace: `node gateway-client.ts PLAN`
// where PLAN is a JSON list of requests {url, host?, servername?, alpn?: 'h2' | 'http/1.1', headers?, count?, concurrency?}.
// Every request uses a new connection. Prints one JSON line per request: {i, status, body, alpn, certSubject,
// certAltNames, error}; TLS certificates are not verified (the test checks which one was presented instead).
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

interface Ask {
  url: string;
  host?: string;
  servername?: string;
  alpn?: 'h2' | 'http/1.1';
  headers?: Record<string, string>;
  count?: number;
  concurrency?: number;
}

interface Answer {
  i: number;
  status: number;
  body?: unknown;
  alpn?: string;
  certSubject?: string;
  certAltNames?: string;
  error?: string;
}

const TIMEOUT_MS = 5000;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function certOf(socket: TLSSocket | undefined): Pick<Answer, 'certSubject' | 'certAltNames' | 'alpn'> {
  if (socket === undefined || typeof socket.getPeerCertificate !== 'function') return {};
  const cert = socket.getPeerCertificate();
  const cn = cert.subject?.CN;
  return { certSubject: Array.isArray(cn) ? cn.join(',') : cn, certAltNames: cert.subjectaltname, alpn: socket.alpnProtocol || undefined };
}

function h1(ask: Ask, i: number): Promise<Answer> {
  const url = new URL(ask.url);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(
      url,
      {
        agent: false, timeout: TIMEOUT_MS, headers: { ...(ask.host !== undefined && { host: ask.host }), ...ask.headers },
        ...(url.protocol === 'https:' && { servername: ask.servername ?? '', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }),
      },
      (res) => {
        const tls = certOf(res.socket as TLSSocket);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ i, status: res.statusCode ?? 0, body: parse(Buffer.concat(chunks).toString('utf8')), ...tls }));
        res.on('error', (e) => resolve({ i, status: 0, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ i, status: 0, error: e.message }));
    req.end();
  });
}

function h2(ask: Ask, i: number): Promise<Answer> {
  const url = new URL(ask.url);
  return new Promise((resolve) => {
    const session = http2.connect(url, { servername: ask.servername ?? '', rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const done = (a: Answer): void => {
      session.close();
      resolve(a);
    };
    session.on('error', (e) => done({ i, status: 0, error: e.message }));
    session.setTimeout(TIMEOUT_MS, () => done({ i, status: 0, error: 'timeout' }));
    const req = session.request({ ':path': url.pathname + url.search, ':authority': ask.host ?? url.host, ...ask.headers });
    let status = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done({ i, status, body: parse(Buffer.concat(chunks).toString('utf8')), ...certOf(session.socket as TLSSocket) }));
    req.on('error', (e) => done({ i, status: 0, error: e.message }));
    req.end();
  });
}

const plan = JSON.parse(process.argv[2] ?? '[]') as Ask[];
let i = 0;
for (const ask of plan) {
  // `count` requests (at most 5,000), `concurrency` of them in flight at once (default 1: in order).
  let left = Math.min(ask.count ?? 1, 5000);
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      const answer = await (ask.alpn === 'h2' ? h2(ask, i) : h1(ask, i));
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(ask.concurrency ?? 1, 1), 32) }, worker));
  i++;
}
