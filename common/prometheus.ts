// An OpenTelemetry MeterProvider whose metrics are read in Prometheus text format by our own admin servers
// (no extra listening port: the exporter's built-in server is not started).
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Meter } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface PrometheusMetrics {
  readonly meter: Meter;
  /** Writes the current metrics as Prometheus text to an HTTP response. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

export function createPrometheusMetrics(name: string): PrometheusMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  return {
    meter: provider.getMeter(name),
    handle: (req, res) => exporter.getMetricsRequestHandler(req, res),
    shutdown: () => provider.shutdown(),
  };
}
