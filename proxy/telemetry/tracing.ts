// The sidecar's tracing: a SERVER span per inbound request (parent taken from the caller's W3C traceparent), a
// CLIENT span per outbound request, and the span's context injected into the headers the proxy forwards. Like
// Envoy's tracer tags `peer.address` and `upstream_address`, each span records the downstream peer
// (network.peer.address) and, when one was picked, the upstream host `ip:port` (upstream.address).
//
// Created once at start. Off (the default), every method is a no-op returning shared constants: nothing is
// allocated per request, and the app's own traceparent passes through untouched. On, spans go through a
// BatchSpanProcessor to an OTLP/HTTP exporter. The provider is held here and never registered globally, and
// contexts are passed explicitly, so no global context manager or propagator is needed either.
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ErrorCode, MeshletError } from '../../common/errors.js';
import { formatResponseFlags, type ResponseFlags } from './response-flags.js';
import { createTracerProvider, otlpTracesUrl, type TracingOptions } from './tracer-provider.js';

export { otlpTracesUrl, type TracingOptions } from './tracer-provider.js';

/** Request headers as Node gives them (lower-case names). */
export type HeaderRecord = Readonly<Record<string, string | string[] | undefined>>;

/** What a span records about a request; the caller fills it (one record may be reused). */
export interface HttpSpanInfo {
  method: string;
  /** The path as received; the span keeps the part before '?' (url.path). */
  path: string;
  authority: string;
  /** The downstream peer's address (the caller inbound, the app outbound), or '' when unknown. */
  peerAddress: string;
  cluster: string;
  /** The route's name, if it has one: the span is then named `<METHOD> <route>`, else `<authority><path>`. */
  route: string | null;
}

export interface Tracing {
  readonly enabled: boolean;
  /** An inbound request's span, child of the trace in its traceparent/tracestate if any. */
  startServerSpan(headers: HeaderRecord, info: HttpSpanInfo): Span;
  /** An outbound request's span, child of `parent`: a span of ours, or the app's request headers. */
  startClientSpan(parent: Span | HeaderRecord, info: HttpSpanInfo): Span;
  /** Sets traceparent (and tracestate) in the headers the proxy forwards, naming `span` as the parent. */
  inject(span: Span, headers: Record<string, string>): void;
  /**
   * Records the response (status 0: none was sent) and the upstream host the request went to (`ip:port`, as
   * `upstream.address`; left out when undefined or ''), then ends the span.
   */
  end(span: Span, statusCode: number, flags?: ResponseFlags, upstreamHost?: string): void;
  flush(): Promise<void>;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The span every method of the disabled tracing hands out: non-recording, shared. */
export const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const DONE: Promise<void> = Promise.resolve();

function noop(): void {}

export const DISABLED_TRACING: Tracing = Object.freeze({
  enabled: false,
  startServerSpan: () => NOOP_SPAN,
  startClientSpan: () => NOOP_SPAN,
  inject: noop,
  end: noop,
  flush: () => DONE,
  shutdown: () => DONE,
});

const SERVER: SpanOptions = { kind: SpanKind.SERVER };
const CLIENT: SpanOptions = { kind: SpanKind.CLIENT };
const ERROR: SpanStatus = { code: SpanStatusCode.ERROR };

function isSpan(parent: Span | HeaderRecord): parent is Span {
  return typeof (parent as Partial<Span>).spanContext === 'function';
}

class ActiveTracing implements Tracing {
  readonly enabled = true;
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly tracer: Tracer;

  constructor(private readonly provider: ReturnType<typeof createTracerProvider>) {
    this.tracer = provider.getTracer('meshlet-proxy');
  }

  startServerSpan(headers: HeaderRecord, info: HttpSpanInfo): Span {
    return this.start(this.extract(headers), SERVER, info);
  }

  startClientSpan(parent: Span | HeaderRecord, info: HttpSpanInfo): Span {
    const ctx = isSpan(parent) ? trace.setSpan(ROOT_CONTEXT, parent) : this.extract(parent);
    return this.start(ctx, CLIENT, info);
  }

  inject(span: Span, headers: Record<string, string>): void {
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  }

  end(span: Span, statusCode: number, flags: ResponseFlags = 0, upstreamHost?: string): void {
    if (statusCode !== 0) span.setAttribute('http.response.status_code', statusCode);
    if (flags !== 0) span.setAttribute('response_flags', formatResponseFlags(flags));
    if (upstreamHost !== undefined && upstreamHost !== '') span.setAttribute('upstream.address', upstreamHost);
    // Envoy and Istio mark 5xx and no response at all as errors; a 4xx is the caller's doing.
    if (statusCode >= 500 || statusCode === 0) span.setStatus(ERROR);
    span.end();
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private extract(headers: HeaderRecord): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }

  private start(ctx: Context, options: SpanOptions, info: HttpSpanInfo): Span {
    const query = info.path.indexOf('?');
    const path = query < 0 ? info.path : info.path.slice(0, query);
    const name = info.route === null ? info.authority + path : `${info.method} ${info.route}`;
    const span = this.tracer.startSpan(name, options, ctx);
    if (!span.isRecording()) return span;
    span.setAttribute('http.request.method', info.method);
    span.setAttribute('url.path', path);
    setServer(span, info.authority);
    if (info.peerAddress !== '') span.setAttribute('network.peer.address', info.peerAddress);
    span.setAttribute('upstream_cluster', info.cluster);
    return span;
  }
}

/** server.address and server.port from an authority: 'host', 'host:port', '[v6]:port'. */
function setServer(span: Span, authority: string): void {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || colon < authority.lastIndexOf(']')) {
    span.setAttribute('server.address', authority);
    return;
  }
  const host = authority.slice(0, colon);
  span.setAttribute('server.address', host.startsWith('[') ? host.slice(1, -1) : host);
  const port = Number(authority.slice(colon + 1));
  if (Number.isInteger(port)) span.setAttribute('server.port', port);
}

export function createTracing(options: TracingOptions): Tracing {
  return options.enabled ? new ActiveTracing(createTracerProvider(options)) : DISABLED_TRACING;
}

/**
 * Tracing options from the OTel environment: on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or
 * OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces) is set, unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
export function tracingFromEnv(env: Readonly<Record<string, string | undefined>>, serviceName: string): TracingOptions {
  const traces = envUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = envUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const url = traces ?? (base === undefined ? undefined : otlpTracesUrl(base));
  const off = env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true' || env['OTEL_TRACES_EXPORTER'] === 'none';
  if (url === undefined || off) return { serviceName, enabled: false };
  return { serviceName, enabled: true, tracesUrl: url };
}

function envUrl(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new MeshletError(ErrorCode.INVALID_FLAG, `${name}: "${value}" is not an http(s) URL`);
  }
  return value;
}
