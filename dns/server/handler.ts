// One query in, one response out: the server's whole policy, the same for UDP and TCP. Synchronous and free of
// closures: a response is returned at once (cluster zones, cached upstream answers, errors) or the query is
// handed to the forwarder, which replies through the sink later.
import { parseQuery, PARSED, QueryView, keyScratch } from './query.js';
import { errorResponse, fromTemplate } from './template.js';
import { BADVERS_UPPER, CLASS_IN, RCODE, TCP_LIMIT, TYPE, udpLimit } from './wire.js';
import type { ZoneTemplates } from './zone-templates.js';

/** Where a response goes: the UDP socket (to address:port) or one TCP connection (address ignored). */
export interface ReplySink {
  /** TCP: responses up to 65535 bytes, never truncated for the UDP limit. */
  readonly tcp: boolean;
  reply(response: Buffer, address: string, port: number): void;
}

/** Questions outside the cluster zones (dns/forward/forwarder.ts). */
export interface Forwarding {
  /** A cached answer within `limit`, or undefined after handing `q` upstream (the answer goes to `sink`). */
  answer(q: QueryView, limit: number, sink: ReplySink, address: string, port: number): Buffer | undefined;
}

export interface HandlerCounters {
  queries: number;
  /** Not answered: shorter than a header, or a response. */
  dropped: number;
  /** FORMERR, NOTIMP, BADVERS, REFUSED. */
  rejected: number;
  /** Answered from the cluster zones (ANY included). */
  zone: number;
  /** Outside the cluster zones: served from the cache or forwarded. */
  forward: number;
}

export class DnsHandler {
  private readonly q = new QueryView();
  private readonly scratch = keyScratch();
  readonly counters: HandlerCounters = { queries: 0, dropped: 0, rejected: 0, zone: 0, forward: 0 };

  constructor(
    private readonly zones: ZoneTemplates,
    private readonly forwarding: Forwarding,
  ) {}

  /** The response to send now, or undefined: dropped, or forwarded (the forwarder answers through `sink`). */
  handle(msg: Buffer, sink: ReplySink, address: string, port: number): Buffer | undefined {
    const q = this.q;
    this.counters.queries++;
    const parsed = parseQuery(msg, q, this.scratch);
    if (parsed !== PARSED.OK) return this.reject(parsed);
    const limit = sink.tcp ? TCP_LIMIT : udpLimit(q.edns, q.udpSize);
    const refusal = refusalOf(q);
    if (refusal !== undefined) {
      this.counters.rejected++;
      return errorResponse(q, refusal, { question: true });
    }
    const found = this.zones.lookup(q);
    if (found !== 'forward') {
      this.counters.zone++;
      return fromTemplate(found, q, limit);
    }
    this.counters.forward++;
    return this.forwarding.answer(q, limit, sink, address, port);
  }

  private reject(parsed: number): Buffer | undefined {
    if (parsed === PARSED.DROP) {
      this.counters.dropped++;
      return undefined;
    }
    this.counters.rejected++;
    if (parsed === PARSED.BADVERS) return errorResponse(this.q, 0, { question: true, upperRcode: BADVERS_UPPER });
    return errorResponse(this.q, parsed === PARSED.NOTIMP ? RCODE.NOTIMP : RCODE.FORMERR, { question: false });
  }
}

/**
 * Questions meshlet does not answer at all: other classes than IN (REFUSED, as CoreDNS does when no plugin
 * claims a query; there is no CHAOS `version.bind`), zone transfers (REFUSED, RFC 5936 §2.2.1) and the obsolete
 * MAILA/MAILB (NOTIMP).
 */
function refusalOf(q: QueryView): number | undefined {
  if (q.qclass !== CLASS_IN) return RCODE.REFUSED;
  if (q.qtype === TYPE.AXFR || q.qtype === TYPE.IXFR) return RCODE.REFUSED;
  if (q.qtype === TYPE.MAILA || q.qtype === TYPE.MAILB) return RCODE.NOTIMP;
  return undefined;
}
