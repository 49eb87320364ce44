// What translation is asked for. Translation is pure: (MeshSnapshot, ConfigGroup) → ResourceSet.
// Proxies that would receive identical configuration share one ConfigGroup, so a change is translated and
// encoded once per group, not once per proxy.

/** The kinds of xDS clients the control plane serves. */
export type NodeRole =
  | 'sidecar' // meshlet's sidecar proxy (and Envoy as a sidecar): wildcard LDS/CDS, virtual listeners
  | 'gateway' // the ingress gateway
  | 'node' // the NodePort / LoadBalancer role of the proxy (kube-proxy's job for outside traffic)
  | 'dns' // meshlet's cluster DNS server: only the NameTable
  | 'proxyless'; // a proxyless gRPC client (@grpc/grpc-js-xds, grpc-go...): API listeners named host:port

export const NODE_ROLES: readonly NodeRole[] = ['sidecar', 'gateway', 'node', 'dns', 'proxyless'];

export interface ConfigGroup {
  readonly role: NodeRole;
  /** The proxy's namespace: short names (`svc:port`) of proxyless clients resolve in it. Default 'default'. */
  readonly namespace: string;
  /**
   * A gateway's listener ports (node metadata GATEWAY_HTTP_PORT / GATEWAY_HTTPS_PORT): they name its listeners
   * and route configurations, so gateways on different ports cannot share a translation. Absent: 8080 / 8443.
   */
  readonly gatewayPorts?: GatewayPorts;
}

export interface GatewayPorts {
  readonly http: number;
  readonly https: number;
}

/** The key of a group in the cache: `role/namespace`, and `/<http>/<https>` for a gateway with its ports. */
export function groupKey(group: ConfigGroup): string {
  const ports = group.gatewayPorts ? `/${group.gatewayPorts.http}/${group.gatewayPorts.https}` : '';
  return `${group.role}/${group.namespace}${ports}`;
}

/** What the control plane knows of a connected xDS client, from its `Node` message. */
export interface NodeInfo {
  readonly id: string;
  /** Node.cluster (Envoy's service cluster); '' when absent. */
  readonly cluster: string;
  /** From node metadata `ROLE`; undefined means "infer from what it subscribes to". */
  readonly role?: NodeRole;
  readonly namespace: string;
  /** From node metadata `INSTANCE_IPS` (comma separated, as Istio), else empty. */
  readonly ips: readonly string[];
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
  /** Node.user_agent_name and version, for the admin pages. */
  readonly userAgent: string;
  /** From node metadata GATEWAY_HTTP_PORT / GATEWAY_HTTPS_PORT, when either is sent (gateways send both). */
  readonly gatewayPorts?: GatewayPorts;
}
