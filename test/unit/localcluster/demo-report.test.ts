// What `meshlet demo` prints from its burst: the hops of one frontend answer, the node an address belongs to, the
// distribution over nodes and pods with the NAT check and latency, the layers of one request, the summary text and
// the client's root span. The answers below have the exact shape examples/demo-app's frontend, catalog, inventory
// and ledger give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clientSpan, hopsOf, nodeOf, renderLayers, renderSummary, summarize, type BurstResult, type DemoTopology,
} from '../../../localcluster/demo/report.js';

const LB_URL = 'http://172.20.0.1:80/';
const NODEPORT_URL = 'http://172.19.0.2:30080/';
const CATALOG_VIA = '10.96.0.10:8080';
const INVENTORY_VIA = '10.96.0.11:50051';
const LEDGER_VIA = '10.96.0.12:7000';

const topology: DemoTopology = {
  external: '172.18.0.2',
  nodes: [
    { name: 'node1', ip: '172.19.0.2', gateway: '10.244.1.1' },
    { name: 'node2', ip: '172.19.0.3', gateway: '10.244.2.1' },
  ],
  pods: [
    { name: 'frontend-a', ip: '10.244.1.3', node: 'node1', app: 'frontend' },
    { name: 'catalog-v1-a', ip: '10.244.1.2', node: 'node1', app: 'catalog' },
    { name: 'catalog-v2-b', ip: '10.244.2.2', node: 'node2', app: 'catalog' },
    { name: 'inventory-c', ip: '10.244.2.3', node: 'node2', app: 'inventory' },
    { name: 'ledger-d', ip: '10.244.1.4', node: 'node1', app: 'ledger' },
  ],
  lbUrl: LB_URL,
  lbService: 'default/frontend',
};

const ipOf = (pod: string): string => topology.pods.find((p) => p.name === pod)?.ip ?? '?';
const nodeNameOf = (pod: string): string => topology.pods.find((p) => p.name === pod)?.node ?? '?';

interface AnswerOptions {
  /** Who the frontend saw: the node proxy that took the LoadBalancer connection. */
  entry: string;
  catalog?: string;
  catalogCaller?: string;
  inventoryCaller?: string;
}

/** A frontend answer as examples/demo-app gives it, every server seeing its client's pod IP unless told otherwise. */
function answer(o: AnswerOptions): unknown {
  const catalog = o.catalog ?? 'catalog-v1-a';
  return {
    pod: 'frontend-a', ip: ipOf('frontend-a'), node: 'node1', caller: o.entry,
    catalog: {
      via: CATALOG_VIA,
      reply: {
        pod: catalog, ip: ipOf(catalog), node: nodeNameOf(catalog), version: catalog.includes('v2') ? 'v2' : 'v1',
        caller: o.catalogCaller ?? ipOf('frontend-a'),
        inventory: {
          via: INVENTORY_VIA,
          reply: {
            item: 'book', in_stock: 42, served_by: 'inventory-c', ip: ipOf('inventory-c'), node: 'node2',
            caller: o.inventoryCaller ?? ipOf(catalog),
          },
        },
        ledger: { via: LEDGER_VIA, line: `ok ledger-d 1 lookup book by ${catalog}` },
      },
    },
  };
}

let seq = 0;
function result(r: Partial<BurstResult> & Pick<BurstResult, 'status' | 'ms'>): BurstResult {
  seq++;
  const id = seq.toString(16).padStart(2, '0');
  return {
    url: LB_URL, traceId: `4bf92f3577b34da6a3ce929d0e0e47${id}`, spanId: `00f067aa0ba902${id}`,
    startUnixNano: '1700000000000000000', endUnixNano: '1700000000010000000', ...r,
  };
}

