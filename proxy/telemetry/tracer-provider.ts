// The OpenTelemetry SDK behind tracing.ts when tracing is on: resource, sampler, span processor, OTLP exporter.
// Everything comes from the options; the sampler is always passed so that the SDK does not pick one from
// OTEL_TRACES_SAMPLER behind our back. (The SDK still applies OTEL_BSP_* to the batch processor and the exporter
// OTEL_EXPORTER_OTLP_HEADERS/TIMEOUT; those tune, they do not switch anything on.)
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** resource service.name; the sidecar passes `<pod>.<namespace>`. */
  serviceName: string;
  enabled: boolean;
  /** OTLP base endpoint: traces go to `${endpoint}/v1/traces`. Default http://localhost:4318. */
  endpoint?: string;
  /** The full traces URL, used as is (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); wins over `endpoint`. */
  tracesUrl?: string;
  /** Fraction of new traces (no sampled parent) recorded, 0..1; a parent's decision is always followed. Default 1. */
  sampleRatio?: number;
  /** Replaces the batch processor and OTLP exporter, e.g. SimpleSpanProcessor(InMemorySpanExporter) in tests. */
  spanProcessor?: SpanProcessor;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

/** The OTLP/HTTP traces URL for a base endpoint, as the spec builds it from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpTracesUrl(endpoint: string): string {
  return endpoint.endsWith('/') ? `${endpoint}v1/traces` : `${endpoint}/v1/traces`;
}

function exportingProcessor(options: TracingOptions): SpanProcessor {
  const url = options.tracesUrl ?? otlpTracesUrl(options.endpoint ?? DEFAULT_ENDPOINT);
  return new BatchSpanProcessor(new OTLPTraceExporter({ url }));
}

export function createTracerProvider(options: TracingOptions): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [options.spanProcessor ?? exportingProcessor(options)],
  });
}
