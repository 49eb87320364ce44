// The router (Envoy's router filter): one request from route match to the last byte of the response.
//
//   match route (404 NR) → redirect / direct_response answered here → cluster (503 NC) → request breaker (503 UO) → pick host (503 UH)
//     → attempt: headers out, body streamed (replayable when retries are on)
//       → response headers: retriable? → back off and try another host : stream the response downstream
//       → failure before headers: connect failure / reset → retry, else 503 UF / UC (+URX when retries ran out)
//       → per-try timeout → retry, else 504 UT;  route timeout → 504 UT
//   then: outlier detector, breakers, metrics, access log, span — once, in finish().
//
// One Exchange object per request carries all state; its callbacks are methods bound once, not closures per
// chunk. Requests on one connection each get their own Exchange.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Span } from '@opentelemetry/api';
import type { PickContext } from '../balancer/types.js';
import type { Downstream } from '../listeners/downstream.js';
import { RetryState, type AttemptOutcome } from '../resilience/retry.js';
import { outlierResultOf } from '../resilience/outlier.js';
import type { RouteMatch } from '../router/route-table.js';
import { hashKey } from '../router/hash-key.js';
import { applyHeaderMutations } from '../router/header-mutation.js';
import type { RouteRequest } from '../router/request.js';
import type { RuntimeCluster } from '../runtime/cluster.js';
import { newHttpAccessEntry, type HttpAccessEntry } from '../telemetry/access-log.js';
import { ResponseFlag, type ResponseFlags } from '../telemetry/response-flags.js';
import type { UpstreamExchange, UpstreamFailure, UpstreamSink } from '../upstream/exchange.js';
import { pickTarget, type UpstreamTarget } from '../upstream/target.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { isGrpc, REPLY, sendDirectResponse, sendLocalReply, type DownstreamResponse, type LocalReply } from './local-reply.js';
import { ReplayableBody } from './request-body.js';
import type { HttpDeps } from './deps.js';

export type DownstreamRequest = IncomingMessage | Http2ServerRequest;

/** Bytes of request body kept for retries (Envoy's default per_connection_buffer_limit_bytes is 1 MiB). */
const RETRY_BUFFER_LIMIT = 1024 * 1024;

const FAILURE_REPLY: Readonly<Record<UpstreamFailure, LocalReply>> = {
  'connect-failure': REPLY.connectFailure,
  reset: REPLY.reset,
  'refused-stream': REPLY.refusedStream,
};
const FAILURE_FLAG: Readonly<Record<UpstreamFailure, ResponseFlags>> = {
  'connect-failure': ResponseFlag.UpstreamConnectionFailure,
  reset: ResponseFlag.UpstreamConnectionTermination,
  'refused-stream': ResponseFlag.UpstreamRemoteReset,
};

export class Exchange implements UpstreamSink {
  private readonly startedAt = performance.now();
  private readonly startTime = Date.now();
  private flags: ResponseFlags = 0;
  private finished = false;
  private status = 0;
  private cluster: RuntimeCluster | undefined;
  private clusterName = '';
  private match: RouteMatch | undefined;
  private retry: RetryState | undefined;
  private body: ReplayableBody | undefined;
  private target: UpstreamTarget | undefined;
  private attempt: UpstreamExchange | undefined;
  private requestHeaders: Record<string, string | string[]> = {};
  private requestId = '';
  private routeTimer: NodeJS.Timeout | undefined;
  private tryTimer: NodeJS.Timeout | undefined;
  private upstreamHeadersAt = 0;
  private bytesSent = 0;
  private span: Span | undefined;
  private readonly grpc: boolean;
  private readonly pick: PickContext = {};
  private readonly request: RouteRequest;

  constructor(
    private readonly deps: HttpDeps,
    private readonly req: DownstreamRequest,
    private readonly res: DownstreamResponse,
    private readonly ds: Downstream,
    path: string,
    authority: string,
  ) {
    this.grpc = isGrpc(req.headers['content-type']);
    // :scheme is the downstream connection's: https when the filter chain terminated TLS (what Envoy's
    // x-forwarded-proto says at the edge, and what a redirect keeps or changes).
    this.request = { authority, path, method: req.method ?? 'GET', scheme: ds.tls === true ? 'https' : 'http', headers: req.headers };
  }