// The burst: three answers entering through node1's cni0 address, node2's IP and node1's IP; a 503; a refused
// connection; and a NodePort request (another URL) that must not count in the LoadBalancer summary.
const viaNode1Gateway = result({ status: 200, ms: 10, body: answer({ entry: '10.244.1.1' }) });
const viaNode2 = result({ status: 200, ms: 20, body: answer({ entry: '172.19.0.3', catalog: 'catalog-v2-b' }) });
const viaNode1 = result({ status: 200, ms: 30, body: answer({ entry: '172.19.0.2' }) });
const unavailable = result({ status: 503, ms: 400, body: { error: 'no healthy upstream' } });
const refused = result({ status: 0, ms: 500, error: 'connect ECONNREFUSED 172.20.0.1:80' });
const nodePort = result({ url: NODEPORT_URL, status: 200, ms: 900, body: answer({ entry: '172.19.0.3', catalog: 'catalog-v2-b' }) });
const burst = [viaNode1Gateway, unavailable, viaNode2, refused, nodePort, viaNode1];

test('hopsOf: a full answer gives frontend, catalog, inventory and ledger with pods, vias and callers', () => {
  assert.deepEqual(hopsOf(answer({ entry: '10.244.1.1' }), topology), [
    { service: 'frontend', pod: 'frontend-a', via: LB_URL, caller: '10.244.1.1' },
    { service: 'catalog', pod: 'catalog-v1-a', via: CATALOG_VIA, caller: '10.244.1.3', version: 'v1' },
    { service: 'inventory', pod: 'inventory-c', via: INVENTORY_VIA, caller: '10.244.1.2' },
    { service: 'ledger', pod: 'ledger-d', via: LEDGER_VIA, caller: '' },
  ]);
});

test('hopsOf: what is not a frontend answer gives no hops; a partial one as many as it says', () => {
  const rows: ReadonlyArray<[string, unknown, number]> = [
    ['a string', 'upstream connect error', 0],
    ['null', null, 0],
    ['undefined', undefined, 0],
    ['an array', [answer({ entry: '10.244.1.1' })], 0],
    ['the frontend\'s {error} answer', { pod: 'frontend-a', ip: '10.244.1.3', node: 'node1', caller: '10.244.1.1', error: 'ECONNRESET' }, 0],
    ['a catalog that answered text', { pod: 'frontend-a', caller: '10.244.1.1', catalog: { via: CATALOG_VIA, reply: 'oops' } }, 1],
    ['a catalog {error} answer', { pod: 'frontend-a', caller: '10.244.1.1', catalog: { via: CATALOG_VIA, reply: { pod: 'catalog-v1-a', version: 'v1', caller: '10.244.1.3', error: 'timeout' } } }, 2],
  ];
  for (const [what, body, hops] of rows) assert.equal(hopsOf(body, topology).length, hops, what);
});

test('nodeOf: a node IP and its cni0 gateway both name the node; anything else is unknown', () => {
  const rows: ReadonlyArray<[string, string | undefined]> = [
    ['172.19.0.2', 'node1'],
    ['10.244.1.1', 'node1'],
    ['172.19.0.3', 'node2'],
    ['10.244.2.1', 'node2'],
    ['10.244.1.3', undefined],
    ['172.18.0.2', undefined],
    ['', undefined],
  ];
  for (const [address, node] of rows) assert.equal(nodeOf(topology, address), node, address);
});

test('summarize: counts, failures by reason, entry nodes, every pod, versions, vias, no NAT and percentiles', () => {
  assert.deepEqual(summarize(burst, topology), {
    total: 5,
    ok: 3,
    failures: { 'HTTP 503': 1, 'connect ECONNREFUSED 172.20.0.1:80': 1 },
    p50Ms: 20,
    p99Ms: 30,
    byNode: { node1: 2, node2: 1 },
    services: [
      { service: 'frontend', pods: [{ pod: 'frontend-a', count: 3 }], vias: [] },
      {
        service: 'catalog',
        pods: [{ pod: 'catalog-v1-a', count: 2, version: 'v1' }, { pod: 'catalog-v2-b', count: 1, version: 'v2' }],
        vias: [CATALOG_VIA],
      },
      { service: 'inventory', pods: [{ pod: 'inventory-c', count: 3 }], vias: [INVENTORY_VIA] },
      { service: 'ledger', pods: [{ pod: 'ledger-d', count: 3 }], vias: [LEDGER_VIA] },
    ],
    natSeen: [],
  });
});

