// spec.ports of a v1 Service, validated as the API server does (pkg/apis/core/validation ValidateService):
// names are DNS-1123 labels, required and unique when there is more than one port; (port, protocol) pairs and
// nodePorts are unique; nodePort only for NodePort and LoadBalancer Services.
import type { ServicePort, ServiceType } from '../../model/types.js';
import { PORT_RANGE, describe, type Field } from './field.js';
import { decodeProtocol } from './context.js';
import { dns1123Label, ianaSvcName, orEmpty, qualifiedName } from './validate.js';

/** An IntOrString port: a number 1-65535 or an IANA service name (a container port name). */
export function decodeIntOrName(field: Field): number | string | undefined {
  if (field.absent) return undefined;
  if (typeof field.value === 'number') return field.int(PORT_RANGE);
  if (typeof field.value !== 'string') {
    return field.fail(`must be a port number or a port name, got ${describe(field.value)}`);
  }
  if (/^\d+$/.test(field.value)) {
    // IntOrString keeps a quoted number as a string, i.e. a port *name*, which needs a letter: say so plainly.
    return field.fail(`must be a port number or an IANA port name, got the string "${field.value}" (write the number without quotes)`);
  }
  return field.checkedStr(ianaSvcName);
}

function usesNodePorts(type: ServiceType): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

export function decodeServicePorts(list: Field, type: ServiceType, headless: boolean): ServicePort[] {
  const items = list.list();
  if (items.length === 0 && !headless && type !== 'ExternalName') {
    list.fail(`required: a Service of type ${type} needs at least one port`);
  }
  const names = new Map<string, number>();
  const portKeys = new Map<string, number>();
  const nodePortKeys = new Map<string, number>();
  return items.map((p, i) => {
    p.record();
    const nameField = p.at('name');
    const name = nameField.checkedStr(orEmpty(dns1123Label)) ?? '';
    if ((nameField.absent || nameField.value === '') && items.length > 1) {
      nameField.fail('required when a Service has more than one port');
    }
    const firstWithName = names.get(name);
    if (name !== '' && firstWithName !== undefined) {
      p.at('name').fail(`duplicate port name "${name}" (also spec.ports[${firstWithName}].name)`);
    } else names.set(name, i);

    const protocol = decodeProtocol(p.at('protocol'));
    const port = p.at('port').reqInt(PORT_RANGE) ?? 0;
    const firstWithPort = portKeys.get(`${port}/${protocol}`);
    if (port !== 0 && firstWithPort !== undefined) {
      p.at('port').fail(`duplicate port ${port}/${protocol} (also spec.ports[${firstWithPort}])`);
    } else portKeys.set(`${port}/${protocol}`, i);

    const targetPort = decodeIntOrName(p.at('targetPort')) ?? port;
    const appProtocol = p.at('appProtocol').checkedStr(qualifiedName);
    const nodePort = decodeNodePort(p.at('nodePort'), type, protocol, i, nodePortKeys);
    return {
      name,
      protocol,
      port,
      targetPort,
      ...(appProtocol !== undefined && { appProtocol }),
      ...(nodePort !== undefined && { nodePort }),
    };
  });
}

/**
 * Kubernetes' default nodePort range is 30000-32767, but that is a cluster flag (--service-node-port-range), so
 * any port 1-65535 is accepted here; the range is only checked for being a port.
 */
function decodeNodePort(
  field: Field,
  type: ServiceType,
  protocol: string,
  index: number,
  seen: Map<string, number>,
): number | undefined {
  const nodePort = field.int(PORT_RANGE);
  if (nodePort === undefined) return undefined;
  if (!usesNodePorts(type)) return field.fail(`may only be set for type NodePort or LoadBalancer, not ${type}`);
  const first = seen.get(`${nodePort}/${protocol}`);
  if (first !== undefined) return field.fail(`duplicate nodePort ${nodePort}/${protocol} (also spec.ports[${first}])`);
  seen.set(`${nodePort}/${protocol}`, index);
  return nodePort;
}
