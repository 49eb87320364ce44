// A free TCP port on 127.0.0.1, found by binding port 0 and closing. Another process could take it in between;
// on a test machine that is rare enough, and the test then fails loudly with EADDRINUSE.
import net from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