test('summarize: a pod that got nothing is listed with 0, and so is a node', () => {
  const s = summarize([viaNode1Gateway], topology);
  assert.deepEqual(s.byNode, { node1: 1, node2: 0 });
  assert.deepEqual(s.services.find((x) => x.service === 'catalog')?.pods, [
    { pod: 'catalog-v1-a', count: 1, version: 'v1' },
    { pod: 'catalog-v2-b', count: 0 },
  ]);
  // Nothing answered at all: every service of the topology still listed, every pod with 0.
  const none = summarize([refused], topology);
  assert.deepEqual(none.services.map((x) => [x.service, x.pods.map((p) => `${p.pod} ${p.count}`)]), [
    ['frontend', ['frontend-a 0']],
    ['catalog', ['catalog-v1-a 0', 'catalog-v2-b 0']],
    ['inventory', ['inventory-c 0']],
    ['ledger', ['ledger-d 0']],
  ]);
  assert.deepEqual([none.total, none.ok, none.p50Ms, none.p99Ms], [1, 0, 0, 0]);
});

test('summarize: an entry address of no node is counted as unknown', () => {
  const s = summarize([result({ status: 200, ms: 1, body: answer({ entry: '192.0.2.7' }) })], topology);
  assert.deepEqual(s.byNode, { node1: 0, node2: 0, 'unknown (192.0.2.7)': 1 });
});

test('summarize: a server that saw another address than its client\'s pod IP shows as NAT', () => {
  const rows: ReadonlyArray<[string, AnswerOptions, readonly string[]]> = [
    ['callers are the pod IPs', { entry: '172.19.0.2' }, []],
    ['the catalog saw a node IP', { entry: '172.19.0.2', catalogCaller: '172.19.0.2' }, ['catalog saw 172.19.0.2 for frontend-a']],
    ['the inventory saw a gateway', { entry: '172.19.0.2', catalog: 'catalog-v2-b', inventoryCaller: '10.244.2.1' }, ['inventory saw 10.244.2.1 for catalog-v2-b']],
    ['the inventory saw the other catalog\'s IP', { entry: '172.19.0.2', inventoryCaller: '10.244.2.2' }, ['inventory saw 10.244.2.2 for catalog-v1-a']],
  ];
  for (const [what, o, nat] of rows) {
    assert.deepEqual(summarize([result({ status: 200, ms: 1, body: answer(o) })], topology).natSeen, nat, what);
  }
});

test('summarize: the percentiles are nearest-rank over the answered requests only', () => {
  const ms = [50, 10, 40, 30, 20, 60, 70, 80, 90, 100];
  const s = summarize([...ms.map((m) => result({ status: 200, ms: m, body: answer({ entry: '172.19.0.2' }) })), refused], topology);
  assert.deepEqual([s.p50Ms, s.p99Ms], [50, 100]);
});

test('renderLayers: the entry node, the pod, the ClusterIPs and the no-NAT check of one request', () => {
  const text = renderLayers(viaNode1Gateway, topology);
  const lines = text.split('\n');
  assert.equal(lines[0], `GET ${LB_URL} from the external namespace (172.18.0.2) → 200 in 10.0 ms`);
  assert.equal(lines.length, 1 + 7);
  const expected = [
    'Service default/frontend',
    '172.20.0.1:80',
    'node1 172.19.0.2',
    'listener 172.20.0.1_80 → endpoint 10.244.1.3',
    'frontend-a 10.244.1.3 on node1',
    'the app saw the caller 10.244.1.1 (node1)',
    `ClusterIP ${CATALOG_VIA}`,
    'catalog-v1-a 10.244.1.2 on node1',
    'it saw the caller 10.244.1.3 = the frontend pod IP (no NAT)',
    `gRPC via ClusterIP ${INVENTORY_VIA}; saw the caller 10.244.1.2`,
    'inventory-c 10.244.2.3 on node2',
    `TCP via ClusterIP ${LEDGER_VIA}`,
    'ledger-d 10.244.1.4 on node1',
  ];
  for (const part of expected) assert.ok(text.includes(part), `missing ${JSON.stringify(part)} in\n${text}`);
});

