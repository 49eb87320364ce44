// The app of a server pod in the sidecar e2e tests (run in the pod's namespace, beside its sidecar):
//   node --import tsx pod-server.ts NAME POD_IP HTTP_PORT [TCP_PORT GRPC_PORT]
// - HTTP on 0.0.0.0:HTTP_PORT answers every request with JSON {name, remoteAddress, xForwardedFor}: who served
//   it, the TCP peer it saw and the x-forwarded-for header it got;
// - TCP on 0.0.0.0:TCP_PORT echoes every byte back;
// - the gRPC greeter of examples/proxyless on POD_IP:GRPC_PORT (served_by names that address).
// Prints `ready` when everything listens.
import http from 'node:http';
import net from 'node:net';
import { startGreeterServer } from '../../../examples/proxyless/greeter.js';

export interface ServerReport {
  readonly name: string;
  readonly remoteAddress: string | null;
  readonly xForwardedFor: string | null;
}

const [name = 'server', podIp = '0.0.0.0', httpPort = '8080', tcpPort, grpcPort] = process.argv.slice(2);

function listen(server: net.Server, port: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '0.0.0.0', resolve);
  });
}

const web = http.createServer((req, res) => {
  const xff = req.headers['x-forwarded-for']; // a string: Node joins repeated x-forwarded-for fields
  const report: ServerReport = { name, remoteAddress: req.socket.remoteAddress ?? null, xForwardedFor: typeof xff === 'string' ? xff : null };
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(report));
});
await listen(web, httpPort);
if (tcpPort !== undefined) await listen(net.createServer((socket) => socket.on('error', () => {}).pipe(socket)), tcpPort);
if (grpcPort !== undefined) await startGreeterServer(podIp, Number(grpcPort));
console.log('ready');
