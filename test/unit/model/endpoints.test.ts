// Endpoints of each Service port: from EndpointSlices, else v1 Endpoints, else the Pods the selector matches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type MeshSnapshot } from '../../../control-plane/model/index.js';
import { objectSetOf } from '../../../control-plane/sources/index.js';
import type { BackendEndpoint, Endpoints, KubeObject } from '../../../control-plane/model/types.js';
import { endpoint, meta, pod, port, service, slice } from './builders.js';

const build = (objects: KubeObject[]) => buildModel(objectSetOf(objects), undefined, {});

/** `ip:port` of every endpoint of port `portName` of Service `name`, with flags when not plainly ready. */
function eps(snapshot: MeshSnapshot, name: string, portName = 'http'): string[] {
  const svc = snapshot.services.find((s) => s.service.meta.name === name);
  const resolved = svc?.ports.find((p) => p.port.name === portName);
  if (resolved === undefined) throw new Error(`no port ${portName} on ${name}`);
  return resolved.endpoints.map(show);
}

function show(e: BackendEndpoint): string {
  const flags = [!e.ready && 'not-ready', !e.serving && 'not-serving', e.terminating && 'terminating', e.weight !== 1 && `weight=${e.weight}`];
  return [`${e.ip}:${e.port}`, ...flags.filter(Boolean)].join(' ');
}

const web = service({ name: 'web' }, { selector: { app: 'web' }, ports: [port({ name: 'http', port: 80, targetPort: 'http-web' })] });
const webPod = (name: string, ip: string, p: Parameters<typeof pod>[1] = {}) =>
  pod({ name, labels: { app: 'web' } }, { podIPs: [ip], containerPorts: [{ name: 'http-web', containerPort: 8080, protocol: 'TCP' }], ...p });

describe('endpoints from EndpointSlices', () => {
  it('merges every slice of the Service, matching ports by name and using the slice port number', () => {
    const svc = service({ name: 'api' }, { ports: [port({ name: 'http', port: 80 }), port({ name: 'grpc', port: 9090 })] });
    const a = slice({ name: 'api-b', service: 'api' }, [endpoint('10.0.0.2')], [
      { name: 'http', protocol: 'TCP', port: 8080 },
      { name: 'grpc', protocol: 'TCP', port: 9091 },
    ]);
    const b = slice({ name: 'api-a', service: 'api' }, [endpoint('10.0.0.1', { ready: false, terminating: true })], [{ name: 'http', protocol: 'TCP', port: 8081 }]);
    const { snapshot } = build([svc, a, b]);
    assert.deepEqual(eps(snapshot, 'api', 'http'), ['10.0.0.1:8081 not-ready terminating', '10.0.0.2:8080']); // slices by name
    assert.deepEqual(eps(snapshot, 'api', 'grpc'), ['10.0.0.2:9091']);
  });

  it('an unnamed Service port matches the unnamed slice port; a port missing from a slice gets nothing from it', () => {
    const svc = service({ name: 'one' }, { ports: [port({ name: '', port: 80 })] });
    const s = slice({ name: 'one-x', service: 'one' }, [endpoint('10.0.0.1')], [{ name: '', protocol: 'TCP', port: 8080 }]);
    const other = slice({ name: 'one-y', service: 'one' }, [endpoint('10.0.0.9')], [{ name: 'metrics', protocol: 'TCP', port: 9000 }]);
    assert.deepEqual(eps(build([svc, s, other]).snapshot, 'one', ''), ['10.0.0.1:8080']);
  });

  it('an address in two slices counts once, the ready copy winning; FQDN slices are skipped', () => {
    const svc = service({ name: 'api' });
    const a = slice({ name: 'api-a', service: 'api' }, [endpoint('10.0.0.1', { ready: false })]);
    const b = slice({ name: 'api-b', service: 'api' }, [endpoint('10.0.0.1'), endpoint('10.0.0.2')]);
    const fqdn = { ...slice({ name: 'api-c', service: 'api' }, [endpoint('db.example.com')]), addressType: 'FQDN' as const };
    assert.deepEqual(eps(build([svc, a, b, fqdn]).snapshot, 'api'), ['10.0.0.1:8080', '10.0.0.2:8080']);
  });

  it('carries node, zone, hostname, the Pod behind it and its weight', () => {
    const svc = service({ name: 'api' });
    const s = slice({ name: 'api-a', service: 'api' }, [
      endpoint('10.0.0.1', { nodeName: 'n1', zone: 'z1', hostname: 'h1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1' } }),
    ]);
    const p1 = pod({ name: 'p1' }, { weight: 4 });
    const resolved = build([svc, s, p1]).snapshot.services[0]?.ports[0]?.endpoints[0];
    assert.deepEqual(resolved, {
      ip: '10.0.0.1',
      port: 8080,
      ready: true,
      serving: true,
      terminating: false,
      hostname: 'h1',
      nodeName: 'n1',
      zone: 'z1',
      pod: 'default/p1',
      weight: 4,
    });
  });

  it('slices win over v1 Endpoints and over Pods', () => {
    const svc = service({ name: 'web' }, { selector: { app: 'web' }, ports: [port({ name: 'http', targetPort: 8080 })] });
    const legacy: Endpoints = { kind: 'Endpoints', meta: meta({ name: 'web' }), slices: [slice({ name: 'web-0', service: 'web' }, [endpoint('10.9.9.9')])] };
    const s = slice({ name: 'web-x', service: 'web' }, [endpoint('10.0.0.1')]);
    assert.deepEqual(eps(build([svc, legacy, s, webPod('p', '10.0.0.7')]).snapshot, 'web'), ['10.0.0.1:8080']);
  });
});

