// The tiny app of the cluster e2e tests: answers every HTTP request with who served it, whom it saw and what it was
// asked (host, path, headers), so the tests can count replicas, check that no NAT happened inside the cluster and
// see what an ingress gateway forwarded.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? '8080');
createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pod: process.env.POD_NAME, ip: process.env.POD_IP, node: process.env.NODE_NAME, client: req.socket.remoteAddress, host: req.headers.host, path: req.url, headers: req.headers }));
}).listen(port, '0.0.0.0', () => process.stdout.write(`listening on ${port}\n`));
