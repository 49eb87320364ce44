// Protocol selection per Service port, as Istio's protocol selection: appProtocol, then the port name's prefix,
// then TCP; UDP/SCTP from the Kubernetes protocol field only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Protocol } from '../../../control-plane/model/types.js';
import { isHttp, isHttp2, portProtocol, type PortProtocol } from '../../../control-plane/translate/protocol.js';

// [port name, appProtocol, Kubernetes protocol, expected]
const TABLE: readonly (readonly [string, string | undefined, Protocol, PortProtocol])[] = [
  // appProtocol decides first
  ['', 'http', 'TCP', 'HTTP'],
  ['', 'HTTP', 'TCP', 'HTTP'],
  ['', 'http2', 'TCP', 'HTTP2'],
  ['', 'grpc', 'TCP', 'GRPC'],
  ['', 'grpc-web', 'TCP', 'GRPC-Web'],
  ['', 'kubernetes.io/h2c', 'TCP', 'HTTP2'],
  ['', 'kubernetes.io/ws', 'TCP', 'HTTP'],
  ['', 'kubernetes.io/wss', 'TCP', 'HTTPS'],
  ['', 'tcp', 'TCP', 'TCP'],
  ['', 'tls', 'TCP', 'TLS'],
  ['', 'https', 'TCP', 'HTTPS'],
  ['', 'mysql', 'TCP', 'TCP'],
  ['http', 'tcp', 'TCP', 'TCP'], // appProtocol beats the name
  ['grpc', 'example.com/custom', 'TCP', 'GRPC'], // unknown appProtocol falls back to the name
  // port-name prefixes
  ['http', undefined, 'TCP', 'HTTP'],
  ['http-web', undefined, 'TCP', 'HTTP'],
  ['HTTP-Web', undefined, 'TCP', 'HTTP'],
  ['http2', undefined, 'TCP', 'HTTP2'],
  ['http2-api', undefined, 'TCP', 'HTTP2'],
  ['grpc', undefined, 'TCP', 'GRPC'],
  ['grpc-greeter', undefined, 'TCP', 'GRPC'],
  ['grpc-web', undefined, 'TCP', 'GRPC-Web'],
  ['grpc-web-ui', undefined, 'TCP', 'GRPC-Web'],
  ['tcp-db', undefined, 'TCP', 'TCP'],
  ['https-admin', undefined, 'TCP', 'HTTPS'],
  ['tls', undefined, 'TCP', 'TLS'],
  ['redis', undefined, 'TCP', 'TCP'],
  // not a recognised prefix → TCP
  ['httpx', undefined, 'TCP', 'TCP'],
  ['web', undefined, 'TCP', 'TCP'],
  ['web-http', undefined, 'TCP', 'TCP'],
  ['', undefined, 'TCP', 'TCP'],
  ['udp-dns', undefined, 'TCP', 'TCP'], // the name never makes a TCP port UDP
  // the transport field wins over everything
  ['dns', undefined, 'UDP', 'UDP'],
  ['http', 'http', 'UDP', 'UDP'],
  ['sctp', undefined, 'SCTP', 'SCTP'],
];

void test('portProtocol: appProtocol, then port-name prefix, then TCP', () => {
  for (const [name, appProtocol, protocol, expected] of TABLE) {
    const got = portProtocol({ name, appProtocol, protocol });
    assert.equal(got, expected, `name=${JSON.stringify(name)} appProtocol=${appProtocol} protocol=${protocol}`);
  }
});

void test('isHttp / isHttp2: which protocols get an HTTP connection manager and HTTP/2 upstreams', () => {
  const rows: readonly (readonly [PortProtocol, boolean, boolean])[] = [
    ['HTTP', true, false],
    ['HTTP2', true, true],
    ['GRPC', true, true],
    ['GRPC-Web', true, true],
    ['HTTPS', false, false],
    ['TLS', false, false],
    ['TCP', false, false],
  ];
  for (const [p, http, h2] of rows) {
    assert.equal(isHttp(p), http, `isHttp(${p})`);
    assert.equal(isHttp2(p), h2, `isHttp2(${p})`);
  }
});
