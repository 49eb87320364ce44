// OpenTelemetry for the demo apps, with manual spans (no auto-instrumentation): a SERVER span per incoming
// HTTP/gRPC request, its parent taken from the W3C `traceparent` in the headers or gRPC metadata; a CLIENT span per
// outgoing call, whose context is injected into the outgoing headers/metadata; and a CLIENT span for a TCP call,
// which carries no headers, so the span is only a child on the caller's side.
//
// On when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans go to
// `<endpoint>/v1/traces` over OTLP/HTTP JSON with service.name = OTEL_SERVICE_NAME, through a batch processor
// (OTEL_BSP_SCHEDULE_DELAY tunes it). Off, every span is a non-recording no-op. The env handling and the provider
// are the sidecar's (product helpers; the product never imports examples). Contexts are passed explicitly: nothing
// is registered globally.
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { createTracerProvider } from '../../proxy/telemetry/tracer-provider.js';
import { tracingFromEnv } from '../../proxy/telemetry/tracing.js';
import type { Env } from './config.js';

/** Incoming headers or gRPC metadata as text: lower-case names. */
export type Carrier = Readonly<Record<string, string | string[] | undefined>>;

export class AppTelemetry {
  private readonly propagator = new W3CTraceContextPropagator();

  private constructor(
    readonly enabled: boolean,
    private readonly tracer: Tracer,
    private readonly provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | null,
  ) {}

  /** Tracing from OTEL_* variables; `defaultServiceName` when OTEL_SERVICE_NAME is not set. */
  static fromEnv(env: Env, defaultServiceName: string): AppTelemetry {
    const serviceName = env['OTEL_SERVICE_NAME']?.trim() || defaultServiceName;
    const options = tracingFromEnv(env, serviceName);
    if (!options.enabled) return new AppTelemetry(false, new ProxyTracerProvider().getTracer(serviceName), null);
    const provider = createTracerProvider(options);
    return new AppTelemetry(true, provider.getTracer(`meshlet-demo-${serviceName}`), provider);
  }

  /** A request's span, child of the trace named by the carrier's traceparent/tracestate, if any. */
  serverSpan(name: string, carrier: Carrier, attributes: Attributes): Span {
    const ctx = this.propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, ctx);
  }

  /** An outgoing call's span, child of `parent`. */
  clientSpan(name: string, parent: Span, attributes: Attributes): Span {
    return this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
  }

  /** traceparent (and tracestate) naming `span` as the parent, to add to outgoing headers or metadata. */
  headers(span: Span): Record<string, string> {
    const out: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), out, defaultTextMapSetter);
    return out;
  }

  /** Ends the span, recording `error` (if any) as its status. */
  end(span: Span, error?: unknown): void {
    if (error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }

  /** Ends `span` when `call` settles (with its error, if it fails); resolves or rejects as `call` does. */
  async traced<T>(span: Span, call: Promise<T>): Promise<T> {
    try {
      const result = await call;
      this.end(span);
      return result;
    } catch (err) {
      this.end(span, err);
      throw err;
    }
  }

  flush(): Promise<void> {
    return this.provider?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.provider?.shutdown() ?? Promise.resolve();
  }
}
