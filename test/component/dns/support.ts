// Helpers of the DNS server's component tests: `dig` run and its output parsed, a fake upstream resolver (UDP
// and TCP on a 127.0.0.x address) whose behaviour each name chooses, raw UDP/TCP clients, and the server
// started on 127.0.0.1 with a random port.
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';
import { silentLogger } from '../../../common/log.js';
import { startDns, type DnsOptions, type DnsServer } from '../../../dns/index.js';
import { compressMessage } from '../../../dns/server/compress.js';
import { frame, TcpFramer } from '../../../dns/server/tcp-framer.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/mesh-harness.js';

const run = promisify(execFile);

export interface Dig {
  readonly status: string;
  readonly flags: readonly string[];
  /** `name ttl class type rdata` lines of the answer section, whitespace collapsed. */
  readonly answers: readonly string[];
  readonly authority: readonly string[];
  readonly additional: readonly string[];
  readonly question: string;
  /** `UDP` or `TCP`: how the answer dig printed came. */
  readonly transport: string;
  /** dig saw TC and asked again over TCP. */
  readonly retriedOverTcp: boolean;
  readonly ednsUdp: number | undefined;
  readonly text: string;
}

function section(text: string, title: string): string[] {
  const start = text.indexOf(`;; ${title} SECTION:\n`);
  if (start < 0) return [];
  const body = text.slice(start).split('\n').slice(1);
  const end = body.findIndex((l) => l.trim() === '');
  return body.slice(0, end < 0 ? body.length : end).map((l) => l.trim().replace(/\s+/g, ' '));
}

/** `dig @127.0.0.1 -p port ...args` with one try and a 2 s wait, parsed. */
export async function dig(port: number, ...args: string[]): Promise<Dig> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=2', ...args], { timeout: 10_000 });
  const header = /status: (\w+)/.exec(stdout);
  const flags = /;; flags: ([a-z ]*);/.exec(stdout);
  return {
    status: header?.[1] ?? 'NO ANSWER',
    flags: (flags?.[1] ?? '').trim().split(/\s+/).filter((f) => f !== ''),
    answers: section(stdout, 'ANSWER'),
    authority: section(stdout, 'AUTHORITY'),
    additional: section(stdout, 'ADDITIONAL'),
    question: section(stdout, 'QUESTION')[0]?.replace(/^;/, '') ?? '',
    transport: /;; SERVER: .*\((UDP|TCP)\)/.exec(stdout)?.[1] ?? '',
    retriedOverTcp: stdout.includes('Truncated, retrying in TCP mode'),
    ednsUdp: Number(/udp: (\d+)/.exec(stdout)?.[1] ?? NaN) || undefined,
    text: stdout,
  };
}

/** How the fake upstream treats a name. */
export type Behaviour =
  | { readonly kind: 'answer'; readonly answers: readonly Answer[]; readonly delayMs?: number }
  | { readonly kind: 'nxdomain'; readonly soaTtl: number }
  | { readonly kind: 'servfail' }
  | { readonly kind: 'silent' }
  /** Over UDP: TC and no answers; over TCP: the answers. */
  | { readonly kind: 'truncate'; readonly answers: readonly Answer[] }
  /** Answers for another name (what a forged or stray datagram looks like). */
  | { readonly kind: 'wrong-question' };

export interface FakeUpstream {
  readonly host: string;
  readonly port: number;
  /** Queries received, as `name TYPE udp|tcp` (name lower-cased). */
  readonly received: string[];
  set(name: string, behaviour: Behaviour): void;
  count(name: string, transport?: 'udp' | 'tcp'): number;
  close(): Promise<void>;
}

/**
 * A resolver on `host` (a 127.0.0.x address), UDP and TCP on one random port; unknown names: NXDOMAIN. Names in
 * its answers are compressed, as real resolvers send them (owner names point at the question).
 */
