// Runs inside the pod namespace of capture.test.ts: installs the capture rules with applyCapture, listens on the
// outbound (15001) and inbound (15006) capture ports and answers each connection with what SO_ORIGINAL_DST says,
// then prints "ready". When stdin closes it exits, and the exit hook of applyCapture removes the rules.
import { createRequire } from 'node:module';
import net from 'node:net';
import type { getOriginalDst as GetOriginalDst } from '@meshlet/native';
import { applyCapture } from '../../../proxy/capture/apply.js';

const require = createRequire(import.meta.url);
const { getOriginalDst } = require('@meshlet/native') as { getOriginalDst: typeof GetOriginalDst };

function answer(label: string) {
  return (socket: net.Socket): void => {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    const dst = getOriginalDst(fd);
    socket.end(`${label} ${dst ? `${dst.address}:${dst.port}` : 'none'}\n`);
  };
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
}

applyCapture({ proxyUid: 1337, proxyGid: 1337 });
await listen(net.createServer(answer('outbound')), 15001, '0.0.0.0');
await listen(net.createServer(answer('inbound')), 15006, '0.0.0.0');
await listen(net.createServer((s) => s.end('local\n')), 18080, '127.0.0.1');
await listen(net.createServer((s) => s.end('health\n')), 15021, '0.0.0.0');
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
