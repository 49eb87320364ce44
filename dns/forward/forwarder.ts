// Questions outside the cluster zones go to upstream resolvers: over UDP with our own EDNS OPT (1232 bytes,
// the client's DO bit), again over TCP when the answer comes back truncated, to the next upstream when one
// times out or answers SERVFAIL/REFUSED/NOTIMP/FORMERR, and SERVFAIL to the client when `timeoutMs` has passed.
// Answers are cached for their TTL (answer-cache.ts); identical questions in flight share one upstream query.
//
// Per query nothing but a Map lookup happens on a cache hit. A miss allocates what must outlive the call (the
// waiter, a copy of the question); one sweep timer, running only while queries are in flight, replaces a timer
// per query. Queries carry random IDs from one socket per address family, and answers count only from the
// upstream a query went to and for the question it asked.
import dgram from 'node:dgram';
import type { Logger } from '../../common/log.js';
import type { Forwarding, ReplySink } from '../server/handler.js';
import { literalLookup } from '../server/udp.js';
import { keepAsker, type Asker, type QueryView } from '../server/query.js';
import { errorResponse, fromTemplate, type Template } from '../server/template.js';
import { HEADER_BYTES, RCODE } from '../server/wire.js';
import { AnswerCache } from './answer-cache.js';
import { tcpExchange } from './tcp-exchange.js';
import { RandomIds, upstreamQuery } from './upstream-query.js';
import { readUpstreamAnswer, type CacheLimits } from './upstream-answer.js';
import type { Upstream } from './upstream.js';

export interface ForwarderOptions {
  readonly upstreams: readonly Upstream[];
  /** From the first upstream query to SERVFAIL; default 2000 ms. */
  readonly timeoutMs?: number;
  /** Cached answers at most (half for DO queries, half for the others); default 10,000. */
  readonly cacheEntries?: number;
  /** Default: positive answers 3600 s at most, negative 300 s. */
  readonly cacheLimits?: CacheLimits;
  /** Distinct questions in flight at most; beyond, SERVFAIL at once. Default 2048. */
  readonly maxPending?: number;
  readonly logger: Logger;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export interface ForwarderCounters {
  cacheHits: number;
  /** Queries that joined an identical one in flight. */
  coalesced: number;
  /** Datagrams sent upstream (first tries and retries). */
  upstreamQueries: number;
  tcpRetries: number;
  /** Questions that got SERVFAIL because no upstream answered in time. */
  timeouts: number;
}

interface Waiter {
  readonly asker: Asker;
  readonly limit: number;
  readonly sink: ReplySink;
  readonly address: string;
  readonly port: number;
}

interface Pending {
  readonly questionKey: string;
  /** The question section as the first client wrote it (its case is what the upstream sees). */
  readonly question: Buffer;
  readonly dnssecOk: boolean;
  readonly waiters: Waiter[];
  readonly ids: number[];
  /** Upstream of the first try; try k goes to (first + k) mod n. */
  readonly first: number;
  readonly deadline: number;
  attempt: number;
  attemptDeadline: number;
  cancelTcp: (() => void) | undefined;
  done: boolean;
}

const MAX_WAITERS = 256;
const SWEEP_MS = 25;
const DEFAULT_LIMITS: CacheLimits = { maxTtl: 3600, maxNegativeTtl: 300 };
/** Upstream rcodes that say "ask someone else" (as CoreDNS's forward plugin and most stub resolvers do). */
const FAILOVER_RCODES = new Set([RCODE.SERVFAIL, RCODE.REFUSED, RCODE.NOTIMP, RCODE.FORMERR]);

export class Forwarder implements Forwarding {
  readonly counters: ForwarderCounters = { cacheHits: 0, coalesced: 0, upstreamQueries: 0, tcpRetries: 0, timeouts: 0 };
  private readonly upstreams: readonly Upstream[];
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly limits: CacheLimits;
  private readonly maxPending: number;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Index 0: queries without the DO bit; 1: with it. */
  private readonly caches: readonly [AnswerCache, AnswerCache];
  private readonly inflight: readonly [Map<string, Pending>, Map<string, Pending>] = [new Map(), new Map()];
  /** Query ID → the question and the upstream it went to. */
  private readonly sent = new Map<number, { readonly pending: Pending; readonly upstream: number }>();
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly randomIds = new RandomIds();
  private readonly idTaken = (id: number): boolean => this.sent.has(id);
  private preferred = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: ForwarderOptions) {
    this.upstreams = options.upstreams;
    this.timeoutMs = options.timeoutMs ?? 2000;
    // One upstream gets a second try (a lost datagram); several share the time, three at most.
    this.attempts = this.upstreams.length === 1 ? 2 : Math.min(this.upstreams.length, 3);
    this.limits = options.cacheLimits ?? DEFAULT_LIMITS;
    this.maxPending = options.maxPending ?? 2048;
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    const half = Math.ceil((options.cacheEntries ?? 10_000) / 2);
    this.caches = [new AnswerCache(half), new AnswerCache(half)];
  }

  /** Binds a UDP socket per address family the upstreams use, on an ephemeral port of every address. */
  async start(): Promise<void> {
    const families = new Set(this.upstreams.map(familyOf));
    for (const family of families) {
      const socket = dgram.createSocket({ type: family, lookup: literalLookup });
      socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
      socket.on('error', (err) => this.log.warn({ err }, 'upstream DNS socket error'));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      this.sockets.set(family, socket);
    }
  }