  start(): void {
    (this.res as TaggedResponse)[EXCHANGE] = this;
    this.res.once('close', downstreamClosed);
    const table = this.deps.routeTable(this.ds);
    const match = table?.match(this.request);
    if (match === undefined) return this.reply(REPLY.noRoute, ResponseFlag.NoRouteFound);
    this.match = match;
    const answer = match.localAnswer;
    if (answer !== undefined) {
      // Redirect or direct_response: no cluster, no upstream; logged and counted like any local reply (cluster
      // `unknown`, no response flag — Envoy has none for these either).
      this.status = answer.status;
      this.bytesSent = answer.body.length;
      sendDirectResponse(this.res, answer.status, answer.body, answer.location(this.request), this.grpc);
      return this.finish();
    }
    this.clusterName = match.cluster(this.deps.random());
    const cluster = this.deps.clusters.get(this.clusterName);
    if (cluster === undefined) return this.reply(REPLY.noCluster, ResponseFlag.NoClusterFound);
    this.cluster = cluster;
    if (!cluster.breakers.tryAcquireRequest()) {
      this.deps.metrics.overflow(this.clusterName, 'requests');
      this.cluster = undefined; // nothing acquired: nothing to release
      return this.reply(REPLY.overflow, ResponseFlag.UpstreamOverflow);
    }
    const route = match.route;
    if (route.hashPolicy.length > 0) this.pick.hashKey = hashKey(route.hashPolicy, this.request, this.ds.remoteAddress);
    const forwarded = upstreamRequestHeaders(this.req.headers, this.ds.direction === 'inbound' ? this.ds.remoteAddress : undefined);
    this.requestHeaders = forwarded.headers;
    this.requestId = forwarded.requestId;
    const mutations = match.requestHeaderMutations(this.clusterName);
    if (mutations.length > 0) applyHeaderMutations(this.requestHeaders, mutations);
    const tracing = this.deps.tracing;
    if (tracing.enabled) {
      const info = { method: this.request.method, path: this.request.path, authority: this.request.authority, peerAddress: this.ds.remoteAddress, cluster: this.clusterName, route: spanRouteName(route.name) };
      this.span = this.ds.direction === 'inbound' ? tracing.startServerSpan(this.req.headers, info) : tracing.startClientSpan(this.req.headers, info);
      tracing.inject(this.span, this.requestHeaders as Record<string, string>);
    }
    const policy = match.retryPolicy;
    if (policy !== undefined && policy.numRetries > 0) {
      this.retry = new RetryState(policy, cluster.breakers, this.deps.random);
      if (hasBody(this.req)) this.body = new ReplayableBody(this.req, RETRY_BUFFER_LIMIT);
    }
    if (route.timeoutMs > 0) this.routeTimer = setTimeout(routeTimedOut, route.timeoutMs, this);
    this.sendAttempt();
  }

  // ---- one attempt ----------------------------------------------------------------------------------------

  private sendAttempt(): void {
    const cluster = this.cluster as RuntimeCluster;
    const target = pickTarget(cluster, this.pick, { address: this.ds.destinationAddress, port: this.ds.destinationPort });
    if (target === undefined) return this.reply(REPLY.noHealthyUpstream, ResponseFlag.NoHealthyUpstream);
    this.target = target;
    if (target.host) target.host.stats.activeRequests++;
    const config = cluster.config;
    const http2 = config.useDownstreamProtocol ? this.req.httpVersion === '2.0' : config.http2;
    const pool = this.deps.pools.get(target, http2, config.connectTimeoutMs);
    const body = this.body !== undefined ? this.body.attempt() : hasBody(this.req) ? this.req : null;
    const perTry = this.match?.retryPolicy?.perTryTimeoutMs;
    if (perTry !== undefined && perTry > 0) this.tryTimer = setTimeout(tryTimedOut, perTry, this);
    this.attempt = pool.send(
      { method: this.request.method, path: this.request.path, authority: this.request.authority, headers: this.requestHeaders, body },
      this,
    );
  }

