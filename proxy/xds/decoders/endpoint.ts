// EDS: envoy.config.endpoint.v3.ClusterLoadAssignment → ProxyAssignment, localities with their weight and
// priority and endpoints with address, port, weight and health. Like grpc-js-xds (endpoint-resource-type.ts),
// an address that is not an IP or that repeats rejects the assignment. Also reads a cluster's inline
// load_assignment (LOGICAL_DNS: a host name is allowed there).
import { isIP } from 'node:net';
import type { Decoded, HealthStatus, ProxyAssignment, ProxyEndpoint, ProxyLocality } from '../types.js';
import { at, decodeMessage, index, Issues, list, num, obj, portNumber, required, str, wrapped, type Obj } from './read.js';

export const ASSIGNMENT_MESSAGE = 'envoy.config.endpoint.v3.ClusterLoadAssignment';

const HEALTH: readonly HealthStatus[] = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'];

interface Options {
  /** EDS endpoints must be IP addresses; a LOGICAL_DNS cluster's one endpoint is a host name. */
  readonly requireIp: boolean;
  /** For an inline load_assignment: the owning cluster's name (its own cluster_name may be empty). */
  readonly clusterName?: string;
}

/** A weight ≥ 1 from a UInt32Value, `fallback` when unset (Envoy: load_balancing_weight gte 1). */
function weight(v: unknown, fallback: number, path: string, issues: Issues): number {
  const w = wrapped(v);
  if (w === undefined) return fallback;
  const n = num(w) ?? 0;
  if (!(n >= 1)) issues.add(path, `${n} is not a weight (≥ 1)`);
  return n;
}

function endpoint(v: unknown, path: string, issues: Issues, options: Options, seen: Set<string>): ProxyEndpoint {
  const lb = obj(v);
  const socketPath = at(path, 'endpoint.address.socket_address');
  const socket = obj(obj(obj(lb['endpoint'])['address'])['socket_address']);
  const address = required(socket, 'address', socketPath, issues);
  const port = portNumber(socket['port_value'], at(socketPath, 'port_value'), issues);
  if (address !== '' && options.requireIp && isIP(address) === 0) issues.add(at(socketPath, 'address'), `"${address}" is not an IP address`);
  const key = `${address}|${port}`;
  if (address !== '' && seen.has(key)) issues.add(socketPath, `${address}:${port} is listed twice`);
  seen.add(key);
  const h = lb['health_status'] === undefined ? 'UNKNOWN' : str(lb['health_status']);
  if (!(HEALTH as readonly string[]).includes(h)) issues.add(at(path, 'health_status'), `${h} is not a health status`);
  const health = (HEALTH as readonly string[]).includes(h) ? (h as HealthStatus) : 'UNKNOWN';
  return { address, port, weight: weight(lb['load_balancing_weight'], 1, at(path, 'load_balancing_weight'), issues), health };
}

function locality(v: unknown, path: string, issues: Issues, options: Options, seen: Set<string>): ProxyLocality {
  const l = obj(v);
  const loc = obj(l['locality']);
  const endpoints = list(l['lb_endpoints']).map((e, i) => endpoint(e, index(at(path, 'lb_endpoints'), i), issues, options, seen));
  const priority = num(l['priority'] ?? 0) ?? 0;
  return {
    region: str(loc['region']),
    zone: str(loc['zone']),
    subZone: str(loc['sub_zone']),
    weight: weight(l['load_balancing_weight'], 1, at(path, 'load_balancing_weight'), issues),
    priority,
    endpoints,
  };
}

/** Reads an assignment object at `path` ('' for an EDS resource); errors go to `issues`. */
export function assignmentFromObject(a: Obj, path: string, issues: Issues, options: Options): ProxyAssignment {
  const clusterName = options.clusterName ?? required(a, 'cluster_name', path, issues);
  const seen = new Set<string>();
  const localities = list(a['endpoints']).map((l, i) => locality(l, index(at(path, 'endpoints'), i), issues, options, seen));
  // Priorities must be contiguous from 0 (Envoy: "priorities should range from 0 to N without gaps").
  const priorities = [...new Set(localities.map((l) => l.priority))].sort((x, y) => x - y);
  if (priorities.some((p, i) => p !== i)) issues.add(at(path, 'endpoints'), `priorities ${priorities.join(',')} have gaps (must be 0..N)`);
  return { clusterName, localities };
}

/** Decodes and validates the `Any.value` bytes of a ClusterLoadAssignment. */
export function decodeClusterLoadAssignment(bytes: Uint8Array): Decoded<ProxyAssignment> {
  const issues = new Issues();
  const a = decodeMessage(ASSIGNMENT_MESSAGE, bytes, '', issues);
  if (!a) return issues.failure();
  const value = assignmentFromObject(a, '', issues, { requireIp: true });
  return issues.result(() => value);
}
