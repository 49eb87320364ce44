// applyCapture's failures are clear errors naming the tool and what to do. The iptables tools are stand-in shell
// scripts here, so nothing touches a real rule set.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { applyCapture, CaptureError } from '../../../../proxy/capture/apply.js';

let dir = '';
const script = async (name: string, body: string): Promise<string> => {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
};

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'meshlet-capture-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('refused for lack of privilege: says capture needs root or CAP_NET_ADMIN', async () => {
  const restore = await script('iptables-restore', 'echo "iptables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)" >&2; exit 4');
  const iptables = await script('iptables', 'exit 0');
  assert.throws(() => applyCapture({}, { restore, iptables }), (e: Error) => {
    assert.ok(e instanceof CaptureError);
    assert.match(e.message, /iptables-restore was refused \(.*Permission denied \(you must be root\)\): capture needs root or CAP_NET_ADMIN/);
    return true;
  });
});

test('any other failure carries the tool and its message', async () => {
  const restore = await script('iptables-nft-restore', 'echo "line 3: RULE_APPEND failed (No such file or directory)" >&2; exit 1');
  const iptables = await script('iptables-nft', 'exit 0');
  assert.throws(() => applyCapture({}, { restore, iptables }), /iptables-nft-restore failed: line 3: RULE_APPEND failed/);
});

test('a tool that cannot be started is named', () => {
  assert.throws(() => applyCapture({}, { restore: path.join(dir, 'missing-restore'), iptables: '/bin/true' }), /cannot run .*missing-restore: .*ENOENT/);
});

test('success: the rules go to restore --noflush on stdin; remove() runs the removal commands once', async () => {
  const log = path.join(dir, 'calls.log');
  const restore = await script('ok-restore', `echo "restore $*" >> ${log}; cat >> ${log}`);
  const iptables = await script('ok-iptables', `echo "iptables $*" >> ${log}`);
  const handle = applyCapture({ captureInbound: false }, { restore, iptables });
  handle.remove();
  handle.remove();
  const calls = (await readFile(log, 'utf8')).split('\n').filter((l) => l.startsWith('iptables') || l.startsWith('restore'));
  // Leftovers of an earlier run are removed first (10 commands), then restore, then removal once more (10).
  assert.equal(calls.filter((l) => l.startsWith('iptables -w -t nat')).length, 28);
  assert.equal(calls[14], 'restore --noflush');
  assert.match(await readFile(log, 'utf8'), /^\*nat\n:MESHLET_OUTPUT - \[0:0\]\n/m);
});
