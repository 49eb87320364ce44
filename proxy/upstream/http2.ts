// HTTP/2 upstreams (h2c and gRPC): one node:http2 client session per endpoint, multiplexing every request to
// it, opened lazily and forgotten when it closes or receives GOAWAY (the next request opens a fresh one).
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders as H2Headers, type OutgoingHttpHeaders } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import { classifyError, type UpstreamExchange, type UpstreamPool, type UpstreamRequest, type UpstreamSink } from './exchange.js';

const { HTTP2_HEADER_STATUS, NGHTTP2_REFUSED_STREAM, NGHTTP2_CANCEL } = constants;

export interface Http2PoolOptions {
  readonly origin: string;
  readonly connectTimeoutMs: number;
  readonly localAddress: string | undefined;
}

export class Http2Pool implements UpstreamPool {
  private session: ClientHttp2Session | undefined;
  private inFlight = 0;

  constructor(private readonly options: Http2PoolOptions) {}

  get busy(): boolean {
    return this.inFlight > 0;
  }

  send(request: UpstreamRequest, sink: UpstreamSink): UpstreamExchange {
    const session = this.open();
    const headers: OutgoingHttpHeaders = { ...request.headers, ':method': request.method, ':path': request.path, ':authority': request.authority, ':scheme': 'http' };
    const exchange = new Http2Exchange(sink, () => this.inFlight--);
    this.inFlight++;
    try {
      exchange.attach(session.request(headers, { endStream: request.body === null }), request);
    } catch (err) {
      exchange.fail(err as Error);
    }
    return exchange;
  }

  close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s === undefined || s.closed) return Promise.resolve();
    return new Promise((resolve) => s.close(resolve));
  }

  private open(): ClientHttp2Session {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return this.session;
    const { origin, connectTimeoutMs, localAddress } = this.options;
    const session = connect(origin, { ...(localAddress !== undefined && { localAddress }), peerMaxConcurrentStreams: 1000 });
    this.session = session;
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`connect timeout after ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' });
      session.destroy(err);
    }, connectTimeoutMs);
    session.once('connect', () => clearTimeout(timer));
    const forget = (): void => {
      clearTimeout(timer);
      if (this.session === session) this.session = undefined;
    };
    session.on('error', forget);
    session.once('close', forget);
    session.once('goaway', forget);
    session.unref();
    return session;
  }
}

class Http2Exchange implements UpstreamExchange {
  private stream: ClientHttp2Stream | undefined;
  private finished = false;
  private gotHeaders = false;

  constructor(
    private readonly sink: UpstreamSink,
    private readonly release: () => void,
  ) {}

  attach(stream: ClientHttp2Stream, request: UpstreamRequest): void {
    this.stream = stream;
    stream.on('response', (headers: H2Headers) => {
      this.gotHeaders = true;
      const status = Number(headers[HTTP2_HEADER_STATUS]);
      delete headers[HTTP2_HEADER_STATUS];
      this.sink.onHeaders(status, headers as IncomingHttpHeaders);
    });
    let trailers: IncomingHttpHeaders | undefined;
    stream.on('trailers', (t: H2Headers) => (trailers = t as IncomingHttpHeaders));
    stream.on('data', (chunk: Buffer) => {
      if (!this.finished && !this.sink.onData(chunk)) stream.pause();
    });
    stream.on('end', () => this.end(trailers));
    stream.on('error', (err: Error) => this.fail(err));
    stream.on('close', () => {
      if (this.finished) return;
      const code = stream.rstCode;
      const err = new Error(`upstream stream closed with ${code === NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : `code ${code}`}`);
      this.fail(Object.assign(err, { code: code === NGHTTP2_REFUSED_STREAM ? 'ERR_HTTP2_STREAM_ERROR' : 'ERR_HTTP2_STREAM_CANCEL' }));
    });
    if (request.body !== null) request.body.pipe(stream);
  }

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.release();
    this.sink.onError(this.gotHeaders ? 'reset' : classifyError(error), error);
  }

  resume(): void {
    this.stream?.resume();
  }

  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.release();
    this.stream?.close(NGHTTP2_CANCEL);
  }

  private end(trailers: IncomingHttpHeaders | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.release();
    this.sink.onEnd(trailers);
  }
}
