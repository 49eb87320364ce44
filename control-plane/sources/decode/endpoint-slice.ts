// discovery.k8s.io/v1 EndpointSlice (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/),
// and v1beta1, whose only difference meshlet reads is `topology` instead of `nodeName` / `zone`.
import type { Endpoint, EndpointPort, EndpointSlice, EndpointTargetRef } from '../../model/types.js';
import { PORT_RANGE, type Field } from './field.js';
import { decodeMeta, decodeProtocol, type Decoder } from './context.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, ipv4Address, ipv6Address, orEmpty, qualifiedName, type Check } from './validate.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

type AddressType = EndpointSlice['addressType'];

const ADDRESS_CHECKS: Readonly<Record<AddressType, Check>> = {
  IPv4: ipv4Address,
  IPv6: ipv6Address,
  FQDN: dns1123Subdomain,
};

export const decodeEndpointSlice: Decoder<EndpointSlice> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  // The slice names its Service only through this label (EndpointSlice docs, "Ownership"); without it no
  // consumer can use the slice, which in a manifest directory is surely a mistake, so it is an error here.
  const label = root.at('metadata').at('labels').at(SERVICE_NAME_LABEL);
  const serviceName = label.required() ? (label.checkedStr(dns1035Label) ?? '') : '';
  const typeField = root.at('addressType');
  const addressType = (typeField.required() && typeField.oneOf(['IPv4', 'IPv6', 'FQDN'] as const)) || 'IPv4';
  const topology = ctx.apiVersion.endsWith('v1beta1');
  return {
    kind: 'EndpointSlice',
    meta,
    serviceName,
    addressType,
    ports: decodeEndpointPorts(root.at('ports')),
    endpoints: root.at('endpoints').list().map((e) => decodeEndpoint(e, ADDRESS_CHECKS[addressType], topology)),
  };
};

/** EndpointSlice and Endpoints ports: unique names (required when there are several), a port, a protocol. */
export function decodeEndpointPorts(list: Field): EndpointPort[] {
  const items = list.list();
  const seen = new Map<string, number>();
  return items.map((p, i) => {
    p.record();
    const name = p.at('name').checkedStr(orEmpty(dns1123Label)) ?? '';
    const first = seen.get(name);
    if (first !== undefined) p.at('name').fail(`duplicate port name "${name}" (also ports[${first}].name)`);
    else seen.set(name, i);
    // The API lets `port` be absent ("interpreted in the context of the specific consumer"); meshlet routes to a
    // concrete port, so it needs one.
    const port = p.at('port').reqInt(PORT_RANGE) ?? 0;
    const appProtocol = p.at('appProtocol').checkedStr(qualifiedName);
    return { name, protocol: decodeProtocol(p.at('protocol')), port, ...(appProtocol !== undefined && { appProtocol }) };
  });
}

function decodeEndpoint(e: Field, addressCheck: Check, topology: boolean): Endpoint {
  e.record();
  const addressList = e.at('addresses');
  const items = addressList.list();
  const addresses = items.flatMap((a) => a.checkedStr(addressCheck) ?? []);
  // "This must contain at least one address but no more than 100."
  if (addressList.required() && (items.length < 1 || items.length > 100)) {
    addressList.fail(`must hold 1 to 100 addresses, got ${items.length}`);
  }
  // Conditions (EndpointConditions v1): ready and serving nil mean true, terminating nil means false.
  const c = e.at('conditions');
  c.record();
  const ready = c.at('ready').bool() ?? true;
  const hostname = e.at('hostname').checkedStr(dns1123Label);
  const nodeName = topology ? e.at('topology').at('kubernetes.io/hostname').str() : e.at('nodeName').str();
  const zone = topology ? e.at('topology').at('topology.kubernetes.io/zone').str() : e.at('zone').str();
  const targetRef = decodeTargetRef(e.at('targetRef'));
  return {
    addresses,
    ready,
    serving: c.at('serving').bool() ?? true,
    terminating: c.at('terminating').bool() ?? false,
    ...(hostname !== undefined && { hostname }),
    ...(nodeName !== undefined && { nodeName }),
    ...(zone !== undefined && { zone }),
    ...(targetRef !== undefined && { targetRef }),
  };
}

/** An ObjectReference; only kind, namespace and name matter to meshlet (a Pod, to find its weight). */
export function decodeTargetRef(f: Field): EndpointTargetRef | undefined {
  if (f.record() === undefined) return undefined;
  return {
    kind: f.at('kind').str() ?? '',
    namespace: f.at('namespace').str() ?? '',
    name: f.at('name').str() ?? '',
  };
}
