// HTTP/1.1 upstreams: one undici Pool per endpoint, keep-alive connections reused across requests (undici's
// lean parser and pooling are why it is a required library). Timeouts are the router's business (route and
// per-try timeouts), so undici's own headers/body timeouts are off; the connect timeout is the cluster's.
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { classifyError, type UpstreamExchange, type UpstreamPool, type UpstreamRequest, type UpstreamSink } from './exchange.js';

export interface Http1PoolOptions {
  readonly origin: string;
  readonly connectTimeoutMs: number;
  readonly localAddress: string | undefined;
}

export class Http1Pool implements UpstreamPool {
  private readonly pool: Pool;

  constructor(options: Http1PoolOptions) {
    this.pool = new Pool(options.origin, {
      pipelining: 1,
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 60_000,
      connect: { timeout: options.connectTimeoutMs, noDelay: true },
      ...(options.localAddress !== undefined && { localAddress: options.localAddress }), // not in connect: undici overrides that one
    });
    this.pool.on('connectionError', ignore);
  }

  get busy(): boolean {
    const s = this.pool.stats;
    return s.running + s.pending > 0;
  }

  send(request: UpstreamRequest, sink: UpstreamSink): UpstreamExchange {
    const handler = new Http1Handler(sink);
    // The Host header is the request's authority (hop-by-hop filtering dropped the downstream's copy, which
    // HTTP/2 downstreams do not even have); undici would otherwise send the endpoint's address.
    request.headers['host'] = request.authority;
    this.pool.dispatch(
      { method: request.method as Dispatcher.HttpMethod, path: request.path, headers: request.headers, body: request.body, idempotent: false },
      handler,
    );
    return handler;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** undici's dispatch handler (v7 controller API), adapted to UpstreamSink. */
class Http1Handler implements Dispatcher.DispatchHandler, UpstreamExchange {
  private controller: Dispatcher.DispatchController | undefined;
  private aborted = false;
  private started = false;

  constructor(private readonly sink: UpstreamSink) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(new Error('aborted'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (this.aborted) return;
    this.started = true;
    this.sink.onHeaders(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.aborted) return;
    if (!this.sink.onData(chunk)) controller.pause();
  }

  onResponseEnd(_c: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.aborted) return;
    this.sink.onEnd(Object.keys(trailers).length === 0 ? undefined : trailers);
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.sink.onError(this.started ? 'reset' : classifyError(error), error);
  }

  resume(): void {
    this.controller?.resume();
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.controller?.abort(new Error('aborted by the router'));
  }
}

function ignore(): void {}