export async function startFakeUpstream(host = '127.0.0.2'): Promise<FakeUpstream> {
  const behaviours = new Map<string, Behaviour>();
  const received: string[] = [];
  const respond = (msg: Buffer, transport: 'udp' | 'tcp', send: (b: Buffer) => void): void => {
    let q: DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    received.push(`${question.name.toLowerCase()} ${question.type} ${transport}`);
    const b = behaviours.get(question.name.toLowerCase()) ?? { kind: 'nxdomain', soaTtl: 60 };
    const base = { type: 'response' as const, id: q.id ?? 0, questions: [question], additionals: q.additionals?.filter((a) => a.type === 'OPT') ?? [] };
    const ra = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
    let out: Buffer;
    switch (b.kind) {
      case 'silent':
        return;
      case 'answer':
        out = dnsPacket.encode({ ...base, flags: ra, answers: [...b.answers] });
        if (b.delayMs) return void setTimeout(() => send(compressMessage(out)), b.delayMs);
        break;
      case 'nxdomain':
        out = dnsPacket.encode({ ...base, flags: ra | 3, authorities: [soa(b.soaTtl)] });
        break;
      case 'servfail':
        out = dnsPacket.encode({ ...base, flags: ra | 2 });
        break;
      case 'truncate':
        out = transport === 'udp'
          ? dnsPacket.encode({ ...base, flags: ra | dnsPacket.TRUNCATED_RESPONSE })
          : dnsPacket.encode({ ...base, flags: ra, answers: [...b.answers] });
        break;
      case 'wrong-question':
        out = dnsPacket.encode({ ...base, questions: [{ ...question, name: `x.${question.name}` }], flags: ra, answers: [{ type: 'A', name: `x.${question.name}`, ttl: 60, data: '192.0.2.66' }] });
        break;
    }
    send(compressMessage(out));
  };
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => respond(msg, 'udp', (b) => udp.send(b, rinfo.port, rinfo.address)));
  await new Promise<void>((resolve) => udp.bind(0, host, resolve));
  const port = udp.address().port;
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const framer = new TcpFramer((m) => respond(Buffer.from(m), 'tcp', (b) => socket.write(frame(b))));
    socket.on('data', (c: Buffer) => framer.push(c));
  });
  await new Promise<void>((resolve) => tcp.listen(port, host, resolve));
  return {
    host,
    port,
    received,
    set: (name, behaviour) => behaviours.set(name.toLowerCase(), behaviour),
    count: (name, transport) => received.filter((r) => r.startsWith(`${name.toLowerCase()} `) && (transport === undefined || r.endsWith(` ${transport}`))).length,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}

function soa(ttl: number): Answer {
  return {
    type: 'SOA', name: 'example.com', ttl, class: 'IN',
    data: { mname: 'ns.example.com', rname: 'admin.example.com', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: ttl },
  };
}

export function a(name: string, ip: string, ttl = 60): Answer {
  return { type: 'A', name, ttl, class: 'IN', data: ip };
}

/** The server on 127.0.0.1, a random port, logs off. */
export function startTestDns(options: Partial<DnsOptions> = {}): Promise<DnsServer> {
  return startDns({ listen: { host: '127.0.0.1', port: 0 }, upstreams: [], ttl: 5, logger: silentLogger(), ...options });
}

/** Sends each message from one UDP socket and collects replies until `quietMs` pass without one. */
export async function udpExchange(port: number, messages: readonly Buffer[], quietMs = 300, host = '127.0.0.1'): Promise<Buffer[]> {
  const socket = dgram.createSocket('udp4');
  const replies: Buffer[] = [];
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return new Promise((resolve) => {
    let timer = setTimeout(done, quietMs);
    function done(): void {
      socket.close();
      resolve(replies);
    }
    socket.on('message', (m) => {
      replies.push(m);
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    for (const m of messages) socket.send(m, port, host);
  });
}

/** A TCP connection to the server: write bytes as given, read framed replies. */
export interface TcpClient {
  readonly socket: net.Socket;
  readonly replies: Buffer[];
  /** Resolves when `n` replies have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<Buffer[]>;
  readonly closed: Promise<void>;
}

export async function tcpClient(port: number): Promise<TcpClient> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const replies: Buffer[] = [];
  const waiters: Array<() => void> = [];
  const framer = new TcpFramer((m) => {
    replies.push(Buffer.from(m));
    for (const w of waiters.splice(0)) w();
  });
  socket.on('data', (c: Buffer) => framer.push(c));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const waitFor = async (n: number, timeoutMs = 3000): Promise<Buffer[]> => {
    const deadline = Date.now() + timeoutMs;
    while (replies.length < n) {
      if (Date.now() > deadline) throw new Error(`${replies.length} of ${n} replies within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return replies;
  };
  return { socket, replies, waitFor, closed };
}

/** A Service manifest with its ClusterIP fixed. */
export function withClusterIp(yaml: string, ip: string): string {
  return yaml.replace('\nspec:\n', `\nspec:\n  clusterIP: ${ip}\n`);
}

/** The control plane on 127.0.0.1 random ports with the default service CIDR (DNS tests send nothing there). */
export function controlPlaneWith(manifests: Record<string, string>): Promise<TestControlPlane> {
  return startTestControlPlane(manifests, { serviceCidr: '10.96.0.0/12' });
}
