// v1 Pod (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/): only what endpoints
// and DNS need — addresses, readiness, named container ports, hostname/subdomain, node.
import type { ContainerPort, Pod } from '../../model/types.js';
import { PORT_RANGE, type Field } from './field.js';
import { wholeNumber } from './annotation-values.js';
import { decodeMeta, decodeProtocol, type Decoder } from './context.js';
import { dns1123Label, ianaSvcName, ipAddress, orEmpty } from './validate.js';

/** A Pod annotation meshlet reads: the Pod's load-balancing weight among the endpoints of a Service. */
export const WEIGHT_ANNOTATION = 'meshlet.io/weight';
/** Ten thousand endpoints of the top weight still sum far below Envoy's uint32 limit per locality. */
const WEIGHT_RANGE = { min: 1, max: 10_000 };

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

export const decodePod: Decoder<Pod> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const spec = root.at('spec');
  spec.record();
  const status = root.at('status');
  status.record();
  const nodeName = spec.at('nodeName').str() || undefined;
  const hostname = spec.at('hostname').checkedStr(orEmpty(dns1123Label)) || undefined;
  const subdomain = spec.at('subdomain').checkedStr(orEmpty(dns1123Label)) || undefined;
  const weight = wholeNumber(root.at('metadata').at('annotations').at(WEIGHT_ANNOTATION), WEIGHT_RANGE);
  return {
    kind: 'Pod',
    meta,
    ...(nodeName !== undefined && { nodeName }),
    ...(hostname !== undefined && { hostname }),
    ...(subdomain !== undefined && { subdomain }),
    containerPorts: spec
      .at('containers')
      .list()
      .flatMap((c) => decodeContainerPorts(c)),
    podIPs: decodePodIPs(status),
    phase: status.at('phase').oneOf(PHASES) ?? '',
    ready: isReady(status.at('conditions')),
    // A deletionTimestamp means the Pod is terminating (graceful deletion has started).
    deleting: !root.at('metadata').at('deletionTimestamp').absent,
    ...(weight !== undefined && { weight }),
  };
};

function decodeContainerPorts(container: Field): ContainerPort[] {
  container.record();
  return container
    .at('ports')
    .list()
    .map((p) => {
      p.record();
      const name = p.at('name').checkedStr(ianaSvcName);
      return {
        ...(name !== undefined && { name }),
        containerPort: p.at('containerPort').reqInt(PORT_RANGE) ?? 0,
        protocol: decodeProtocol(p.at('protocol')),
      };
    });
}

/** status.podIPs (dual stack) wins over status.podIP; when both are set, podIPs[0] must be podIP. */
function decodePodIPs(status: Field): string[] {
  const single = status.at('podIP').checkedStr(orEmpty(ipAddress)) || undefined;
  const list = status
    .at('podIPs')
    .list()
    .flatMap((entry) => {
      entry.record();
      const ipField = entry.at('ip');
      return (ipField.required() && ipField.checkedStr(ipAddress)) || [];
    });
  if (single !== undefined && list.length > 0 && list[0] !== single) {
    status.at('podIPs').at(0).at('ip').fail(`must match status.podIP "${single}", got "${list[0]}"`);
  }
  if (list.length > 0) return list;
  return single !== undefined ? [single] : [];
}

/** The Ready condition (status.conditions[type=Ready].status == "True"). */
function isReady(conditions: Field): boolean {
  let ready = false;
  for (const c of conditions.list()) {
    c.record();
    if (c.at('type').str() !== 'Ready') continue;
    ready = c.at('status').oneOf(['True', 'False', 'Unknown'] as const) === 'True';
  }
  return ready;
}
