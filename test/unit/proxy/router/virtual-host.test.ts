// Virtual host selection: exact, then suffix wildcards, then prefix wildcards (each longest first), then `*`;
// case-insensitive; the authority as sent, then with its port stripped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portStart } from '../../../../proxy/router/domains.js';
import { compileRouteTable } from '../../../../proxy/router/route-table.js';
import type { ProxyVirtualHost } from '../../../../proxy/xds/types.js';
import { request, vhost } from './fixtures.js';

function hostFor(virtualHosts: readonly ProxyVirtualHost[], authority: string): string | undefined {
  return compileRouteTable({ name: 'r', virtualHosts }).match(request('/', {}, authority))?.virtualHost.name;
}

const MESH = [
  vhost('default', ['*']),
  vhost('exact', ['reviews', 'reviews:9080', 'Reviews.Default.svc.cluster.local', '10.96.0.10', '10.96.0.10:9080', '[fd00::1]', '[fd00::1]:80']),
  vhost('suffix-short', ['*.foo.com']),
  vhost('suffix-long', ['*-bar.foo.com']),
  vhost('prefix-short', ['api.*']),
  vhost('prefix-long', ['api.internal.*']),
  vhost('www', ['www.foo.com']),
  vhost('dual-port', ['dual:9080']),
  vhost('dual', ['dual']),
  vhost('ported-only', ['ported:8080']),
];

void test('virtual host: precedence exact > *.suffix > prefix.* > *, longer wildcard first, any case', () => {
  const table: [authority: string, want: string][] = [
    ['reviews', 'exact'],
    ['www.foo.com', 'www'], // exact beats *.foo.com
    ['WWW.Foo.COM', 'www'],
    ['reviews.default.svc.cluster.local', 'exact'], // the configured domain is mixed case
    ['REVIEWS:9080', 'exact'],
    ['a.foo.com', 'suffix-short'],
    ['a.b.foo.com', 'suffix-short'],
    ['a-bar.foo.com', 'suffix-long'], // *-bar.foo.com is longer than *.foo.com
    ['A-BAR.FOO.COM', 'suffix-long'],
    ['-bar.foo.com', 'suffix-short'], // the * of *-bar.foo.com needs a character; *.foo.com has one
    ['.foo.com', 'default'], // nor does *.foo.com match its bare literal
    ['api.foo.com', 'suffix-short'], // suffix wildcards before prefix wildcards
    ['api.example', 'prefix-short'],
    ['api.internal.example', 'prefix-long'], // api.internal.* is longer than api.*
    ['api.', 'default'],
    ['unknown', 'default'],
    ['', 'default'],
  ];
  for (const [authority, want] of table) assert.equal(hostFor(MESH, authority), want, authority);
});

void test('virtual host: the authority as sent first, then with the port stripped, before falling back to *', () => {
  const table: [authority: string, want: string][] = [
    ['reviews:9080', 'exact'],
    ['reviews:1234', 'exact'], // only `reviews` and `reviews:9080` are listed: stripped
    ['10.96.0.10:9080', 'exact'],
    ['10.96.0.10:80', 'exact'],
    ['dual:9080', 'dual-port'], // as sent wins over stripped
    ['dual:1234', 'dual'],
    ['dual', 'dual'],
    ['ported:8080', 'ported-only'],
    ['ported', 'default'],
    ['ported:9090', 'default'],
    ['x.foo.com:443', 'suffix-short'], // wildcards are tried on the stripped authority too
    ['reviews:', 'default'], // no port digits: nothing to strip
    ['reviews:80x', 'default'],
  ];
  for (const [authority, want] of table) assert.equal(hostFor(MESH, authority), want, authority);
});

void test('virtual host: IPv6 authorities are bracketed; a bare address has no port to strip', () => {
  const table: [authority: string, want: string][] = [
    ['[fd00::1]:80', 'exact'],
    ['[FD00::1]:80', 'exact'],
    ['[fd00::1]', 'exact'],
    ['[fd00::1]:81', 'exact'], // stripped to [fd00::1]
    ['[fd00::2]:80', 'default'],
    ['fd00::1', 'default'], // not `fd00:` with port 1
  ];
  for (const [authority, want] of table) assert.equal(hostFor(MESH, authority), want, authority);
  const ports: [host: string, colon: number][] = [
    ['host:80', 4],
    ['host', -1],
    ['[fd00::1]:80', 9],
    ['[fd00::1]', -1],
    ['[fd00::1]x:80', -1], // after brackets, only `]:port`
    ['fd00::1', -1],
    [':80', -1],
    ['host:', -1],
  ];
  for (const [host, colon] of ports) assert.equal(portStart(host), colon, host);
});

void test('virtual host: without *, an unknown authority matches nothing; a domain listed twice keeps the first', () => {
  const hosts = [vhost('first', ['a', '*.x']), vhost('second', ['a', '*.x', 'b'])];
  assert.equal(hostFor(hosts, 'c'), undefined);
  assert.equal(hostFor(hosts, 'a'), 'first');
  assert.equal(hostFor(hosts, 'y.x'), 'first');
  assert.equal(hostFor(hosts, 'b'), 'second');
  assert.equal(hostFor([vhost('one', ['*']), vhost('two', ['*'])], 'z'), 'one');
});
