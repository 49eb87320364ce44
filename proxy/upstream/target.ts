// Where one attempt goes: a host picked by the cluster's balancer, or for ORIGINAL_DST clusters (passthrough,
// inbound) the original destination itself, bound to the cluster's source address when it has one (the
// inbound passthrough connects from 127.0.0.6 so that capture rules do not send it back to 15006).
import type { LbHost, PickContext } from '../balancer/types.js';
import { hostPort } from '../listeners/downstream.js';
import type { RuntimeCluster } from '../runtime/cluster.js';

export interface UpstreamTarget {
  readonly address: string;
  readonly port: number;
  /** `address:port`: the key of endpoint stats, outlier state and connection pools. */
  readonly key: string;
  readonly localAddress: string | undefined;
  /** The balancer's host (EDS clusters): its in-flight counter feeds least-request. */
  readonly host: LbHost | undefined;
}

/** Picks the target of an attempt, or undefined when the cluster has no healthy host (Envoy flag UH). */
export function pickTarget(cluster: RuntimeCluster, ctx: PickContext, destination: { address: string; port: number }): UpstreamTarget | undefined {
  const c = cluster.config;
  if (c.type === 'ORIGINAL_DST') {
    const { address, port } = destination;
    return { address, port, key: hostPort(address, port), localAddress: c.sourceAddress, host: undefined };
  }
  const host = cluster.pick(ctx);
  if (host === undefined) return undefined;
  const { address, port } = host.endpoint;
  return { address, port, key: host.key, localAddress: undefined, host };
}
