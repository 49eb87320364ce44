// The v1 Pod object the cluster writes into the control plane's manifest directory for each running pod, as the
// API server would hold it: labels from the template, spec.nodeName, container ports, status.podIP and the Ready
// condition. The control plane selects Service endpoints from these (control-plane/model/endpoints.ts).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { manifestsDir, writeAtomic, type PodRecord } from './state.js';

export function podObject(pod: PodRecord, nodeIp: string, ready: boolean): Record<string, unknown> {
  const { spec, plan } = pod;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace, labels: spec.template.labels, annotations: spec.template.annotations },
    spec: {
      nodeName: plan.node,
      containers: spec.template.containers.map((c) => ({ name: c.name, image: c.image, ports: c.ports })),
    },
    status: {
      phase: 'Running',
      hostIP: nodeIp,
      podIP: plan.ip,
      podIPs: [{ ip: plan.ip }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export const podObjectFile = (dir: string, pod: PodRecord): string =>
  path.join(manifestsDir(dir), `pod-${pod.spec.namespace}-${pod.spec.name}.yaml`);

export function writePodObject(dir: string, pod: PodRecord, nodeIp: string, ready: boolean): void {
  writeAtomic(podObjectFile(dir, pod), stringify(podObject(pod, nodeIp, ready)));
}

export function removePodObject(dir: string, pod: PodRecord): void {
  rmSync(podObjectFile(dir, pod), { force: true });
}