  answer(q: QueryView, limit: number, sink: ReplySink, address: string, port: number): Buffer | undefined {
    const side = q.dnssecOk ? 1 : 0;
    const now = this.now();
    const hit = this.caches[side].get(q.key, now);
    if (hit !== undefined) {
      this.counters.cacheHits++;
      return fromTemplate(hit.template, q, limit, hit.ageSeconds);
    }
    if (this.upstreams.length === 0 || this.closed) return errorResponse(q, RCODE.SERVFAIL, { question: true });
    const inflight = this.inflight[side];
    const joined = inflight.get(q.key);
    if (joined !== undefined) {
      this.counters.coalesced++;
      if (joined.waiters.length < MAX_WAITERS) joined.waiters.push({ asker: keepAsker(q), limit, sink, address, port });
      return undefined;
    }
    if (inflight.size + this.inflight[1 - side]!.size >= this.maxPending) return errorResponse(q, RCODE.SERVFAIL, { question: true });
    const pending: Pending = {
      questionKey: q.key,
      question: Buffer.from(q.buf.subarray(HEADER_BYTES, q.questionEnd)),
      dnssecOk: q.dnssecOk,
      waiters: [{ asker: keepAsker(q), limit, sink, address, port }],
      ids: [],
      first: this.preferred,
      deadline: now + this.timeoutMs,
      attempt: 0,
      attemptDeadline: 0,
      cancelTcp: undefined,
      done: false,
    };
    inflight.set(q.key, pending);
    this.send(pending, now);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    return undefined;
  }

  /** Closes the sockets; questions in flight get no answer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const inflight of this.inflight) {
      for (const p of inflight.values()) p.cancelTcp?.();
      inflight.clear();
    }
    this.sent.clear();
    for (const socket of this.sockets.values()) socket.close();
  }

  private send(p: Pending, now: number): void {
    const index = (p.first + p.attempt) % this.upstreams.length;
    const upstream = this.upstreams[index]!;
    const id = this.randomIds.next(this.idTaken);
    p.ids.push(id);
    p.attemptDeadline = now + this.timeoutMs / this.attempts;
    this.sent.set(id, { pending: p, upstream: index });
    const socket = this.sockets.get(familyOf(upstream));
    this.counters.upstreamQueries++;
    try {
      socket?.send(upstreamQuery(id, p.question, p.dnssecOk), upstream.port, upstream.host);
    } catch (err) {
      this.log.warn({ err, upstream }, 'cannot send to the upstream resolver');
    }
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < HEADER_BYTES) return;
    const sent = this.sent.get(msg.readUInt16BE(0));
    if (sent === undefined) return;
    const upstream = this.upstreams[sent.upstream]!;
    if (rinfo.port !== upstream.port || rinfo.address !== upstream.host) return;
    this.onResponse(sent.pending, sent.upstream, msg, false);
  }

  private onResponse(p: Pending, upstream: number, msg: Buffer, overTcp: boolean): void {
    if (p.done) return;
    const answer = readUpstreamAnswer(msg, p.questionKey, this.limits);
    if (answer === undefined) return; // malformed or for another question: wait for a good one
    if (answer.truncated && !overTcp) {
      if (p.cancelTcp === undefined) this.retryOverTcp(p, upstream);
      return;
    }
    const now = this.now();
    if ((FAILOVER_RCODES.has(answer.rcode) || answer.rcode > 15) && p.attempt + 1 < this.attempts) {
      this.passOver(upstream);
      p.attempt++;
      this.send(p, now);
      return;
    }
    this.caches[p.dnssecOk ? 1 : 0].set(p.questionKey, answer.template, answer.cacheTtl, now);
    this.finish(p, answer.template);
  }

  private retryOverTcp(p: Pending, upstream: number): void {
    this.counters.tcpRetries++;
    const id = this.randomIds.next(this.idTaken);
    const remaining = Math.max(1, p.deadline - this.now());
    p.cancelTcp = tcpExchange(this.upstreams[upstream]!, upstreamQuery(id, p.question, p.dnssecOk), remaining, (response) => {
      p.cancelTcp = undefined;
      if (response === undefined || response.length < HEADER_BYTES || response.readUInt16BE(0) !== id) this.finish(p, undefined);
      else this.onResponse(p, upstream, response, true);
    });
  }

  /** Timeouts: a try that got no answer moves on; a question past its deadline gets SERVFAIL. */
  private sweep(): void {
    const now = this.now();
    for (const inflight of this.inflight) {
      for (const p of inflight.values()) {
        if (now >= p.deadline) {
          this.counters.timeouts++;
          this.passOver((p.first + p.attempt) % this.upstreams.length);
          this.finish(p, undefined);
        } else if (p.cancelTcp === undefined && now >= p.attemptDeadline && p.attempt + 1 < this.attempts) {
          this.passOver((p.first + p.attempt) % this.upstreams.length);
          p.attempt++;
          this.send(p, now);
        }
      }
    }
    if (this.inflight[0].size + this.inflight[1].size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** An upstream failed: when it was the preferred one, the next becomes preferred (fail over, rotate). */
  private passOver(upstream: number): void {
    if (upstream === this.preferred) this.preferred = (upstream + 1) % this.upstreams.length;
  }

  /** Answers every waiter from `template`, or SERVFAIL without one, and forgets the question. */
  private finish(p: Pending, template: Template | undefined): void {
    if (p.done) return;
    p.done = true;
    p.cancelTcp?.();
    this.inflight[p.dnssecOk ? 1 : 0].delete(p.questionKey);
    for (const id of p.ids) if (this.sent.get(id)?.pending === p) this.sent.delete(id);
    for (const w of p.waiters) {
      const response = template === undefined ? errorResponse(w.asker, RCODE.SERVFAIL, { question: true }) : fromTemplate(template, w.asker, w.limit);
      w.sink.reply(response, w.address, w.port);
    }
  }
}

function familyOf(u: Upstream): 'udp4' | 'udp6' {
  return u.host.includes(':') ? 'udp6' : 'udp4';
}