  /** The attempt is over (answered, failed or abandoned): its host is no longer busy with us. */
  private endAttempt(): void {
    if (this.tryTimer !== undefined) clearTimeout(this.tryTimer);
    this.tryTimer = undefined;
    const host = this.target?.host;
    if (host) host.stats.activeRequests--;
  }

  /** After a failed attempt: true when a retry was scheduled. */
  private retryAfter(outcome: AttemptOutcome): boolean {
    this.cluster?.record(this.target?.key ?? '', outlierResultOf(outcome));
    if (this.retry === undefined || (this.body !== undefined && !this.body.replayable)) return false;
    const decision = this.retry.next(outcome);
    if (!decision.retry) {
      if (decision.reason === 'exhausted') {
        this.flags |= ResponseFlag.UpstreamRetryLimitExceeded;
        if (this.cluster) this.cluster.counters.upstream_rq_retry_limit_exceeded++;
      } else if (decision.reason === 'overflow') {
        this.flags |= ResponseFlag.UpstreamOverflow;
        this.deps.metrics.overflow(this.clusterName, 'retries');
      }
      return false;
    }
    if (this.cluster) this.cluster.counters.upstream_rq_retry++;
    this.deps.metrics.retry(this.clusterName);
    setTimeout(retryNow, decision.delayMs, this);
    return true;
  }

  onRetryTimer(): void {
    if (!this.finished) this.sendAttempt();
  }

  // ---- UpstreamSink ---------------------------------------------------------------------------------------

  onHeaders(status: number, headers: IncomingHttpHeaders): void {
    if (this.finished) return;
    const grpcStatus = this.grpc ? grpcStatusOf(headers) : undefined;
    if (this.retry !== undefined && (status >= 400 || grpcStatus !== undefined)) {
      const outcome: AttemptOutcome = grpcStatus === undefined ? { kind: 'response', status } : { kind: 'response', status, grpcStatus };
      if (this.retryAfter(outcome)) {
        this.attempt?.abort();
        this.endAttempt();
        return;
      }
    } else {
      this.cluster?.record(this.target?.key ?? '', status >= 500 ? outlierResultOf({ kind: 'response', status }) : 'success');
    }
    this.upstreamHeadersAt = performance.now();
    this.status = status;
    this.cluster?.counters.response(status);
    this.res.writeHead(status, downstreamResponseHeaders(headers));
  }

  onData(chunk: Buffer): boolean {
    if (this.finished) return true;
    this.bytesSent += chunk.length;
    if ((this.res as NodeJS.WritableStream).write(chunk)) return true;
    this.res.once('drain', downstreamDrained);
    return false;
  }

  onDrain(): void {
    this.attempt?.resume();
  }

  onEnd(trailers: IncomingHttpHeaders | undefined): void {
    if (this.finished) return;
    this.endAttempt();
    if (trailers !== undefined) this.res.addTrailers(downstreamResponseHeaders(trailers) as Record<string, string>);
    this.res.end();
    this.finish();
  }

  onError(failure: UpstreamFailure, _error: Error): void {
    if (this.finished) return;
    this.endAttempt();
    if (failure === 'connect-failure' && this.cluster) this.cluster.counters.upstream_cx_connect_fail++;
    if (this.status !== 0) {
      // The response had begun: nothing to retry or answer; cut the downstream too.
      this.flags |= failure === 'reset' ? ResponseFlag.UpstreamRemoteReset : ResponseFlag.UpstreamConnectionTermination;
      this.res.destroy();
      return this.finish();
    }
    if (this.retryAfter({ kind: failure })) return;
    this.reply(FAILURE_REPLY[failure], FAILURE_FLAG[failure]);
  }

  // ---- timeouts and the downstream --------------------------------------------------------------------------

  onPerTryTimeout(): void {
    if (this.finished || this.status !== 0) return;
    this.tryTimer = undefined;
    this.attempt?.abort();
    this.endAttempt();
    if (this.cluster) this.cluster.counters.upstream_rq_per_try_timeout++;
    if (this.retryAfter({ kind: 'per-try-timeout' })) return;
    this.reply(REPLY.timeout, ResponseFlag.UpstreamRequestTimeout);
  }


