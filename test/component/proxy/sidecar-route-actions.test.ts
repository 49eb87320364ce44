// The real sidecar data plane answering requests with the gateway's route features, configured by a real ADS
// server (the test harness's snapshot cache) with a hand-written RouteConfiguration, since the control plane
// does not emit these yet: a redirect, a direct_response 404, a query parameter choosing between two backends,
// and request headers added and removed on the way to the backend. The listener binds a loopback port; the
// backends are HTTP servers on 127.0.0.x.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startSidecar, type Sidecar } from '../../../proxy/sidecar.js';
import { makeResource } from '../../../xds/resource.js';
import { CLUSTER_LOAD_ASSIGNMENT, ROUTE_CONFIGURATION } from '../../../xds/type-urls.js';
import { eventually, startAds, type AdsHarness } from '../../support/ads-harness.js';
import { testProxyOptions } from '../../support/mesh-harness.js';
import { freePort } from '../../support/ports.js';
import { cluster, clusterName, listener, resourceSet } from '../../support/xds-fixtures.js';

interface Seen {
  readonly backend: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

const IPS = { stable: '127.0.0.31', canary: '127.0.0.32' } as const;

function assignment(svc: string, ip: string, port: number): ReturnType<typeof makeResource> {
  const name = clusterName(svc);
  return makeResource(CLUSTER_LOAD_ASSIGNMENT, name, {
    cluster_name: name,
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: port } } } }] }],
  });
}

const add = (key: string, value: string, append_action = 0): Record<string, unknown> => ({ header: { key, value }, append_action });

/** The gateway's routes, in order: first match wins. */
function routes(): ReturnType<typeof makeResource> {
  return makeResource(ROUTE_CONFIGURATION, '80', {
    name: '80',
    virtual_hosts: [
      {
        name: 'shop',
        domains: ['shop.example', 'shop.example:*', '*'],
        request_headers_to_add: [add('x-vhost', 'shop')],
        routes: [
          { name: 'to-https', match: { prefix: '/login' }, redirect: { https_redirect: true, path_redirect: '/signin', response_code: 1 /* FOUND */ } },
          { name: 'gone', match: { path: '/missing' }, direct_response: { status: 404, body: { inline_string: 'nothing here' } } },
          {
            name: 'canary',
            match: { prefix: '/api', query_parameters: [{ name: 'version', string_match: { exact: 'v2' } }] },
            route: { cluster: clusterName('canary') },
          },
          {
            name: 'stable',
            match: { prefix: '/' },
            request_headers_to_remove: ['x-secret'],
            request_headers_to_add: [add('x-route', 'stable'), add('x-mode', 'forced', 2 /* OVERWRITE_IF_EXISTS_OR_ADD */), add('x-vhost', 'route')],
            route: { cluster: clusterName('stable') },
          },
        ],
      },
    ],
  });
}

