// From an xDS `Node` (first request of a stream) to NodeInfo, and the node's role: metadata `ROLE` when given,
// otherwise inferred from what it asks for first. A stock @grpc/grpc-js-xds bootstrap carries only `node.id` and
// an empty locality, and its first request is an LDS request naming the listener it dials
// (`greeter.default.svc.cluster.local:50051`): that makes it proxyless. Envoy and meshlet's proxy start with
// wildcard CDS/LDS: sidecar.
import { messageType, TO_OBJECT } from '../../xds/protos.js';
import { LISTENER } from '../../xds/type-urls.js';
import { DEFAULT_GATEWAY_PORTS } from '../translate/gateway.js';
import { NODE_ROLES, type ConfigGroup, type GatewayPorts, type NodeInfo, type NodeRole } from '../translate/types.js';

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * A string from a google.protobuf.Value. protobufjs defines the well-known Struct types itself with camelCase
 * field names (`stringValue`), whatever `keepCase` says; accept the proto spelling too.
 */
function structString(fields: Obj, key: string): string | undefined {
  const value = fields[key];
  if (!isObj(value)) return undefined;
  const s = value['stringValue'] ?? value['string_value'];
  return typeof s === 'string' ? s : undefined;
}

function isRole(s: string): s is NodeRole {
  return (NODE_ROLES as readonly string[]).includes(s);
}

/** A port number in a metadata string: 1-65535, digits only. */
function metadataPort(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * GATEWAY_HTTP_PORT / GATEWAY_HTTPS_PORT (strings, as every node metadata value meshlet reads), each defaulting
 * to 8080 / 8443; undefined when the node sends neither, an error text when one is not a port.
 */
function gatewayPorts(metadata: Obj): GatewayPorts | string | undefined {
  const httpText = structString(metadata, 'GATEWAY_HTTP_PORT');
  const httpsText = structString(metadata, 'GATEWAY_HTTPS_PORT');
  if (httpText === undefined && httpsText === undefined) return undefined;
  const http = metadataPort(httpText, DEFAULT_GATEWAY_PORTS.http);
  if (http === undefined) return `node.metadata.GATEWAY_HTTP_PORT: "${httpText}" is not a port (1-65535)`;
  const https = metadataPort(httpsText, DEFAULT_GATEWAY_PORTS.https);
  if (https === undefined) return `node.metadata.GATEWAY_HTTPS_PORT: "${httpsText}" is not a port (1-65535)`;
  if (http === https) return `node.metadata.GATEWAY_HTTPS_PORT: ${https} is also the HTTP port`;
  return { http, https };
}

/**
 * The config group of a connected node: its role and namespace, and for a gateway its ports (defaults filled
 * in, so that a gateway that sends none shares the translation of one that sends 8080 / 8443).
 */
export function groupOf(node: NodeInfo, role: NodeRole): ConfigGroup {
  if (role !== 'gateway') return { role, namespace: node.namespace };
  return { role, namespace: node.namespace, gatewayPorts: node.gatewayPorts ?? DEFAULT_GATEWAY_PORTS };
}

export type NodeParse = { readonly ok: true; readonly node: NodeInfo } | { readonly ok: false; readonly error: string };

/** Validates the Node of a stream's first request; an error names the field. */
export function parseNode(bytes: Uint8Array | undefined): NodeParse {
  if (!bytes) return { ok: false, error: 'node: missing in the first request of the stream' };
  const type = messageType('envoy.config.core.v3.Node');
  const node: unknown = type.toObject(type.decode(bytes), TO_OBJECT);
  if (!isObj(node)) return { ok: false, error: 'node: not a message' };
  const id = str(node['id']);
  if (id === '') return { ok: false, error: 'node.id: missing (every xDS client must identify itself)' };
  const metadata = isObj(node['metadata']) && isObj(node['metadata']['fields']) ? node['metadata']['fields'] : {};
  const roleText = structString(metadata, 'ROLE');
  if (roleText !== undefined && !isRole(roleText)) {
    return { ok: false, error: `node.metadata.ROLE: "${roleText}" is not one of ${NODE_ROLES.join(', ')}` };
  }
  const ports = gatewayPorts(metadata);
  if (typeof ports === 'string') return { ok: false, error: ports };
  const loc = isObj(node['locality']) ? node['locality'] : {};
  const ips = structString(metadata, 'INSTANCE_IPS');
  const agent = [str(node['user_agent_name']), str(node['user_agent_version'])].filter((s) => s !== '').join('/');
  const info: NodeInfo = {
    id,
    cluster: str(node['cluster']),
    ...(roleText !== undefined && { role: roleText }),
    namespace: structString(metadata, 'NAMESPACE') || 'default',
    ips: ips ? ips.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    locality: { region: str(loc['region']), zone: str(loc['zone']), subZone: str(loc['sub_zone']) },
    userAgent: agent,
    ...(ports !== undefined && { gatewayPorts: ports }),
  };
  return { ok: true, node: info };
}

/**
 * The role in effect: metadata ROLE, else proxyless when the first request is an LDS request for specific
 * listener names (xDS protocol, "Client Behavior": gRPC subscribes to the listeners it knows; Envoy always uses
 * wildcard LDS/CDS), else sidecar.
 */
export function roleOf(node: NodeInfo, firstTypeUrl: string, firstNames: readonly string[]): NodeRole {
  if (node.role) return node.role;
  const named = firstNames.some((n) => n !== '*');
  return firstTypeUrl === LISTENER && named ? 'proxyless' : 'sidecar';
}
