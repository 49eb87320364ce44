// The tiny app of the cluster e2e test: answers every HTTP request with who served it and whom it saw, so the test
// can count replicas and check that no NAT happened inside the cluster.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? '8080');
createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pod: process.env.POD_NAME, ip: process.env.POD_IP, node: process.env.NODE_NAME, client: req.socket.remoteAddress, path: req.url }));
}).listen(port, '0.0.0.0', () => process.stdout.write(`listening on ${port}\n`));