test('renderLayers: entering through node2, and a catalog that saw a node IP is not called no NAT', () => {
  const text = renderLayers(result({ status: 200, ms: 2.25, body: answer({ entry: '172.19.0.3', catalogCaller: '172.19.0.3' }) }), topology);
  assert.match(text, /node2 172\.19\.0\.3/);
  assert.match(text, /the app saw the caller 172\.19\.0\.3 \(node2\)/);
  assert.match(text, /it saw the caller 172\.19\.0\.3$/m);
  assert.doesNotMatch(text, /no NAT/);
  assert.doesNotMatch(text, /node1 172\.19\.0\.2/);
});

test('renderLayers: a failed request says what happened and what came back', () => {
  assert.equal(
    renderLayers(refused, topology),
    `GET ${LB_URL} from the external namespace (172.18.0.2) → connect ECONNREFUSED 172.20.0.1:80 in 500.0 ms\n` +
      '  (the answer does not say where it went: null)',
  );
  assert.equal(
    renderLayers(unavailable, topology),
    `GET ${LB_URL} from the external namespace (172.18.0.2) → 503 in 400.0 ms\n` +
      '  (the answer does not say where it went: {"error":"no healthy upstream"})',
  );
});

test('renderSummary: totals, failures, entry nodes, every pod with its count, vias and the NAT line', () => {
  const text = renderSummary(summarize(burst, topology));
  const lines = text.split('\n');
  assert.equal(lines[0], '5 requests through the LoadBalancer: 3 answered 200, p50 20.0 ms, p99 30.0 ms');
  for (const part of [
    'failed: 1 × HTTP 503',
    'failed: 1 × connect ECONNREFUSED 172.20.0.1:80',
    'entered through: node1 2, node2 1',
    'frontend-a 3',
    'catalog-v1-a (v1) 2, catalog-v2-b (v2) 1',
    `[via ${CATALOG_VIA}]`,
    'inventory-c 3',
    'ledger-d 3',
  ]) assert.ok(text.includes(part), `missing ${JSON.stringify(part)} in\n${text}`);
  assert.equal(lines.at(-1), '  every server saw its client\'s pod IP: no NAT inside the cluster');

  const zero = renderSummary(summarize([viaNode1Gateway], topology));
  assert.ok(zero.includes('catalog-v2-b 0'), zero);
  assert.ok(zero.includes('entered through: node1 1, node2 0'), zero);

  const natted = renderSummary(summarize([result({ status: 200, ms: 1, body: answer({ entry: '172.19.0.2', catalogCaller: '172.19.0.2' }) })], topology));
  assert.equal(natted.split('\n').at(-1), '  NAT seen: catalog saw 172.19.0.2 for frontend-a');
  assert.doesNotMatch(natted, /no NAT/);
});

test('clientSpan: the root span of the trace, ids and times copied, ERROR unless 200', () => {
  assert.deepEqual(clientSpan(viaNode1Gateway), {
    traceId: viaNode1Gateway.traceId, spanId: viaNode1Gateway.spanId, parentSpanId: null, name: `GET ${LB_URL}`, kind: 'CLIENT',
    serviceName: 'demo client (external)', startTimeUnixNano: 1700000000000000000n, endTimeUnixNano: 1700000000010000000n,
    status: { code: 'UNSET', message: '' },
  });
  for (const r of [unavailable, refused]) assert.equal(clientSpan(r).status.code, 'ERROR', String(r.status));
  // Times beyond 2^53 survive exactly.
  const precise = clientSpan(result({ status: 200, ms: 1, startUnixNano: '1700000000123456789', endUnixNano: '1700000000123456791' }));
  assert.equal(precise.endTimeUnixNano - precise.startTimeUnixNano, 2n);
});
