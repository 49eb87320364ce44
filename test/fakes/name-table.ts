// A small NameTable (what the control plane serves role `dns`) for the DNS server's tests: a ClusterIP service,
// a headless one with many endpoints (answers too large for 512 bytes), and an ExternalName.
import type { NameEndpoint, NameService, NameTable } from '../../proxy/xds/types.js';

function service(name: string, fields: Partial<NameService>): NameService {
  return {
    name, namespace: 'default', kind: 'CLUSTER_IP', clusterIps: [], externalName: '', ports: [], endpoints: [],
    imported: false, clustersetIps: [], clusterIds: [], ...fields,
  };
}

const PORT = { name: 'http', protocol: 'tcp', port: 80 };

/** `n` ready endpoints 10.244.1.1… with hostnames `peer-<i>`. */
export function endpoints(n: number): NameEndpoint[] {
  return Array.from({ length: n }, (_, i) => ({ ip: `10.244.${1 + (i >> 8)}.${(i & 0xff) + 1}`, hostname: `peer-${i}`, ready: true, ports: [PORT] }));
}

export const FUZZ_TABLE: NameTable = {
  clusterDomain: 'cluster.local',
  clustersetDomain: 'clusterset.local',
  clusterId: 'test',
  namespaces: ['default'],
  schemaVersion: '1.1.0',
  services: [
    service('web', { clusterIps: ['10.96.0.10'], ports: [PORT] }),
    service('peers', { kind: 'HEADLESS', ports: [PORT], endpoints: endpoints(60) }),
    service('search', { kind: 'EXTERNAL_NAME', externalName: 'search.example.com' }),
  ],
};
