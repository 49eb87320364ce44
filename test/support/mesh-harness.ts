// A control plane and a sidecar in this process, for component tests: the control plane serves a temporary
// manifest directory; the sidecar binds its capture listeners on free loopback ports (no iptables), so tests
// reach it as an explicit HTTP proxy or through `connectVia` with an assumed original destination.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../common/log.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../control-plane/index.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../../proxy/sidecar.js';
import { DISABLED_ACCESS_LOG } from '../../proxy/telemetry/access-log.js';
import { DISABLED_TRACING } from '../../proxy/telemetry/tracing.js';
import { freePort } from './ports.js';

export interface MeshHarness {
  readonly controlPlane: ControlPlane;
  readonly sidecar: Sidecar;
  readonly manifestsDir: string;
  /** `http://127.0.0.1:<port>`: the sidecar's outbound listener as an explicit proxy. */
  readonly proxyUrl: string;
  readonly outboundPort: number;
  /** Replaces a manifest file; the control plane picks it up and pushes. */
  writeManifest(name: string, yaml: string): void;
  close(): Promise<void>;
}

/** A control plane alone, serving a temporary manifest directory (removed by `close`). */
export interface TestControlPlane {
  readonly controlPlane: ControlPlane;
  readonly manifestsDir: string;
  /** `127.0.0.1:<port>` of its xDS server. */
  readonly xds: string;
  /** Replaces a manifest file; the control plane picks it up and pushes. */
  writeManifest(name: string, yaml: string): void;
  close(): Promise<void>;
}

/** The control plane on 127.0.0.1 random ports, as the component tests run it. */
export async function startTestControlPlane(manifests: Record<string, string>, options: Partial<ControlPlaneOptions> = {}): Promise<TestControlPlane> {
  const manifestsDir = mkdtempSync(path.join(tmpdir(), 'meshlet-mesh-'));
  const writeManifest = (name: string, yaml: string): void => writeFileSync(path.join(manifestsDir, name), yaml);
  for (const [name, yaml] of Object.entries(manifests)) writeManifest(name, yaml);
  const controlPlane = await startControlPlane({
    manifestsDir,
    xdsListen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    // ClusterIPs on loopback: tests run in the root namespace, and passthrough traffic (a port the mesh does not
    // know) goes to the original destination, which must never leave this machine.
    serviceCidr: '127.96.0.0/16',
    clusterDomain: 'cluster.local',
    clusterId: 'test',
    debounceMs: 10,
    logger: silentLogger(),
    ...options,
  }).catch((err: unknown) => {
    rmSync(manifestsDir, { recursive: true, force: true });
    throw err;
  });
  return {
    controlPlane,
    manifestsDir,
    xds: `127.0.0.1:${controlPlane.xdsAddress.port}`,
    writeManifest,
    close: async () => {
      await controlPlane.close();
      rmSync(manifestsDir, { recursive: true, force: true });
    },
  };
}

/** A proxy as the component tests run it: loopback admin and health on free ports, no capture, silent. */
export function testProxyOptions(xds: string): SidecarOptions {
  return {
    xds,
    nodeId: 'pod-a.default',
    namespace: 'default',
    podIps: ['127.0.0.1'],
    xdsMode: 'delta',
    admin: { host: '127.0.0.1', port: 0 },
    health: { host: '127.0.0.1', port: 0 },
    capture: undefined,
    dnsProxy: undefined,
    drainSeconds: 1,
    logger: silentLogger(),
    accessLog: DISABLED_ACCESS_LOG,
    tracing: DISABLED_TRACING,
  };
}

export async function startMesh(
  manifests: Record<string, string>,
  sidecar: Partial<SidecarOptions> = {},
  controlPlaneOptions: Partial<ControlPlaneOptions> = {},
): Promise<MeshHarness> {
  const cp = await startTestControlPlane(manifests, controlPlaneOptions);
  const { controlPlane, manifestsDir, writeManifest } = cp;
  const [outboundPort, inboundPort] = [await freePort(), await freePort()];
  let proxy: Sidecar;
  try {
    proxy = await startSidecar({
      ...testProxyOptions(cp.xds),
      portMap: new Map([
        [15001, outboundPort],
        [15006, inboundPort],
      ]),
      bindAddress: '127.0.0.1',
      ...sidecar,
    });
    await proxy.ready;
  } catch (err) {
    await cp.close();
    throw err;
  }
  return {
    controlPlane,
    sidecar: proxy,
    manifestsDir,
    proxyUrl: `http://127.0.0.1:${outboundPort}`,
    outboundPort,
    writeManifest,
    close: async () => {
      await proxy.stop();
      await cp.close();
    },
  };
}

/** A Service with one HTTP port and its EndpointSlice, as `kubectl get -o yaml` would show them. */
export function httpService(name: string, port: number, endpoints: readonly string[], targetPort: number, annotations: Record<string, string> = {}): string {
  const ann = Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
${ann === '' ? '' : `  annotations:\n${ann}\n`}spec:
  selector: {app: ${name}}
  ports:
  - {name: http, port: ${port}, targetPort: ${targetPort}, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-1
  namespace: default
  labels: {kubernetes.io/service-name: ${name}}
addressType: IPv4
ports:
- {name: http, port: ${targetPort}, protocol: TCP}
endpoints:
${endpoints.map((ip) => `- addresses: ["${ip}"]\n  conditions: {ready: true}`).join('\n')}
`;
}