describe('sidecar: redirect, direct_response, query parameter routing and request headers', () => {
  let ads: AdsHarness;
  let sidecar: Sidecar;
  let base: string;
  const servers: http.Server[] = [];
  const seen: Seen[] = [];

  before(async () => {
    const backendPort = await freePort(IPS.stable);
    for (const [name, ip] of Object.entries(IPS)) {
      const server = http.createServer((req, res) => {
        seen.push({ backend: name, url: req.url ?? '', headers: req.headers });
        res.setHeader('x-backend', name);
        res.end(`${name} ${req.url}`);
      });
      await new Promise<void>((resolve) => server.listen(backendPort, ip, resolve));
      servers.push(server);
    }
    ads = await startAds();
    ads.publish(
      resourceSet(
        cluster('stable'),
        cluster('canary'),
        assignment('stable', IPS.stable, backendPort),
        assignment('canary', IPS.canary, backendPort),
        routes(),
        listener('0.0.0.0_80', 80, '80'),
      ),
    );
    const port = await freePort();
    sidecar = await startSidecar({ ...testProxyOptions(ads.address), portMap: new Map([[80, port]]), bindAddress: '127.0.0.1' });
    await sidecar.ready;
    base = `http://127.0.0.1:${port}`;
    // The listener binds once LDS is applied, and routes once RDS is: wait until a forwarded request gets through.
    await eventually(async () => {
      try {
        return (await get('/ready')).status === 200;
      } catch {
        return false;
      }
    }, 5000);
  });

  after(async () => {
    await sidecar?.stop();
    await ads?.close();
    for (const s of servers) s.close();
  });

  async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    const r = await request(`${base}${path}`, { headers: { host: 'shop.example', ...headers } });
    return { status: r.statusCode, body: await r.body.text(), headers: r.headers as http.IncomingHttpHeaders };
  }

  void test('a redirect answers 302 with the Envoy-built location, an empty body, and calls no backend', async () => {
    const before = seen.length;
    const r = await get('/login/form?next=%2Fcart', { host: 'shop.example:80' });
    assert.equal(r.status, 302);
    // https_redirect drops http's explicit :80; path_redirect keeps the request's query string.
    assert.equal(r.headers.location, 'https://shop.example/signin?next=%2Fcart');
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], '0');
    assert.equal(seen.length, before, 'no upstream request');
  });

  void test('a direct_response answers 404 with its body as text/plain and calls no backend', async () => {
    const before = seen.length;
    const r = await get('/missing');
    assert.equal(r.status, 404);
    assert.equal(r.body, 'nothing here');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers.location, undefined);
    assert.equal(r.headers['x-meshlet-response-flags'], undefined, 'not a no-route reply (NR)');
    assert.equal(seen.length, before, 'no upstream request');
    // A path the direct response does not match goes on to the backend.
    assert.equal((await get('/missing/x')).status, 200);
  });

  void test('a query parameter chooses between two backends', async () => {
    const rows: [string, string][] = [
      ['/api/items?version=v2', 'canary'],
      ['/api/items?a=1&version=v2', 'canary'],
      ['/api/items?version=v1', 'stable'],
      ['/api/items?version=v2x', 'stable'],
      ['/api/items?version=V2', 'stable'], // exact, case-sensitive
      ['/api/items', 'stable'],
      ['/other?version=v2', 'stable'], // the canary route also needs the /api prefix
    ];
    for (const [path, backend] of rows) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['x-backend'], backend, path);
      assert.equal(r.body, `${backend} ${path}`, 'the path and query string reach the backend unchanged');
    }
  });

  void test('request headers are removed and added before the backend sees them (route level first, then virtual host)', async () => {
    const before = seen.length;
    const r = await get('/headers', { 'x-secret': 'token', 'x-mode': 'client', 'x-keep': 'yes' });
    assert.equal(r.status, 200);
    const at = seen.slice(before);
    assert.equal(at.length, 1);
    const h = at[0]?.headers ?? {};
    assert.equal(h['x-secret'], undefined, 'request_headers_to_remove');
    assert.equal(h['x-route'], 'stable', 'route-level request_headers_to_add');
    assert.equal(h['x-mode'], 'forced', 'OVERWRITE_IF_EXISTS_OR_ADD replaces the client’s value');
    // Appended twice (route level, then virtual host level): two field lines, which Node joins with ", ".
    assert.equal(h['x-vhost'], 'route, shop');
    assert.equal(h['x-keep'], 'yes', 'other headers untouched');
    // A route without mutations of its own still gets the virtual host's.
    const beforeCanary = seen.length;
    await get('/api?version=v2', { 'x-secret': 'token' });
    const canary = seen.slice(beforeCanary)[0]?.headers ?? {};
    assert.equal(canary['x-vhost'], 'shop');
    assert.equal(canary['x-secret'], 'token', 'only the stable route removes it');
    assert.equal(canary['x-route'], undefined);
  });
});
