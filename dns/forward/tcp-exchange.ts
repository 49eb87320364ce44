// One query over TCP to an upstream, for answers that came back truncated over UDP (RFC 7766 §5): connect,
// send the framed query, read one framed response, close. `done` is called exactly once: with the response,
// or undefined on error, early close or timeout. The returned function abandons the exchange.
import net from 'node:net';
import { frame, TcpFramer } from '../server/tcp-framer.js';
import type { Upstream } from './upstream.js';

export function tcpExchange(upstream: Upstream, query: Buffer, timeoutMs: number, done: (response: Buffer | undefined) => void): () => void {
  let finished = false;
  const socket = net.connect({ host: upstream.host, port: upstream.port });
  const finish = (response: Buffer | undefined): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.destroy();
    done(response);
  };
  const timer = setTimeout(() => finish(undefined), timeoutMs);
  const framer = new TcpFramer((message) => finish(Buffer.from(message)));
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(frame(query)));
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('error', () => finish(undefined));
  socket.on('close', () => finish(undefined));
  return () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.destroy();
  };
}