describe('endpoints from v1 Endpoints', () => {
  it('are used when there is no slice, ahead of Pods', () => {
    const svc = service({ name: 'web' }, { selector: { app: 'web' }, ports: [port({ name: 'http', targetPort: 8080 })] });
    const legacy: Endpoints = {
      kind: 'Endpoints',
      meta: meta({ name: 'web' }),
      slices: [slice({ name: 'web-0', service: 'web' }, [endpoint('10.9.9.9'), endpoint('10.9.9.8', { ready: false, serving: false })])],
    };
    assert.deepEqual(eps(build([svc, legacy, webPod('p', '10.0.0.7')]).snapshot, 'web'), ['10.9.9.9:8080', '10.9.9.8:8080 not-ready not-serving']);
  });
});

describe('endpoints from Pods (no slice, no Endpoints)', () => {
  // [pod, expected endpoint or undefined when the Pod is not an endpoint]
  const table: [string, ReturnType<typeof pod>, string | undefined][] = [
    ['ready', webPod('a', '10.0.0.1'), '10.0.0.1:8080'],
    ['not ready', webPod('b', '10.0.0.2', { ready: false }), '10.0.0.2:8080 not-ready not-serving'],
    ['ready but terminating', webPod('c', '10.0.0.3', { deleting: true }), '10.0.0.3:8080 not-ready terminating'],
    ['no IP yet', webPod('d', '', { podIPs: [], phase: 'Pending' }), undefined],
    ['finished', webPod('e', '10.0.0.5', { phase: 'Succeeded' }), undefined],
    ['failed', webPod('f', '10.0.0.6', { phase: 'Failed' }), undefined],
    ['weighted', webPod('g', '10.0.0.7', { weight: 3 }), '10.0.0.7:8080 weight=3'],
    ['without the named port', pod({ name: 'h', labels: { app: 'web' } }, { podIPs: ['10.0.0.8'] }), undefined],
    ['named port with another protocol', webPod('i', '10.0.0.9', { containerPorts: [{ name: 'http-web', containerPort: 8080, protocol: 'UDP' }] }), undefined],
    ['labels not matching', pod({ name: 'j', labels: { app: 'other' } }, { podIPs: ['10.0.0.10'] }), undefined],
    ['another namespace', pod({ name: 'k', namespace: 'other', labels: { app: 'web' } }, { podIPs: ['10.0.0.11'] }), undefined],
  ];
  for (const [title, p, expected] of table) {
    it(`a Pod ${title}`, () => {
      assert.deepEqual(eps(build([web, p]).snapshot, 'web'), expected === undefined ? [] : [expected]);
    });
  }

  it('a numeric targetPort needs no container port; selectors match on every label', () => {
    const svc = service({ name: 'num' }, { selector: { app: 'web', tier: 'api' }, ports: [port({ name: 'http', targetPort: 9000 })] });
    const yes = pod({ name: 'yes', labels: { app: 'web', tier: 'api', extra: 'x' } }, { podIPs: ['10.0.0.1'] });
    const no = pod({ name: 'no', labels: { app: 'web' } }, { podIPs: ['10.0.0.2'] });
    assert.deepEqual(eps(build([svc, yes, no]).snapshot, 'num'), ['10.0.0.1:9000']);
  });

  it('publishNotReadyAddresses: every endpoint is ready', () => {
    const svc = { ...web, publishNotReadyAddresses: true };
    assert.deepEqual(eps(build([svc, webPod('b', '10.0.0.2', { ready: false })]).snapshot, 'web'), ['10.0.0.2:8080 not-serving']);
  });

  it('hostname when the Pod subdomain names the Service; the IP family of the ClusterIP', () => {
    const svc = service({ name: 'db' }, { clusterIP: 'fd00::10', selector: { app: 'db' }, ports: [port({ name: 'pg', targetPort: 5432 })] });
    const p = pod({ name: 'db-0', labels: { app: 'db' } }, { podIPs: ['10.0.0.1', 'fd00:1::1'], hostname: 'db-0', subdomain: 'db' });
    const e = build([svc, p]).snapshot.services[0]?.ports[0]?.endpoints[0];
    assert.deepEqual([e?.ip, e?.hostname, e?.pod], ['fd00:1::1', 'db-0', 'default/db-0']);
  });

  it('a Service without selector and without slices has no endpoints', () => {
    assert.deepEqual(eps(build([service({ name: 'manual' }), webPod('a', '10.0.0.1')]).snapshot, 'manual'), []);
  });
});

describe('slices and Endpoints for unknown Services', () => {
  it('are reported as UNKNOWN_REFERENCE with file, object and field, and ignored', () => {
    const ghost = slice({ name: 'ghost-x', service: 'ghost', file: 'slices.yaml' }, [endpoint('10.0.0.1')]);
    const legacy: Endpoints = { kind: 'Endpoints', meta: meta({ name: 'gone', file: 'ep.yaml' }), slices: [] };
    const { snapshot, errors } = build([service({ name: 'real' }), ghost, legacy]);
    assert.deepEqual(errors, [
      {
        file: 'slices.yaml',
        object: 'EndpointSlice default/ghost-x',
        field: 'metadata.labels["kubernetes.io/service-name"]',
        message: 'refers to Service default/ghost, which does not exist; ignored',
        code: 'MESHLET_ERR_UNKNOWN_REFERENCE',
      },
      {
        file: 'ep.yaml',
        object: 'Endpoints default/gone',
        field: 'metadata.name',
        message: 'refers to Service default/gone, which does not exist; ignored',
        code: 'MESHLET_ERR_UNKNOWN_REFERENCE',
      },
    ]);
    assert.deepEqual(eps(snapshot, 'real'), []);
  });
});
