// The control plane's metrics, through the OpenTelemetry API, exported in Prometheus text on the admin port.
// Names follow Istio's pilot metrics where one exists (pilot_xds, pilot_xds_pushes, pilot_xds_push_time...).
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

export interface ControlPlaneMetrics {
  /** Connected xDS streams. */
  readonly connectedProxies: UpDownCounter;
  /** Responses sent, by `type` (LDS, RDS, CDS, EDS, NDS). */
  readonly pushes: Counter;
  /** Seconds from a model change to the response being written, by `type`. */
  readonly pushTime: Histogram;
  /** NACKs received, by `type`. */
  readonly nacks: Counter;
  /** Encoded bytes of resources sent, by `type`. */
  readonly pushedBytes: Counter;
  /** Configuration errors in the manifests, by `code`. */
  readonly configErrors: Counter;
}

export function createControlPlaneMetrics(meter: Meter): ControlPlaneMetrics {
  return {
    connectedProxies: meter.createUpDownCounter('meshlet_xds_connected_proxies', {
      description: 'Number of xDS streams connected to this control plane',
    }),
    pushes: meter.createCounter('meshlet_xds_pushes', { description: 'xDS responses sent, by type' }),
    pushTime: meter.createHistogram('meshlet_xds_push_time_seconds', {
      description: 'Time from a configuration change to the xDS response being sent',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    }),
    nacks: meter.createCounter('meshlet_xds_nacks', { description: 'xDS NACKs received, by type' }),
    pushedBytes: meter.createCounter('meshlet_xds_pushed_bytes', { description: 'Encoded resource bytes sent, by type' }),
    configErrors: meter.createCounter('meshlet_config_errors', { description: 'Errors found in manifests, by code' }),
  };
}
