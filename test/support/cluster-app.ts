// The Deployment of test/e2e/localcluster/cluster-app.ts (answers who served a request and what it was asked) for
// local-cluster e2e tests, with a readiness probe on /healthz.

export interface ClusterAppOptions {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas?: number;
}

export function clusterAppDeployment(o: ClusterAppOptions): string {
  const labels = `{${Object.entries(o.labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${o.name}}
spec:
  replicas: ${o.replicas ?? 1}
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers:
        - name: app
          image: meshlet/cluster-app
          command: [node, --import, tsx, test/e2e/localcluster/cluster-app.ts]
          env: [{name: PORT, value: "8080"}]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
`;
}
