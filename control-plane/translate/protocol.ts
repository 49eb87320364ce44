// Which application protocol a Service port carries, decided as Istio does ("Protocol Selection",
// istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/; pilot/pkg/serviceregistry/kube
// ConvertProtocol): the Kubernetes `protocol` field first for the transport, then `appProtocol`, then the port
// name's prefix before the first '-', else plain TCP. A TCP port that declares nothing (no appProtocol, no
// recognised name prefix) is sniffed by the sidecar, as Istio's automatic protocol detection does: HTTP if the
// client's first bytes are HTTP, TCP otherwise (see `isUndeclared`).
import type { ServicePort } from '../model/types.js';

export type PortProtocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'GRPC-Web' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | 'SCTP';

/**
 * Recognised protocol words, lower case (Istio's protocol.Parse is case-insensitive). Mongo, MySQL, Redis and
 * Thrift are Istio protocols with their own Envoy filters; meshlet has none of those, so they are proxied as TCP.
 */
const BY_NAME: ReadonlyMap<string, PortProtocol> = new Map<string, PortProtocol>([
  ['http', 'HTTP'],
  ['http2', 'HTTP2'],
  ['grpc', 'GRPC'],
  ['grpc-web', 'GRPC-Web'],
  ['https', 'HTTPS'],
  ['tls', 'TLS'],
  ['tcp', 'TCP'],
  ['mongo', 'TCP'],
  ['mysql', 'TCP'],
  ['redis', 'TCP'],
  ['thrift', 'TCP'],
]);

/** Kubernetes' standard appProtocol values (KEP-3726, "Standard Application Protocols"). */
const KUBERNETES_APP_PROTOCOLS: ReadonlyMap<string, PortProtocol> = new Map<string, PortProtocol>([
  ['kubernetes.io/h2c', 'HTTP2'],
  ['kubernetes.io/ws', 'HTTP'],
  ['kubernetes.io/wss', 'HTTPS'],
]);

function fromAppProtocol(appProtocol: string): PortProtocol | undefined {
  const lower = appProtocol.toLowerCase();
  return KUBERNETES_APP_PROTOCOLS.get(lower) ?? BY_NAME.get(lower);
}

function fromPortName(name: string): PortProtocol | undefined {
  const lower = name.toLowerCase();
  // `grpc-web` contains the separator itself, so Istio tests it before splitting at the first '-'.
  if (lower === 'grpc-web' || lower.startsWith('grpc-web-')) return 'GRPC-Web';
  const dash = lower.indexOf('-');
  return BY_NAME.get(dash < 0 ? lower : lower.slice(0, dash));
}

/**
 * A TCP port that says nothing about its protocol: neither a recognised appProtocol nor a recognised name prefix.
 * Its sidecar listener sniffs (Istio: "Automatic protocol selection"); `tcp-*` names and appProtocol `tcp` are
 * declarations and are not sniffed.
 */
export function isUndeclared(port: Pick<ServicePort, 'protocol' | 'name' | 'appProtocol'>): boolean {
  if (port.protocol === 'UDP' || port.protocol === 'SCTP') return false;
  return (port.appProtocol === undefined || fromAppProtocol(port.appProtocol) === undefined) && fromPortName(port.name) === undefined;
}

/**
 * The protocol of a Service port. UDP and SCTP come only from the Kubernetes `protocol` field: a TCP port named
 * `udp-x` stays TCP (Istio would call it UDP and drop it; the field is the truth for the transport).
 * An unrecognised appProtocol falls back to the name, as in Istio.
 */
export function portProtocol(port: Pick<ServicePort, 'protocol' | 'name' | 'appProtocol'>): PortProtocol {
  if (port.protocol === 'UDP' || port.protocol === 'SCTP') return port.protocol;
  const fromApp = port.appProtocol === undefined ? undefined : fromAppProtocol(port.appProtocol);
  return fromApp ?? fromPortName(port.name) ?? 'TCP';
}

/** Ports served through an HTTP connection manager and RDS (Istio's Protocol.IsHTTP). */
export function isHttp(protocol: PortProtocol): boolean {
  return protocol === 'HTTP' || protocol === 'HTTP2' || protocol === 'GRPC' || protocol === 'GRPC-Web';
}

/** Ports whose upstream connections speak HTTP/2 (Istio's Protocol.IsHTTP2, which includes gRPC-Web). */
export function isHttp2(protocol: PortProtocol): boolean {
  return protocol === 'HTTP2' || protocol === 'GRPC' || protocol === 'GRPC-Web';
}

/** Ports the proxy can carry at all: its listeners and clusters are TCP; UDP and SCTP services get DNS only. */
export function isStreamTransport(protocol: PortProtocol): boolean {
  return protocol !== 'UDP' && protocol !== 'SCTP';
}
