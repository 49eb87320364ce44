// Transparent capture for real, inside two network namespaces of our own: a "pod" (ml-cap-*) that holds the app
// and the capture rules, and a "peer" (ml-capp-*) joined to it by a veth pair, which hosts the ClusterIP 10.96.0.10:80
// and plays the other pods. Nothing is linked to the root namespace. Needs root, `ip` and iptables; skipped with a
// reason where that is not available, except under CI=true, where it must run.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Netns, netnsUnavailable } from '../../support/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const unavailable = netnsUnavailable();
const skip = unavailable !== undefined && process.env.CI !== 'true' ? unavailable : false;
if (skip) console.log(`# capture e2e skipped: ${skip}`);

// Connects to argv[1]:argv[2] and prints what the server says (or why nothing came), within 2 s.
const CLIENT = `
const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
let data = '';
const t = setTimeout(() => { console.log('timeout'); process.exit(0); }, 2000);
s.on('data', (d) => { data += d; });
s.on('end', () => { clearTimeout(t); console.log(data.trim()); });
s.on('error', (e) => { clearTimeout(t); console.log('error ' + e.code); });
`;
const SERVER = `
require('node:net').createServer((s) => s.end('direct\\n')).listen(80, '10.96.0.10', () => console.log('ready'));
`;
const AS_PROXY = ['setpriv', '--reuid', '1337', '--regid', '1337', '--clear-groups'];

function waitForReady(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready within 8 s: ${err}`)), 8000);
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited ${code}: ${err}`)); });
  });
}

describe('iptables capture in a pod namespace', { skip, timeout: 30_000 }, () => {
  let pod: Netns | undefined;
  let peer: Netns | undefined;
  let probe: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  const connect = (ns: Netns | undefined, host: string, port: number, asProxy = false): string => {
    assert.ok(ns);
    const cmd = asProxy ? [...AS_PROXY, process.execPath] : [process.execPath];
    return ns.exec(cmd[0] ?? '', [...cmd.slice(1), '-e', CLIENT, host, String(port)]).trim();
  };
  const natRules = (): string => (pod ? pod.exec('iptables-save', ['-t', 'nat']) : '');

  before(async () => {
    try {
      pod = Netns.create('cap');
      peer = Netns.create('capp');
      pod.exec('ip', ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1', 'netns', peer.name]);
      pod.exec('ip', ['addr', 'add', '10.0.0.1/24', 'dev', 'veth0']);
      pod.exec('ip', ['link', 'set', 'veth0', 'up']);
      pod.exec('ip', ['route', 'add', '10.96.0.0/12', 'via', '10.0.0.2']);
      peer.exec('ip', ['addr', 'add', '10.0.0.2/24', 'dev', 'veth1']);
      peer.exec('ip', ['addr', 'add', '10.96.0.10/32', 'dev', 'lo']);
      peer.exec('ip', ['link', 'set', 'veth1', 'up']);
      server = peer.spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
      probe = pod.spawn(process.execPath, ['--import', 'tsx', path.join(here, 'capture-probe.ts')], { stdio: ['pipe', 'pipe', 'pipe'] });
      await Promise.all([waitForReady(server, 'ClusterIP server'), waitForReady(probe, 'capture probe')]);
    } catch (e) {
      cleanup();
      throw e;
    }
  });

  function cleanup(): void {
    for (const p of [probe, server]) if (p?.pid && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
    pod?.delete();
    peer?.delete();
  }
  after(cleanup);

  test('the rules are installed: all four MESHLET_ chains and both jumps', () => {
    const rules = natRules();
    for (const c of ['MESHLET_OUTPUT', 'MESHLET_REDIRECT', 'MESHLET_INBOUND', 'MESHLET_IN_REDIRECT']) assert.match(rules, new RegExp(`^:${c} `, 'm'));
    assert.match(rules, /^-A OUTPUT -p tcp -j MESHLET_OUTPUT$/m);
    assert.match(rules, /^-A PREROUTING -p tcp -j MESHLET_INBOUND$/m);
  });

  test('the app connecting to a ClusterIP lands on 15001, and SO_ORIGINAL_DST says 10.96.0.10:80', () => {
    assert.equal(connect(pod, '10.96.0.10', 80), 'outbound 10.96.0.10:80');
  });

  test('the proxy (uid 1337) connecting to the same ClusterIP is not redirected: it reaches the real server', () => {
    assert.equal(connect(pod, '10.96.0.10', 80, true), 'direct');
  });

  test('the app connecting to 127.0.0.1 is not captured', () => {
    assert.equal(connect(pod, '127.0.0.1', 18080), 'local');
  });

  test('the proxy calling its own pod IP goes through the inbound side (15006)', () => {
    assert.equal(connect(pod, '10.0.0.1', 8080, true), 'inbound 10.0.0.1:8080');
  });

  test('inbound from another pod lands on 15006 with its original destination; excluded 15021 does not', () => {
    assert.equal(connect(peer, '10.0.0.1', 8080), 'inbound 10.0.0.1:8080');
    assert.equal(connect(peer, '10.0.0.1', 15021), 'health');
  });

  test('when the sidecar exits its rules are gone, and the app reaches the ClusterIP directly', async () => {
    assert.ok(probe);
    const exited = new Promise<number | null>((resolve) => probe?.once('exit', resolve));
    probe.stdin?.end();
    assert.equal(await exited, 0);
    assert.doesNotMatch(natRules(), /MESHLET_/);
    assert.equal(connect(pod, '10.96.0.10', 80), 'direct');
  });
});
