// The SO_ORIGINAL_DST addon built by `npm ci` (native/ workspace). A connection that iptables did not redirect
// has no original destination: the addon says null rather than inventing one. The redirected case needs root and a
// network namespace with REDIRECT rules; it is tested with the sidecar's capture.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import net from 'node:net';
import { test } from 'node:test';
import type { getOriginalDst as GetOriginalDst } from '@meshlet/native';

const require = createRequire(import.meta.url);
const { getOriginalDst } = require('@meshlet/native') as { getOriginalDst: typeof GetOriginalDst };

function acceptedFd(): Promise<{ fd: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) return reject(new Error('no fd on the accepted socket'));
      resolve({ fd, close: () => { socket.destroy(); client.destroy(); server.close(); } });
    });
    let client: net.Socket;
    server.listen(0, '127.0.0.1', () => {
      client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    });
  });
}

test('a connection that was not redirected has no original destination (null)', async () => {
  const { fd, close } = await acceptedFd();
  try {
    assert.equal(getOriginalDst(fd), null);
  } finally {
    close();
  }
});

test('a bad file descriptor is a clear error, not a crash', () => {
  assert.throws(() => getOriginalDst(-1), /fd must be a non-negative integer/);
  assert.throws(() => getOriginalDst(987654), /getsockname: Bad file descriptor/);
});
