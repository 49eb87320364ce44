// A one-query DNS client over UDP (dns-packet), for readiness and for checking answers before any load: the
// bench only measures servers that answer every sampled query as the data says they must.
import dgram from 'node:dgram';
import dnsPacket, { type Answer, type RecordType } from 'dns-packet';
import type { WorldProcess } from '../../test/support/world.js';
import { sleep } from '../../test/support/world.js';
import type { Query, QuerySet } from './queries.js';

export interface Address {
  readonly host: string;
  readonly port: number;
}

export interface Reply {
  readonly rcode: string;
  /** TC: the answer did not fit the UDP limit (512 bytes without EDNS); a stub resolver retries over TCP. */
  readonly truncated: boolean;
  readonly bytes: number;
  readonly answers: readonly Answer[];
  readonly authorities: readonly Answer[];
}

/** RFC 1035 / 2136 rcodes by number (the 4 bits of the header). */
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function ask(server: Address, qname: string, qtype: RecordType, timeoutMs = 1000): Promise<Reply> {
  const socket = dgram.createSocket('udp4');
  const id = Math.floor(Math.random() * 65_536);
  const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: qtype, name: qname }] });
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${qname} ${qtype} from ${server.host}:${server.port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', reject);
    socket.on('message', (msg) => {
      const reply = dnsPacket.decode(msg);
      if (reply.id !== id) return;
      clearTimeout(timer);
      const flags = reply.flags ?? 0;
      resolve({ rcode: RCODES[flags & 15] ?? String(flags & 15), truncated: reply.flag_tc, bytes: msg.length, answers: reply.answers ?? [], authorities: reply.authorities ?? [] });
    });
    socket.send(query, server.port, server.host);
  }).finally(() => socket.close());
}

/** What in `reply` differs from what `q` must get (undefined: nothing). */
export function mismatch(q: Query, reply: Reply): string | undefined {
  const got: string[] = [];
  for (const a of reply.answers) {
    if (a.type !== q.qtype || a.name.toLowerCase() !== q.qname.toLowerCase()) continue;
    if (a.type === 'SRV') got.push(a.data.target);
    else if (a.type === 'A') got.push(a.data);
  }
  got.sort();
  if (reply.rcode === q.rcode && got.join(',') === q.data.join(',') && !reply.truncated) return undefined;
  const tc = reply.truncated ? ` TC=1 (truncated, ${reply.bytes} bytes over UDP without EDNS)` : '';
  return `${q.qname} ${q.qtype}: got ${reply.rcode}${tc} [${got.join(', ')}], expected ${q.rcode} [${q.data.join(', ')}]`;
}

/** Asks `q` until it is answered as expected; fails with the last difference and the process's output. */
export async function waitUntilAnswered(server: Address, q: Query, proc: WorldProcess, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let last = '';
  while (performance.now() - started < timeoutMs) {
    if (!proc.running) throw new Error(`${proc.label} exited before answering ${q.qname}\n${proc.describe()}`);
    try {
      const diff = mismatch(q, await ask(server, q.qname, q.qtype, 500));
      if (diff === undefined) return performance.now() - started;
      last = diff;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${proc.label} did not answer as expected within ${timeoutMs} ms: ${last}\n${proc.describe()}`);
}

/** Asks `perSet` queries spread over each set; returns every difference (empty: all as expected). */
export async function checkSample(server: Address, sets: readonly QuerySet[], perSet: number): Promise<string[]> {
  const problems: string[] = [];
  for (const set of sets) {
    const step = Math.max(1, Math.floor(set.queries.length / perSet));
    for (let i = 0; i < set.queries.length; i += step) {
      const q = set.queries[i] as Query;
      try {
        const diff = mismatch(q, await ask(server, q.qname, q.qtype));
        if (diff !== undefined) problems.push(`${set.name}: ${diff}`);
      } catch (e) {
        problems.push(`${set.name}: ${(e as Error).message}`);
      }
    }
  }
  return problems;
}
