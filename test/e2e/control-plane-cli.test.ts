// `meshlet control-plane` as a user runs it: flag errors, manifests with bad objects reported on the admin port
// while the good ones are served, and a running control plane that keeps the last good version of an object
// when its file breaks.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnMeshlet, waitForHttpOk, type MeshletProcess } from '../../examples/proxyless/spawn-meshlet.js';
import { freePort } from '../support/ports.js';

async function runToExit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnMeshlet(args, env);
  const timer = setTimeout(() => void p.stop(), 15000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, out: p.stdout(), err: p.stderr() };
}

describe('flags are validated with a message naming the flag (exit code 2)', () => {
  const cases: Array<{ args: string[]; env?: NodeJS.ProcessEnv; message: RegExp }> = [
    { args: ['control-plane'], message: /--manifests <dir> is required/ },
    { args: ['control-plane', '--manifests', '.', '--xds-listen', 'nonsense'], message: /--xds-listen "nonsense": expected HOST:PORT/ },
    { args: ['control-plane', '--manifests', '.', '--xds-listen', ':70000'], message: /--xds-listen ":70000": port must be/ },
    { args: ['control-plane', '--manifests', '.', '--service-cidr', '10.96.0.0/33'], message: /service CIDR must look like/ },
    { args: ['control-plane', '--manifests', '.', '--debounce-ms', 'soon'], message: /--debounce-ms "soon": must be a whole number/ },
    { args: ['control-plane', '--manifests', '.', '--cluster-domain', 'bad_domain'], message: /--cluster-domain "bad_domain"/ },
    // The environment twin of a flag is validated the same way.
    { args: ['control-plane', '--manifests', '.'], env: { MESHLET_ADMIN_LISTEN: '1.2.3.4' }, message: /--admin-listen "1.2.3.4": expected HOST:PORT/ },
    { args: ['proxy-status', '--admin', 'x:y'], message: /--admin "x:y": port must be a whole number/ },
    { args: ['control-plane', '--manifests', '.', '--outbound-traffic-policy', 'DENY'], message: /--outbound-traffic-policy "DENY": expected ALLOW_ANY or REGISTRY_ONLY/ },
    { args: ['sidecar', '--xds-mode', 'rest'], message: /--xds-mode "rest": expected delta or sotw/ },
    { args: ['sidecar', '--capture', 'ebpf'], message: /--capture "ebpf": expected iptables or none/ },
    { args: ['sidecar', '--pod-ip', '10.1.1.300'], message: /--pod-ip "10.1.1.300": not an IP address/ },
    { args: ['sidecar', '--namespace', 'Prod_NS'], message: /--namespace "Prod_NS": not a Kubernetes namespace name/ },
    { args: ['sidecar', '--drain-seconds', 'later'], message: /--drain-seconds "later": must be a whole number/ },
    { args: ['sidecar', '--access-log', 'maybe'], message: /--access-log "maybe": expected on or off/ },
    { args: ['sidecar'], env: { MESHLET_ADMIN_LISTEN: '127.0.0.1:99999' }, message: /--admin-listen "127.0.0.1:99999": port must be/ },
  ];
  for (const c of cases) {
    test(`meshlet ${c.args.join(' ')}${c.env ? ` with ${JSON.stringify(c.env)}` : ''}`, async () => {
      const { code, err } = await runToExit(c.args, c.env);
      assert.equal(code, 2, err);
      assert.match(err, c.message);
    });
  }

  test('a manifests directory that does not exist is refused at start', async () => {
    const { code, err } = await runToExit(['control-plane', '--manifests', '/nonexistent/meshlet', '--xds-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0']);
    assert.notEqual(code, 0);
    assert.match(err, /\/nonexistent\/meshlet/);
  });

  test('proxy-status says what is wrong when no control plane answers', async () => {
    const { code, err } = await runToExit(['proxy-status', '--admin', `127.0.0.1:${await freePort()}`]);
    assert.equal(code, 1);
    assert.match(err, /cannot read http:\/\/127\.0\.0\.1:\d+\/debug\/syncz.*is `meshlet control-plane` running/);
  });
});

