// Building the zones: before the first table, options, the SOA serial, shared answers, several tables, and the
// name helpers the index is built with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildZones, DEFAULT_ANSWER_OPTIONS, DEFAULT_TTL, zoneSerial } from '../../../dns/zone/index.js';
import { dashedIp, podAddress, reverseName } from '../../../dns/zone/names.js';
import type { NameTable } from '../../../proxy/xds/types.js';
import { ep, nxdomain, q, render, svc, TABLE, table, tcp } from './zone-fixtures.js';

const say = (tables: readonly NameTable[] | undefined, name: string, type: string, ttl = 5): string =>
  render(buildZones(tables, { ttl }).resolve(q(name, type)));

void test('before the first table: SERVFAIL in the cluster, clusterset and reverse zones, forward elsewhere', () => {
  for (const name of ['web.default.svc.cluster.local', 'cluster.local.', 'x.svc.clusterset.local', '10.0.96.10.in-addr.arpa', 'b.ip6.arpa']) {
    assert.equal(say(undefined, name, 'A'), 'SERVFAIL', name);
  }
  assert.equal(say(undefined, 'example.com', 'A'), 'FORWARD');
});

void test('no table at all: nothing is a cluster zone, everything forwards', () => {
  assert.equal(say([], 'web.default.svc.cluster.local', 'A'), 'FORWARD');
  assert.equal(say([], '10.0.96.10.in-addr.arpa', 'PTR'), 'FORWARD');
});

void test('the TTL option sets every record, the SOA and its minimum; 5 s by default', () => {
  assert.equal(DEFAULT_TTL, 5);
  assert.deepEqual(DEFAULT_ANSWER_OPTIONS, { ttl: 5 });
  assert.equal(say([TABLE], 'web.default.svc.cluster.local', 'A', 30), 'NOERROR aa\nweb.default.svc.cluster.local. 30 IN A 10.96.0.10');
  assert.equal(
    say([TABLE], 'nope.cluster.local', 'A', 30),
    'NXDOMAIN aa\n; authority\ncluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 30',
  );
});

void test('the SOA serial is a digest of the tables: the same tables the same serial, a change a new one', () => {
  const soaSerial = (tables: readonly NameTable[]): number | undefined => {
    const r = buildZones(tables, { ttl: 5 }).resolve(q('cluster.local', 'SOA'));
    const soa = r.kind === 'answer' ? r.answers[0] : undefined;
    return soa?.type === 'SOA' ? soa.data.serial : undefined;
  };
  const serial = soaSerial([TABLE]);
  assert.equal(serial, zoneSerial([TABLE]));
  assert.ok(serial !== undefined && serial > 0 && serial <= 0xffffffff);
  assert.equal(soaSerial([structuredClone(TABLE)]), serial);
  assert.notEqual(soaSerial([{ ...TABLE, services: TABLE.services.slice(1) }]), serial);
});

void test('a question in canonical form gets a shared answer (no allocation per query)', () => {
  const zones = buildZones([TABLE], { ttl: 5 });
  for (const [name, type] of [
    ['web.default.svc.cluster.local', 'A'],
    ['_http._tcp.web.default.svc.cluster.local', 'SRV'],
    ['nope.default.svc.cluster.local', 'A'],
    ['default.svc.cluster.local', 'A'],
    ['example.com', 'A'],
  ] as const) {
    assert.equal(zones.resolve(q(name, type)), zones.resolve(q(name, type)), `${name} ${type}`);
  }
});

const EAST: NameTable = {
  clusterDomain: 'east.example',
  clustersetDomain: '',
  clusterId: 'east',
  namespaces: ['default'],
  schemaVersion: '',
  services: [
    svc('web', 'default', { clusterIps: ['10.97.0.10'] }),
    svc('ip', 'default', { kind: 'EXTERNAL_NAME', externalName: '192.0.2.1' }),
    svc('a', 'default', { kind: 'HEADLESS', ports: [tcp('p', 1)], endpoints: [ep('10.245.0.1', 'a-0', [tcp('p', 1)])] }),
    svc('b', 'default', { kind: 'HEADLESS', ports: [tcp('p', 1)], endpoints: [ep('10.245.0.1', 'b-0', [tcp('p', 1)])] }),
  ],
};

const both = (): ReturnType<typeof buildZones> => buildZones([TABLE, EAST], { ttl: 5 });

table('two tables', both, [
  ['web.default.svc.cluster.local', 'A', 'NOERROR aa', 'web.default.svc.cluster.local. 5 IN A 10.96.0.10'],
  ['web.default.svc.east.example', 'A', 'NOERROR aa', 'web.default.svc.east.example. 5 IN A 10.97.0.10'],
  // No schema version in the table: the version implemented.
  ['dns-version.east.example', 'TXT', 'NOERROR aa', 'dns-version.east.example. 5 IN TXT "1.1.0"'],
  ['nope.east.example', 'A', ...nxdomain('east.example')],
  ['example', 'A', 'FORWARD'],
  // An ExternalName holding an IP address is no host name: no record (CoreDNS).
  ['ip.default.svc.east.example', 'A', ...nxdomain('east.example')],
  // An address selected by two headless services has a PTR for each (CoreDNS).
  ['1.0.245.10.in-addr.arpa', 'PTR',
    'NOERROR aa',
    '1.0.245.10.in-addr.arpa. 5 IN PTR a-0.a.default.svc.east.example.',
    '1.0.245.10.in-addr.arpa. 5 IN PTR b-0.b.default.svc.east.example.'],
]);

table('a table without clusterset domain', () => buildZones([EAST], { ttl: 5 }), [['x.svc.clusterset.local', 'A', 'FORWARD']]);

void test('SRV weights share 100 among the targets, at least 1 each', () => {
  const many = Array.from({ length: 101 }, (_, i) => ep(`10.246.0.${i + 1}`, `m-${i}`, [tcp('p', 1)]));
  const zones = buildZones([{ ...EAST, services: [svc('many', 'default', { kind: 'HEADLESS', endpoints: many })] }], { ttl: 5 });
  const r = zones.resolve(q('_p._tcp.many.default.svc.east.example', 'SRV'));
  assert.ok(r.kind === 'answer');
  assert.equal(r.answers.length, 101);
  assert.ok(r.answers.every((a) => a.type === 'SRV' && a.data.weight === 1 && a.data.priority === 0));
});

void test('names: reverse names, dashed addresses, pod labels', () => {
  assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
  assert.equal(reverseName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  assert.equal(reverseName('::ffff:10.0.0.1'), '1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
  assert.equal(reverseName('FD00:10:96::B'), reverseName('fd00:10:96::b'));
  assert.equal(reverseName('web'), undefined);
  assert.equal(dashedIp('10.244.1.7'), '10-244-1-7');
  assert.equal(dashedIp('2001:db8::1'), '2001-db8--1');
  assert.equal(podAddress('10-244-1-7'), '10.244.1.7');
  assert.equal(podAddress('2001-db8--1'), '2001:db8::1');
  assert.equal(podAddress('1-2-3'), undefined);
  assert.equal(podAddress('010-1-1-1'), undefined);
  assert.equal(podAddress('peer-0'), undefined);
});
