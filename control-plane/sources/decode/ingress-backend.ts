// Ingress backends in both shapes. networking.k8s.io/v1: `service: {name, port: {number | name}}`; the older
// extensions/v1beta1 and networking.k8s.io/v1beta1: `serviceName` + `servicePort` (an IntOrString). Both become
// the v1 domain type, as the API server's own v1beta1 → v1 conversion does.
import type { IngressServiceBackend } from '../../model/types.js';
import { PORT_RANGE, type Field } from './field.js';
import { decodeIntOrName } from './service-ports.js';
import { dns1035Label, ianaSvcName } from './validate.js';

export type BackendDecoder = (backend: Field) => IngressServiceBackend | undefined;

function rejectResource(backend: Field): boolean {
  if (backend.at('resource').absent) return false;
  backend.at('resource').fail('resource backends are not supported by meshlet; use a service backend');
  return true;
}

export const decodeBackendV1: BackendDecoder = (backend) => {
  if (backend.record() === undefined || rejectResource(backend)) return undefined;
  const service = backend.at('service');
  if (!service.required() || service.record() === undefined) return undefined;
  const nameField = service.at('name');
  const name = nameField.required() ? nameField.checkedStr(dns1035Label) : undefined;
  const port = service.at('port');
  if (!port.required() || port.record() === undefined) return undefined;
  const number = port.at('number').int(PORT_RANGE);
  const portName = port.at('name').checkedStr(ianaSvcName);
  if (!port.at('number').absent && !port.at('name').absent) port.fail('must have exactly one of number and name, got both');
  else if (port.at('number').absent && port.at('name').absent) port.fail('must have one of number and name');
  if (name === undefined) return undefined;
  return { name, port: number !== undefined ? { number } : { ...(portName !== undefined && { name: portName }) } };
};

export const decodeBackendV1beta1: BackendDecoder = (backend) => {
  if (backend.record() === undefined || rejectResource(backend)) return undefined;
  const nameField = backend.at('serviceName');
  const name = nameField.required() ? nameField.checkedStr(dns1035Label) : undefined;
  const portField = backend.at('servicePort');
  const port = portField.required() ? decodeIntOrName(portField) : undefined;
  if (name === undefined || port === undefined) return undefined;
  return { name, port: typeof port === 'number' ? { number: port } : { name: port } };
};
