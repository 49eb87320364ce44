// The app of the client pod in the sidecar e2e tests: it knows only ClusterIPs, and its traffic is captured by
// the pod's sidecar like any app's. Driven over stdin, one JSON command a line; answers one JSON line each:
//   {"id":1,"op":"http","url":"http://10.96.10.1/"}               → {"id":1,"ok":true,"status":200,"body":"..."}
//   {"id":2,"op":"tcp","host":"10.96.10.2","port":9000,"data":"x"}  → {"id":2,"ok":true,"status":0,"body":"x"}
//   {"id":3,"op":"grpc","target":"10.96.10.3:50051","name":"mesh"} → {"id":3,"ok":true,"status":0,"body":"<HelloReply JSON>"}
// A failure is {"id":n,"ok":false,"error":"..."}. Every operation gives up after 3 s. Prints `ready` first, exits
// when stdin ends.
import net from 'node:net';
import { createInterface } from 'node:readline';
import { createGreeterClient, sayHello, type GreeterClient } from '../../../examples/proxyless/greeter.js';

const TIMEOUT_MS = 3000;

export type ClientCommand =
  | { readonly op: 'http'; readonly url: string }
  | { readonly op: 'tcp'; readonly host: string; readonly port: number; readonly data: string }
  | { readonly op: 'grpc'; readonly target: string; readonly name: string };

export type ClientReply =
  | { readonly id: number; readonly ok: true; readonly status: number; readonly body: string }
  | { readonly id: number; readonly ok: false; readonly error: string };

const grpcClients = new Map<string, GreeterClient>();

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, body: await res.text() };
}

/** Sends `data` and resolves with what came back once as many bytes arrived (or the peer closed). */
function tcpEcho(host: string, port: number, data: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (err?: Error): void => {
      socket.destroy();
      if (err) reject(err);
      else resolve({ status: 0, body: Buffer.concat(chunks).toString() });
    };
    socket.setTimeout(TIMEOUT_MS, () => done(new Error(`timeout after ${received} bytes`)));
    socket.on('error', done);
    socket.on('end', () => done());
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (received >= Buffer.byteLength(data)) done();
    });
    socket.write(data);
  });
}

async function grpcCall(target: string, name: string): Promise<{ status: number; body: string }> {
  let client = grpcClients.get(target);
  if (client === undefined) grpcClients.set(target, (client = createGreeterClient(target)));
  return { status: 0, body: JSON.stringify(await sayHello(client, name, TIMEOUT_MS)) };
}

async function run(c: ClientCommand): Promise<{ status: number; body: string }> {
  switch (c.op) {
    case 'http':
      return httpGet(c.url);
    case 'tcp':
      return tcpEcho(c.host, c.port, c.data);
    case 'grpc':
      return grpcCall(c.target, c.name);
    default:
      throw new Error(`unknown command ${JSON.stringify(c)}`);
  }
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
  return `${e.name}: ${e.message}${cause}`;
}

function reply(r: ClientReply): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const parsed = JSON.parse(line) as unknown;
  const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'number' ? parsed.id : -1;
  run(parsed as ClientCommand).then(
    ({ status, body }) => reply({ id, ok: true, status, body }),
    (e: unknown) => reply({ id, ok: false, error: describeError(e) }),
  );
});
lines.on('close', () => {
  for (const c of grpcClients.values()) c.close();
});
console.log('ready');
