// The workloads of a local cluster as domain types: what a Deployment or Pod manifest asks to run. Decoded from
// YAML by decode.ts; a Deployment is expanded into PodSpecs by expand.ts. The `image` is recorded, never pulled:
// a container runs its `command` + `args` as a process inside the pod's network namespace.

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface ContainerPortSpec {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** When a probe runs, and how many failures in a row make a ready pod not ready (Kubernetes' default 3). */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly initialDelaySeconds: number;
  readonly failureThreshold: number;
}

export type Probe =
  | ({ readonly kind: 'httpGet'; readonly path: string; readonly port: number | string } & ProbeTiming)
  | ({ readonly kind: 'tcpSocket'; readonly port: number | string } & ProbeTiming);

export interface ContainerSpec {
  readonly name: string;
  /** Recorded only (shown by status); nothing is pulled. */
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  readonly ports: readonly ContainerPortSpec[];
  readonly readinessProbe?: Probe;
}

/** What a Pod template (or a Pod) says: labels, annotations and containers. */
export interface PodTemplate {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerSpec[];
}

export interface Deployment {
  readonly kind: 'Deployment';
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly selector: Readonly<Record<string, string>>;
  readonly template: PodTemplate;
}

/** A Pod to run: from a Pod manifest, or one replica of a Deployment (`owner` set). */
export interface PodSpec {
  readonly kind: 'Pod';
  readonly namespace: string;
  readonly name: string;
  readonly owner?: string;
  readonly template: PodTemplate;
}

/** The annotation that turns the sidecar off for a pod (as Istio's `sidecar.istio.io/inject`). */
export const INJECT_ANNOTATION = 'sidecar.meshlet.io/inject';

export function wantsSidecar(template: PodTemplate): boolean {
  return template.annotations[INJECT_ANNOTATION] !== 'false';
}
