// Where forwarding goes: --upstream values and the nameserver lines of /etc/resolv.conf, without ourselves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResolvConf, withoutSelf } from '../../../dns/forward/resolv-conf.js';
import { formatUpstream, parseUpstream } from '../../../dns/forward/upstream.js';

void test('upstream values: IP, IP:PORT, [IPv6]:PORT, bare IPv6; port 53 by default; IPv6 in canonical form', () => {
  const rows: Array<[string, string]> = [
    ['10.0.0.10', '10.0.0.10:53'],
    ['10.0.0.10:5353', '10.0.0.10:5353'],
    [' 127.0.0.1:53 ', '127.0.0.1:53'],
    ['[2001:db8::1]:5353', '[2001:db8::1]:5353'],
    ['[2001:DB8:0:0::1]', '[2001:db8::1]:53'],
    ['2001:db8::1', '[2001:db8::1]:53'],
    ['::1', '[::1]:53'],
  ];
  for (const [text, expected] of rows) {
    const parsed = parseUpstream(text);
    assert.ok(parsed.ok, text);
    assert.equal(formatUpstream(parsed.upstream), expected, text);
  }
});

void test('bad upstream values say what is wrong', () => {
  const rows: Array<[string, RegExp]> = [
    ['dns.google', /"dns.google" is not an IP address/],
    ['10.0.0.300', /not an IP address/],
    ['10.0.0.1:0', /port "0" must be 1-65535/],
    ['10.0.0.1:70000', /port "70000"/],
    ['10.0.0.1:x', /port "x"/],
    ['[10.0.0.1]:53', /not an IP address|IPv6/],
    ['2001:db8::1:53:', /brackets|not an IP/],
    ['', /not an IP address/],
  ];
  for (const [text, message] of rows) {
    const parsed = parseUpstream(text);
    assert.ok(!parsed.ok, text);
    assert.match(parsed.error, message, text);
  }
});

void test('resolv.conf: nameserver lines in order, comments and other keywords ignored, bad addresses skipped', () => {
  const text = [
    '# generated',
    'search default.svc.cluster.local svc.cluster.local',
    'nameserver 10.96.0.10',
    'nameserver   192.0.2.53   # the office',
    ';nameserver 192.0.2.99',
    'nameserver not-an-ip',
    'nameserver 2001:DB8::53',
    'nameserver',
    'options ndots:5 edns0',
    '\tnameserver 192.0.2.54',
  ].join('\n');
  assert.deepEqual(parseResolvConf(text).map(formatUpstream), ['10.96.0.10:53', '192.0.2.53:53', '[2001:db8::53]:53', '192.0.2.54:53']);
  assert.deepEqual(parseResolvConf(''), []);
});

void test('the server is left out of its own upstreams: its address, or any local one when it listens on all', () => {
  const list = ['127.0.0.53', '10.0.0.5', '192.0.2.1', '::1'].map((host) => ({ host, port: 53 }));
  const local = ['127.0.0.1', '10.0.0.5', '::1'];
  const hosts = (l: ReadonlyArray<{ host: string }>): string[] => l.map((u) => u.host);
  assert.deepEqual(hosts(withoutSelf(list, { host: '0.0.0.0', port: 53 }, local)), ['192.0.2.1']);
  assert.deepEqual(hosts(withoutSelf(list, { host: '10.0.0.5', port: 53 }, local)), ['127.0.0.53', '192.0.2.1', '::1']);
  assert.deepEqual(hosts(withoutSelf(list, { host: '0.0.0.0', port: 5353 }, local)), hosts(list), 'another port: not us');
  assert.deepEqual(hosts(withoutSelf(list, { host: '::', port: 53 }, local)), ['192.0.2.1']);
});
