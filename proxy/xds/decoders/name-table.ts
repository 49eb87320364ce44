// NDS: meshlet.v1.NameTable (xds/proto/meshlet/v1/name_table.proto) → NameTable, as decoded, with camelCase
// names, defaults filled in and every address and port checked.
import { isIP } from 'node:net';
import type { Decoded, NameEndpoint, NamePort, NameService, NameTable } from '../types.js';
import { at, decodeMessage, index, Issues, list, num, obj, required, str, strings, type Obj } from './read.js';

export const NAME_TABLE_MESSAGE = 'meshlet.v1.NameTable';

const KINDS: readonly NameService['kind'][] = ['CLUSTER_IP', 'HEADLESS', 'EXTERNAL_NAME'];

function ips(v: unknown, path: string, issues: Issues): string[] {
  const out = strings(v);
  out.forEach((ip, i) => {
    if (isIP(ip) === 0) issues.add(index(path, i), `"${ip}" is not an IP address`);
  });
  return out;
}

function ports(v: unknown, path: string, issues: Issues): NamePort[] {
  return list(v).map((p, i) => {
    const o = obj(p);
    const port = num(o['port']) ?? 0;
    if (!(port >= 1 && port <= 65535)) issues.add(at(index(path, i), 'port'), port === 0 ? 'required' : `${port} is not a port`);
    return { name: str(o['name']), protocol: str(o['protocol']) || 'tcp', port };
  });
}

function endpoint(v: unknown, path: string, issues: Issues): NameEndpoint {
  const e = obj(v);
  const ip = required(e, 'ip', path, issues);
  if (ip !== '' && isIP(ip) === 0) issues.add(at(path, 'ip'), `"${ip}" is not an IP address`);
  return { ip, hostname: str(e['hostname']), ready: e['ready'] === true, ports: ports(e['ports'], at(path, 'ports'), issues) };
}

function service(v: unknown, path: string, issues: Issues): NameService {
  const s = obj(v);
  const k = s['kind'] === undefined ? 'CLUSTER_IP' : str(s['kind']);
  if (!(KINDS as readonly string[]).includes(k)) issues.add(at(path, 'kind'), `${k} is not a service kind`);
  const kind = (KINDS as readonly string[]).includes(k) ? (k as NameService['kind']) : 'CLUSTER_IP';
  const externalName = str(s['external_name']);
  if (kind === 'EXTERNAL_NAME' && externalName === '') issues.add(at(path, 'external_name'), 'required for EXTERNAL_NAME');
  return {
    name: required(s, 'name', path, issues),
    namespace: required(s, 'namespace', path, issues),
    kind,
    clusterIps: ips(s['cluster_ips'], at(path, 'cluster_ips'), issues),
    externalName,
    ports: ports(s['ports'], at(path, 'ports'), issues),
    endpoints: list(s['endpoints']).map((e, i) => endpoint(e, index(at(path, 'endpoints'), i), issues)),
    imported: s['imported'] === true,
    clustersetIps: ips(s['clusterset_ips'], at(path, 'clusterset_ips'), issues),
    clusterIds: strings(s['cluster_ids']),
  };
}

export function nameTableFromObject(t: Obj, issues: Issues): Decoded<NameTable> {
  const clusterDomain = required(t, 'cluster_domain', '', issues);
  const services = list(t['services']).map((s, i) => service(s, index('services', i), issues));
  return issues.result(() => ({
    clusterDomain,
    clustersetDomain: str(t['clusterset_domain']),
    clusterId: str(t['cluster_id']),
    services,
    namespaces: strings(t['namespaces']),
    schemaVersion: str(t['schema_version']),
  }));
}

/** Decodes and validates the `Any.value` bytes of a meshlet.v1.NameTable. */
export function decodeNameTable(bytes: Uint8Array): Decoded<NameTable> {
  const issues = new Issues();
  const t = decodeMessage(NAME_TABLE_MESSAGE, bytes, '', issues);
  return t ? nameTableFromObject(t, issues) : issues.failure();
}
