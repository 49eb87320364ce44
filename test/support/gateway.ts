// A `meshlet gateway` for component tests: the flags the command would get (`--xds <cp> --node-name … --http-listen
// 127.0.0.1:<p> --https-listen 127.0.0.1:<q>`, everything else at its default, access log and logs off), on two
// free loopback ports.
import type { GatewayFlags } from '../../cli/gateway.js';
import { freePort } from './ports.js';

export interface TestGatewayFlags {
  readonly flags: GatewayFlags;
  readonly httpPort: number;
  readonly httpsPort: number;
}

export async function testGatewayFlags(xds: string, nodeName: string): Promise<TestGatewayFlags> {
  const httpPort = await freePort();
  let httpsPort = await freePort();
  while (httpsPort === httpPort) httpsPort = await freePort();
  const flags: GatewayFlags = {
    xds,
    xdsMode: 'delta',
    nodeName,
    namespace: 'meshlet-system',
    httpListen: `127.0.0.1:${httpPort}`,
    httpsListen: `127.0.0.1:${httpsPort}`,
    adminListen: '127.0.0.1:0',
    healthListen: '127.0.0.1:0',
    drainSeconds: '1',
    maxRequestHeadersKb: '60',
    maxHeaders: '100',
    requestHeadersTimeoutMs: '10000',
    requestTimeoutMs: '60000',
    idleTimeoutMs: '60000',
    maxConnections: '10000',
    accessLog: 'off',
    logLevel: 'silent',
  };
  return { flags, httpPort, httpsPort };
}
