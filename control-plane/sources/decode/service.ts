// v1 Service (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/).
import type { Service, ServiceType } from '../../model/types.js';
import type { Field } from './field.js';
import { decodeMeta, type Decoder } from './context.js';
import { decodeServicePolicy } from './service-policy.js';
import { decodeServicePorts } from './service-ports.js';
import { dns1035Label, dns1123Subdomain, ipAddress, orEmpty } from './validate.js';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export const decodeService: Decoder<Service> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin, dns1035Label);
  const spec = root.at('spec');
  spec.record();
  const type = spec.at('type').oneOf(SERVICE_TYPES) ?? 'ClusterIP';
  const clusterIP = decodeClusterIP(spec, type);
  const ports = decodeServicePorts(spec.at('ports'), type, clusterIP === 'None');
  const selector = spec.at('selector').stringMap();
  const externalName = type === 'ExternalName' ? decodeExternalName(spec.at('externalName')) : undefined;
  const policy = decodeServicePolicy(meta, ctx.settingIssues);
  return {
    kind: 'Service',
    meta,
    type,
    ...(clusterIP !== undefined && { clusterIP }),
    ports,
    // The API server stores objects as protobuf, where an empty map and no map are the same: `selector: {}`
    // reads back as no selector, and the endpoint controllers then leave the Service alone.
    ...(Object.keys(selector).length > 0 && { selector }),
    ...(externalName !== undefined && { externalName }),
    loadBalancerIPs: decodeLoadBalancerIPs(root),
    publishNotReadyAddresses: spec.at('publishNotReadyAddresses').bool() ?? false,
    ...(policy !== undefined && { policy }),
  };
};

/**
 * spec.clusterIP and spec.clusterIPs (clusterIPs[0] must equal clusterIP). '' means "allocate one", 'None' means
 * headless, which only type ClusterIP may be; ExternalName Services may not have one.
 */
function decodeClusterIP(spec: Field, type: ServiceType): string | undefined {
  const check = orEmpty((s) => (s === 'None' ? undefined : ipAddress(s)));
  const single = spec.at('clusterIP').checkedStr(check) || undefined;
  const listed = spec.at('clusterIPs').list().map((f) => f.checkedStr(check));
  const first = listed[0] || undefined;
  if (single !== undefined && first !== undefined && first !== single) {
    spec.at('clusterIPs').at(0).fail(`must match spec.clusterIP "${single}", got "${first}"`);
  }
  const clusterIP = single ?? first;
  const field = spec.at(single !== undefined ? 'clusterIP' : 'clusterIPs');
  if (clusterIP !== undefined && type === 'ExternalName') {
    return field.fail('may not be set for ExternalName services');
  }
  if (clusterIP === 'None' && type !== 'ClusterIP') {
    return field.fail(`may only be "None" (headless) for type ClusterIP, not ${type}`);
  }
  return clusterIP;
}

/** A DNS name; a trailing dot (a fully qualified name) is allowed, as the API server allows it. */
function decodeExternalName(field: Field): string | undefined {
  if (!field.required()) return undefined;
  return field.checkedStr((s) => dns1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s));
}

/** spec.loadBalancerIP (deprecated but still written) and status.loadBalancer.ingress[].ip, without repeats. */
function decodeLoadBalancerIPs(root: Field): string[] {
  const ips = new Set<string>();
  const requested = root.at('spec').at('loadBalancerIP').checkedStr(orEmpty(ipAddress));
  if (requested) ips.add(requested);
  for (const ingress of root.at('status').at('loadBalancer').at('ingress').list()) {
    ingress.record();
    const ip = ingress.at('ip').checkedStr(ipAddress);
    if (ip) ips.add(ip);
  }
  return [...ips];
}
