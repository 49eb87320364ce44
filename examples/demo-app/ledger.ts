// ledger: a plain TCP line service on PORT. Each line received is answered with one line
// `ok <POD_NAME> <n> <the line>` (n counts lines on this connection). No HTTP, no headers, so no trace context:
// the caller's span for the call is the only trace of it.
//   PORT=7000 POD_NAME=ledger-0 node --import tsx examples/demo-app/ledger.ts
import net from 'node:net';
import { EnvReader, runIfMain, type Env, type RunningApp } from './config.js';

const MAX_LINE = 4096;

export async function startLedger(env: Env): Promise<RunningApp> {
  const reader = new EnvReader(env);
  const config = reader.common(7000);
  reader.done();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffered = '';
    let count = 0;
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        count++;
        socket.write(`ok ${config.podName} ${count} ${line}\n`);
        nl = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_LINE) socket.end('error line too long\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    flush: () => Promise.resolve(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

runIfMain(import.meta.url, 'ledger', startLedger);
