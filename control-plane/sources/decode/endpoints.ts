// v1 Endpoints (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoints-v1/), converted
// to EndpointSlices the way the EndpointSlice mirroring controller does it: one slice per subset and address
// family, labelled with the Service name, addresses ready and notReadyAddresses not ready.
import type { Endpoint, EndpointPort, EndpointSlice, Endpoints, ObjectMeta } from '../../model/types.js';
import type { Field } from './field.js';
import { decodeMeta, type Decoder } from './context.js';
import { SERVICE_NAME_LABEL, decodeEndpointPorts, decodeTargetRef } from './endpoint-slice.js';
import { dns1123Label, ipAddress } from './validate.js';
import { isIPv6 } from 'node:net';

export const decodeEndpoints: Decoder<Endpoints> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const slices = root
    .at('subsets')
    .list()
    .flatMap((subset, i) => decodeSubset(subset, i, meta));
  return { kind: 'Endpoints', meta, slices };
};

function decodeSubset(subset: Field, index: number, meta: ObjectMeta): EndpointSlice[] {
  subset.record();
  const endpoints = [
    ...subset.at('addresses').list().flatMap((a) => decodeAddress(a, true)),
    ...subset.at('notReadyAddresses').list().flatMap((a) => decodeAddress(a, false)),
  ];
  const portList = subset.at('ports');
  const ports = decodeEndpointPorts(portList);
  if (ports.length > 1) {
    ports.forEach((_, i) => {
      const name = portList.at(i).at('name');
      if (name.absent || name.value === '') name.fail('required when a subset has more than one port');
    });
  }
  const v4 = endpoints.filter((e) => !isIPv6(e.addresses[0] ?? ''));
  const v6 = endpoints.filter((e) => isIPv6(e.addresses[0] ?? ''));
  const slices: EndpointSlice[] = [];
  if (v4.length > 0 || v6.length === 0) slices.push(toSlice(meta, `${meta.name}-${index}`, 'IPv4', ports, v4));
  if (v6.length > 0) slices.push(toSlice(meta, `${meta.name}-${index}-ipv6`, 'IPv6', ports, v6));
  return slices;
}

function toSlice(
  meta: ObjectMeta,
  name: string,
  addressType: 'IPv4' | 'IPv6',
  ports: EndpointPort[],
  endpoints: Endpoint[],
): EndpointSlice {
  return {
    kind: 'EndpointSlice',
    meta: { ...meta, name, labels: { ...meta.labels, [SERVICE_NAME_LABEL]: meta.name } },
    serviceName: meta.name,
    addressType,
    ports,
    endpoints,
  };
}

function decodeAddress(a: Field, ready: boolean): Endpoint[] {
  a.record();
  const ipField = a.at('ip');
  const ip = ipField.required() ? ipField.checkedStr(ipAddress) : undefined;
  const hostname = a.at('hostname').checkedStr(dns1123Label);
  const nodeName = a.at('nodeName').str();
  const targetRef = decodeTargetRef(a.at('targetRef'));
  if (ip === undefined) return [];
  return [
    {
      addresses: [ip],
      ready,
      serving: ready,
      terminating: false,
      ...(hostname !== undefined && { hostname }),
      ...(nodeName !== undefined && { nodeName }),
      ...(targetRef !== undefined && { targetRef }),
    },
  ];
}
