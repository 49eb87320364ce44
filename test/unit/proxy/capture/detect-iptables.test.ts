// Which iptables flavour the sidecar uses: the system default first, then nft, then legacy; a clear error when
// there is none. The file system is faked; nothing runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureError, detectIptables } from '../../../../proxy/capture/apply.js';

const fs = (...files: string[]) => (file: string): boolean => files.includes(file);

test('the default iptables-restore wins when present', () => {
  const found = detectIptables('/usr/local/bin:/usr/sbin', fs('/usr/sbin/iptables-restore', '/usr/sbin/iptables', '/usr/sbin/iptables-nft-restore', '/usr/sbin/iptables-nft'));
  assert.deepEqual(found, { restore: '/usr/sbin/iptables-restore', iptables: '/usr/sbin/iptables' });
});

test('only the nft flavour installed: its restore and its iptables are used together', () => {
  const found = detectIptables('/bin', fs('/sbin/iptables-nft-restore', '/sbin/iptables-nft', '/sbin/iptables-legacy'));
  assert.deepEqual(found, { restore: '/sbin/iptables-nft-restore', iptables: '/sbin/iptables-nft' });
});

test('a restore tool without its iptables command is not half-used', () => {
  const found = detectIptables('/x', fs('/x/iptables-restore', '/x/iptables-legacy-restore', '/x/iptables-legacy'));
  assert.deepEqual(found, { restore: '/x/iptables-legacy-restore', iptables: '/x/iptables-legacy' });
});

test('no iptables at all names the tools, where it looked and the way out', () => {
  assert.throws(() => detectIptables('/opt/bin', fs()), (e: Error) => {
    assert.ok(e instanceof CaptureError);
    assert.match(e.message, /iptables-restore, iptables-nft-restore, iptables-legacy-restore/);
    assert.match(e.message, /\/opt\/bin:\/usr\/sbin:\/sbin/);
    assert.match(e.message, /--capture none/);
    return true;
  });
});