  onRouteTimeout(): void {
    if (this.finished) return;
    this.attempt?.abort();
    this.endAttempt();
    if (this.cluster) this.cluster.counters.upstream_rq_timeout++;
    this.reply(REPLY.timeout, ResponseFlag.UpstreamRequestTimeout);
  }


  onDownstreamClose(): void {
    if (this.finished) return;
    // The client went away before the response was complete.
    this.attempt?.abort();
    this.endAttempt();
    this.flags |= ResponseFlag.DownstreamConnectionTermination;
    this.finish();
  }


  private reply(reply: LocalReply, flag: ResponseFlags): void {
    this.flags |= flag;
    this.status = reply.status;
    sendLocalReply(this.res, reply, this.flags, this.grpc);
    this.finish();
  }

  // ---- once per request -----------------------------------------------------------------------------------

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.routeTimer !== undefined) clearTimeout(this.routeTimer);
    this.retry?.done();
    this.cluster?.breakers.releaseRequest();
    const duration = performance.now() - this.startedAt;
    const { deps, ds } = this;
    deps.metrics.request(this.clusterName || 'unknown', ds.direction, this.status, duration, this.flags);
    if (this.span !== undefined) deps.tracing.end(this.span, this.status, this.flags, this.target?.key);
    if (deps.accessLog.enabled) deps.accessLog.http(this.accessEntry(duration));
  }

  private accessEntry(duration: number): HttpAccessEntry {
    const { req, ds } = this;
    const e = newHttpAccessEntry(ds.direction);
    e.start_time = this.startTime;
    e.method = this.request.method;
    e.path = this.request.path;
    e.protocol = req.httpVersion === '2.0' ? 'HTTP/2' : `HTTP/${req.httpVersion}`;
    e.response_code = this.status;
    e.response_flags = this.flags;
    e.bytes_received = Number(req.headers['content-length'] ?? 0); // chunked request bodies are not counted
    e.bytes_sent = this.bytesSent;
    e.duration = Math.round(duration);
    e.upstream_service_time = this.upstreamHeadersAt === 0 ? null : Math.round(this.upstreamHeadersAt - this.startedAt);
    e.x_request_id = this.requestId || null;
    e.x_forwarded_for = (req.headers['x-forwarded-for'] as string | undefined) ?? null;
    e.user_agent = req.headers['user-agent'] ?? null;
    e.authority = this.request.authority;
    e.upstream_host = this.target?.key ?? null;
    e.upstream_cluster = this.clusterName || null;
    e.downstream_remote_address = `${ds.remoteAddress}:${ds.remotePort}`;
    e.downstream_local_address = `${ds.destinationAddress}:${ds.destinationPort}`;
    e.route_name = this.match?.route.name || null;
    return e;
  }
}

// Timer and event callbacks are module functions, not closures: nothing is allocated per request for them. The
// Exchange travels as the timer argument, or on the response object for its events.
const EXCHANGE = Symbol('meshlet.exchange');
type TaggedResponse = DownstreamResponse & { [EXCHANGE]?: Exchange };

function routeTimedOut(x: Exchange): void {
  x.onRouteTimeout();
}
function tryTimedOut(x: Exchange): void {
  x.onPerTryTimeout();
}
function retryNow(x: Exchange): void {
  x.onRetryTimer();
}
function downstreamClosed(this: TaggedResponse): void {
  this[EXCHANGE]?.onDownstreamClose();
}
function downstreamDrained(this: TaggedResponse): void {
  this[EXCHANGE]?.onDrain();
}

/**
 * The route name a span is named after: none for `default`, the catch-all route of every virtual host (Istio's
 * name too), which says nothing; the span is then named `<authority><path>` as Envoy does without a decorator.
 */
function spanRouteName(name: string): string | null {
  return name === '' || name === 'default' ? null : name;
}

/** Whether a request carries a body: HTTP/2 says so in its HEADERS frame, HTTP/1 in its framing headers. */
function hasBody(req: DownstreamRequest): boolean {
  if ('stream' in req) return !req.stream.endAfterHeaders;
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

function grpcStatusOf(headers: IncomingHttpHeaders): number | undefined {
  const v = headers['grpc-status'];
  return typeof v === 'string' ? Number(v) : undefined;
}
