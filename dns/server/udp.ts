// The UDP side: one socket, one 'message' listener, no closure or promise per query. A response the handler
// returns is sent at once; forwarded queries are answered later through the same socket (the sink).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '../../common/log.js';
import type { DnsHandler, ReplySink } from './handler.js';

export interface UdpListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/** Large enough for bursts of queries while the event loop is busy (the kernel caps it at rmem_max). */
const RECEIVE_BUFFER = 4 * 1024 * 1024;

export async function listenUdp(handler: DnsHandler, host: string, port: number, log: Logger): Promise<UdpListener> {
  const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', lookup: literalLookup });
  const sink: ReplySink = {
    tcp: false,
    reply(response, address, toPort) {
      send(socket, response, address, toPort, log);
    },
  };
  socket.on('message', (msg, rinfo) => {
    let response: Buffer | undefined;
    try {
      response = handler.handle(msg, sink, rinfo.address, rinfo.port);
    } catch (err) {
      // The handler is written not to throw; if it ever does, one query is lost, not the server.
      log.error({ err }, 'DNS query handling failed');
      return;
    }
    if (response !== undefined) send(socket, response, rinfo.address, rinfo.port, log);
  });
  socket.on('error', (err) => log.warn({ err }, 'DNS UDP socket error'));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(RECEIVE_BUFFER);
  } catch {
    // Not allowed here: the default buffer will do.
  }
  const bound = socket.address();
  return {
    address: { host: bound.address, port: bound.port },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * Replies go to the address a datagram came from, always an IP literal: this lookup hands it back at once, where
 * the default (dns.lookup) defers every send to the next tick.
 */
export function literalLookup(address: string, family: unknown, callback: (err: null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

/** Port 0 cannot be answered (dgram throws); send errors are reported on the socket's 'error' event. */
function send(socket: dgram.Socket, response: Buffer, address: string, port: number, log: Logger): void {
  if (port === 0) return;
  try {
    socket.send(response, port, address);
  } catch (err) {
    log.debug({ err, address, port }, 'cannot send a DNS response');
  }
}
