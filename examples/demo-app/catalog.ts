// catalog: HTTP on PORT. `GET /items` checks the stock with inventory over gRPC (INVENTORY_ADDR, host:port) and
// records the lookup with the ledger over plain TCP (LEDGER_ADDR, host:port), then answers where each hop went:
//   {pod: POD_NAME, ip: POD_IP, node: NODE_NAME, version: VERSION, caller,
//    inventory: {via, reply: <Check reply>}, ledger: {via, line: "<the ledger's line>"}}
// `caller` is the first `x-forwarded-for` entry (the sidecar adds it), else the socket's remote address. The gRPC
// `via` is the call's peer (`getPeer()` without `ipv4:`/`ipv6:`; INVENTORY_ADDR when it names no ip:port), the
// TCP `via` the ledger socket's remote `ip:port`: under REDIRECT both are the original destinations (ClusterIPs).
// A failed call gives 502 {pod, ip, node, version, caller, error}. `GET /healthz` answers 200.
// Traced: a SERVER span per request (parent from `traceparent`), a CLIENT span for the gRPC call (injected into its
// metadata) and a CLIENT span for the TCP call (no headers there: a child span only).
//   PORT=8080 VERSION=v1 INVENTORY_ADDR=inventory:50051 LEDGER_ADDR=ledger:7000 POD_NAME=catalog-v1-0 \
//     node --import tsx examples/demo-app/catalog.ts
import type http from 'node:http';
import net from 'node:net';
import { EnvReader, runIfMain, type Env, type RunningApp } from './config.js';
import { callerOf, sendJson, startHttpApp } from './http.js';
import { check, CHECK_METHOD, createInventoryClient } from './inventory-proto.js';
import { hostPort } from './peer.js';
import { AppTelemetry } from './telemetry.js';

const ITEM = 'book';

export interface TcpLineReply {
  /** The first line answered. */
  readonly line: string;
  /** `ip:port` (IPv6 bracketed) the socket was connected to. */
  readonly via: string;
}

/** Sends one line over a new TCP connection and resolves with the first line answered. */
export async function tcpLine(host: string, port: number, line: string, timeoutMs = 3000): Promise<string> {
  return (await tcpLineVia(host, port, line, timeoutMs)).line;
}

/** Like tcpLine, and says which `ip:port` the connection went to. */
export function tcpLineVia(host: string, port: number, line: string, timeoutMs = 3000): Promise<TcpLineReply> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let via = '';
    const socket = net.connect({ host, port }, () => {
      via = hostPort(socket.remoteAddress, socket.remotePort);
      socket.write(`${line}\n`);
    });
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${host}:${port}: no answer in ${timeoutMs} ms`)));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      socket.end();
      resolve({ line: buffered.slice(0, nl), via });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${host}:${port}: closed without an answer`)));
  });
}

export async function startCatalog(env: Env): Promise<RunningApp> {
  const reader = new EnvReader(env);
  const config = reader.common(8080);
  const version = reader.string('VERSION', 'v1');
  const inventoryAddr = reader.address('INVENTORY_ADDR');
  const ledgerAddr = reader.address('LEDGER_ADDR');
  reader.done();
  const telemetry = AppTelemetry.fromEnv(env, 'catalog');
  const inventoryHost = inventoryAddr.host.includes(':') ? `[${inventoryAddr.host}]` : inventoryAddr.host;
  const inventoryTarget = `${inventoryHost}:${inventoryAddr.port}`;
  const inventory = createInventoryClient(inventoryTarget);

  async function items(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const span = telemetry.serverSpan('GET /items', req.headers, {
      'http.request.method': 'GET',
      'url.path': '/items',
      'network.peer.address': req.socket.remoteAddress ?? '',
      'service.version': version,
    });
    const who = { pod: config.podName, ip: config.podIp, node: config.nodeName, version, caller: callerOf(req) };
    const rpc = telemetry.clientSpan(CHECK_METHOD, span, { 'rpc.system': 'grpc', 'server.address': inventoryAddr.host });
    const tcp = telemetry.clientSpan('ledger', span, {
      'network.transport': 'tcp',
      'server.address': ledgerAddr.host,
      'server.port': ledgerAddr.port,
    });
    try {
      const [inv, ledger] = await Promise.all([
        telemetry.traced(rpc, check(inventory, { item: ITEM }, telemetry.headers(rpc), inventoryTarget)),
        telemetry.traced(tcp, tcpLineVia(ledgerAddr.host, ledgerAddr.port, `lookup ${ITEM} by ${config.podName}`)),
      ]);
      span.setAttribute('http.response.status_code', 200);
      sendJson(res, 200, { ...who, inventory: { via: inv.via, reply: inv.reply }, ledger: { via: ledger.via, line: ledger.line } });
      telemetry.end(span);
    } catch (err) {
      span.setAttribute('http.response.status_code', 502);
      sendJson(res, 502, { ...who, error: err instanceof Error ? err.message : String(err) });
      telemetry.end(span, err);
    }
  }

  return startHttpApp(config, telemetry, '/items', items, () => inventory.close());
}

runIfMain(import.meta.url, 'catalog', startCatalog);