describe('bad manifests are reported with file, object and field; the rest is served', () => {
  let dir = '';
  let proc: MeshletProcess | undefined;
  let admin = '';

  interface ReportedError { file: string; object: string; field: string; message: string; code: string }
  interface Model { services: Array<{ name: string; clusterIP?: string; ports: Array<{ port: number; endpoints: string[] }> }> }
  const errors = async (): Promise<ReportedError[]> => (await (await fetch(`${admin}/debug/config_errors`)).json()) as ReportedError[];
  const model = async (): Promise<Model> => (await (await fetch(`${admin}/debug/model`)).json()) as Model;
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    const start = Date.now();
    while (Date.now() - start < 5000) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'meshlet-bad-'));
    await cp(path.resolve('test/fixtures/manifests-bad'), dir, { recursive: true });
    admin = `http://127.0.0.1:${await freePort()}`;
    proc = spawnMeshlet(['control-plane', '--manifests', dir, '--xds-listen', '127.0.0.1:0', '--admin-listen', admin.slice(7), '--debounce-ms', '20']);
    await waitForHttpOk(`${admin}/readyz`, proc);
  });
  after(async () => {
    await proc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expected: Array<{ file: string; object: RegExp; field: RegExp; code: string }> = [
    { file: 'a-broken.yaml', object: /^$/, field: /^$/, code: 'MESHLET_ERR_INVALID_YAML' },
    { file: 'b-services.yaml', object: /^Service default\/ok$/, field: /^metadata\.annotations\["meshlet\.io\/retries"\]$/, code: 'MESHLET_ERR_INVALID_OBJECT' },
    { file: 'b-services.yaml', object: /^Service default\/big-port$/, field: /^spec\.ports\[1\]\.port$/, code: 'MESHLET_ERR_INVALID_OBJECT' },
    { file: 'b-services.yaml', object: /^Service default\/dup$/, field: /^spec\.ports\[1\]\.name$/, code: 'MESHLET_ERR_INVALID_OBJECT' },
    { file: 'c-slices.yaml', object: /^EndpointSlice default\/ghost-x7k2p$/, field: /service-name/, code: 'MESHLET_ERR_UNKNOWN_REFERENCE' },
    { file: 'd-clusterip.yaml', object: /^Service default\/second$/, field: /^spec\.clusterIP$/, code: 'MESHLET_ERR_CONFLICT' },
  ];
  for (const e of expected) {
    test(`${e.code} in ${e.file} ${e.object.source}`, async () => {
      const found = (await errors()).filter((r) => r.file.endsWith(e.file) && r.code === e.code);
      assert.ok(found.some((r) => e.object.test(r.object) && e.field.test(r.field)), JSON.stringify(found, null, 1));
    });
  }

  test('the valid objects are served', async () => {
    const names = (await model()).services.map((s) => s.name);
    assert.ok(names.includes('default/ok'), names.join(' '));
    assert.ok(names.includes('default/first'), names.join(' '));
    assert.ok(!names.includes('default/big-port'), 'an invalid Service that never was good is not served');
  });

  test('a file that becomes invalid YAML keeps its objects at their last good version; fixing it clears the error', async () => {
    const file = path.join(dir, 'z-live.yaml');
    const good = (port: number): string =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: live, namespace: default}\nspec:\n  clusterIP: 10.96.7.7\n  ports: [{name: http, port: ${port}}]\n`;
    await writeFile(file, good(80));
    const livePort = async (): Promise<number | undefined> =>
      (await model()).services.find((s) => s.name === 'default/live')?.ports[0]?.port;
    await until(async () => (await livePort()) === 80, 'the new Service');

    await writeFile(file, good(81).replace('ports:', 'ports: [ unclosed'));
    await until(async () => (await errors()).some((r) => r.file.endsWith('z-live.yaml')), 'the YAML error');
    assert.equal(await livePort(), 80, 'last good version kept');

    await writeFile(file, good(81).replace('port: 81', 'port: 70000'));
    await until(async () => (await errors()).some((r) => r.file.endsWith('z-live.yaml') && r.field === 'spec.ports[0].port'), 'the field error');
    assert.equal(await livePort(), 80, 'an invalid object keeps its last good version');

    await writeFile(file, good(81));
    await until(async () => (await livePort()) === 81, 'the fixed Service');
    assert.ok(!(await errors()).some((r) => r.file.endsWith('z-live.yaml')), 'errors of the file are cleared');
  });
});
