// apps/v1 Deployment and v1 Pod → workload domain types (types.ts), in the style of control-plane/sources/decode:
// every problem is recorded with its field path and decoding goes on, so one pass reports them all.
import { decodeMeta, decodeProtocol } from '../../control-plane/sources/decode/context.js';
import { PORT_RANGE, type Field } from '../../control-plane/sources/decode/field.js';
import { dns1123Label, ianaSvcName } from '../../control-plane/sources/decode/validate.js';
import type { ObjectOrigin } from '../../control-plane/model/types.js';
import type { ContainerPortSpec, ContainerSpec, Deployment, EnvVar, PodSpec, PodTemplate, Probe } from './types.js';

const REPLICAS = { min: 0, max: 100 };
const SECONDS = { min: 0, max: 3600 };
const PERIOD = { min: 1, max: 3600 };

export function decodeDeployment(root: Field, origin: ObjectOrigin): Deployment {
  const meta = decodeMeta(root, origin, dns1123Label);
  const spec = root.at('spec');
  spec.required();
  spec.record();
  const selectorField = spec.at('selector');
  const selector = selectorField.required() ? selectorField.at('matchLabels').stringMap() : {};
  if (selectorField.record() !== undefined && Object.keys(selector).length === 0) selectorField.at('matchLabels').fail('must select at least one label');
  const templateField = spec.at('template');
  const template = templateField.required() ? decodeTemplate(templateField) : { labels: {}, annotations: {}, containers: [] };
  for (const [k, v] of Object.entries(selector)) {
    if (template.labels[k] !== v) templateField.at('metadata').at('labels').fail(`must match spec.selector.matchLabels (${k}: ${v})`);
  }
  return { kind: 'Deployment', namespace: meta.namespace, name: meta.name, replicas: spec.at('replicas').int(REPLICAS) ?? 1, selector, template };
}

export function decodePodObject(root: Field, origin: ObjectOrigin): PodSpec {
  const meta = decodeMeta(root, origin, dns1123Label);
  return { kind: 'Pod', namespace: meta.namespace, name: meta.name, template: decodeTemplateAt(root, root.at('spec')) };
}

/** A Pod template: `metadata` (labels, annotations) and `spec` (containers). */
function decodeTemplate(template: Field): PodTemplate {
  template.record();
  return decodeTemplateAt(template, template.at('spec'));
}

function decodeTemplateAt(holder: Field, spec: Field): PodTemplate {
  const metadata = holder.at('metadata');
  spec.required();
  spec.record();
  const containersField = spec.at('containers');
  const containers = containersField.required() ? containersField.list().map(decodeContainer) : [];
  if (!containersField.absent && Array.isArray(containersField.value) && containers.length === 0) containersField.fail('must have at least one container');
  return { labels: metadata.at('labels').stringMap(), annotations: metadata.at('annotations').stringMap(), containers };
}

function decodeContainer(c: Field): ContainerSpec {
  c.record();
  const name = c.at('name');
  const image = c.at('image');
  const probe = c.at('readinessProbe');
  const readinessProbe = probe.absent ? undefined : decodeProbe(probe);
  const command = strings(c.at('command'));
  if (command.length === 0 && c.record() !== undefined) c.at('command').fail('required: meshlet runs the container as a process (the image is not pulled)');
  return {
    name: (name.required() && name.checkedStr(dns1123Label)) || '',
    image: image.str() ?? '',
    command,
    args: strings(c.at('args')),
    env: c.at('env').list().flatMap(decodeEnv),
    ports: c.at('ports').list().map(decodePort),
    ...(readinessProbe !== undefined && { readinessProbe }),
  };
}

function strings(field: Field): string[] {
  return field.list().flatMap((f) => {
    if (typeof f.value === 'number' || typeof f.value === 'boolean') return [String(f.value)];
    return f.str() ?? [];
  });
}

function decodeEnv(e: Field): EnvVar[] {
  e.record();
  const name = e.at('name').reqStr();
  if (!e.at('valueFrom').absent) e.at('valueFrom').fail('is not supported by the local cluster (use value)');
  return name === undefined ? [] : [{ name, value: e.at('value').str() ?? '' }];
}

function decodePort(p: Field): ContainerPortSpec {
  p.record();
  const name = p.at('name').checkedStr(ianaSvcName);
  return { ...(name !== undefined && { name }), containerPort: p.at('containerPort').reqInt(PORT_RANGE) ?? 0, protocol: decodeProtocol(p.at('protocol')) };
}

function decodeProbe(probe: Field): Probe | undefined {
  probe.record();
  const timing = {
    periodSeconds: probe.at('periodSeconds').int(PERIOD) ?? 10,
    initialDelaySeconds: probe.at('initialDelaySeconds').int(SECONDS) ?? 0,
    failureThreshold: probe.at('failureThreshold').int(PERIOD) ?? 3,
  };
  const http = probe.at('httpGet');
  if (!http.absent) {
    http.record();
    const port = probePort(http.at('port'));
    return port === undefined ? undefined : { kind: 'httpGet', path: http.at('path').str() ?? '/', port, ...timing };
  }
  const tcp = probe.at('tcpSocket');
  if (!tcp.absent) {
    tcp.record();
    const port = probePort(tcp.at('port'));
    return port === undefined ? undefined : { kind: 'tcpSocket', port, ...timing };
  }
  return probe.fail('must have httpGet or tcpSocket (exec and grpc probes are not supported by the local cluster)');
}

/** A probe port: a number, or the name of a container port. */
function probePort(port: Field): number | string | undefined {
  if (!port.required()) return undefined;
  if (typeof port.value === 'number') return port.int(PORT_RANGE);
  return port.checkedStr(ianaSvcName);
}
