import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Endpoints } from '../../../control-plane/model/types.js';
import { decodeOne, find, fixtureText, load, problems } from './helpers.js';

const SLICE_HEAD = 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s-1, labels: {kubernetes.io/service-name: s}}\n';

describe('discovery.k8s.io EndpointSlice decoder', () => {
  const { objects, errors } = load(fixtureText('manifests-basic/endpointslices.yaml'));

  it('reads controller-written slices, service from the kubernetes.io/service-name label', () => {
    assert.deepEqual(errors, []);
    const a = find(objects, 'EndpointSlice', 'cart-abc12');
    assert.equal(a.serviceName, 'cart');
    assert.equal(a.addressType, 'IPv4');
    assert.deepEqual(a.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
    assert.deepEqual(a.endpoints, [
      {
        addresses: ['10.244.1.20'],
        ready: true,
        serving: true,
        terminating: false,
        nodeName: 'node-1',
        zone: 'zone-a',
        targetRef: { kind: 'Pod', namespace: 'shop', name: 'cart-7c9d5-aaaaa' },
      },
    ]);
  });

  it('conditions: nil ready and serving mean true, nil terminating means false (EndpointConditions)', () => {
    const b = find(objects, 'EndpointSlice', 'cart-def34');
    assert.deepEqual(
      b.endpoints.map((e) => [e.addresses[0], e.ready, e.serving, e.terminating]),
      [
        ['10.244.2.21', true, true, false],
        ['10.244.2.22', false, true, true],
      ],
    );
  });

  it('v1beta1 slices: nodeName and zone from topology', () => {
    const s = decodeOne<EndpointSlice>(
      'apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: s-1, labels: {kubernetes.io/service-name: s}}\n' +
        'addressType: IPv6\nports: [{port: 80}]\nendpoints:\n- addresses: ["fd00::1"]\n  topology: {kubernetes.io/hostname: node-1, topology.kubernetes.io/zone: z1}\n',
    );
    assert.deepEqual(s.endpoints[0], { addresses: ['fd00::1'], ready: true, serving: true, terminating: false, nodeName: 'node-1', zone: 'z1' });
    assert.deepEqual(s.ports, [{ name: '', protocol: 'TCP', port: 80 }]);
  });

  it('a slice with no endpoints (kubectl prints `endpoints: null`)', () => {
    const s = decodeOne<EndpointSlice>(`${SLICE_HEAD}addressType: IPv4\nendpoints: null\nports: null\n`);
    assert.deepEqual([s.endpoints, s.ports], [[], []]);
  });

  const bad: [string, string, string[]][] = [
    [
      'no service-name label',
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s-1}\naddressType: IPv4\n',
      ['metadata.labels["kubernetes.io/service-name"]: required'],
    ],
    ['unknown address type', `${SLICE_HEAD}addressType: IPv5\n`, ['addressType: must be one of IPv4, IPv6, FQDN, got "IPv5"']],
    ['missing address type', `${SLICE_HEAD}endpoints: []\n`, ['addressType: required']],
    ['IPv6 address in an IPv4 slice', `${SLICE_HEAD}addressType: IPv4\nendpoints: [{addresses: ["fd00::1"]}]\n`, ['endpoints[0].addresses[0]: must be an IPv4 address, got "fd00::1"']],
    ['no addresses', `${SLICE_HEAD}addressType: IPv4\nendpoints: [{addresses: []}]\n`, ['endpoints[0].addresses: must hold 1 to 100 addresses, got 0']],
    ['condition not a boolean', `${SLICE_HEAD}addressType: IPv4\nendpoints: [{addresses: [10.0.0.1], conditions: {ready: "yes"}}]\n`, ['endpoints[0].conditions.ready: must be true or false, got "yes"']],
    ['port out of range', `${SLICE_HEAD}addressType: IPv4\nports: [{name: http, port: 70000}]\n`, ['ports[0].port: must be an integer 1-65535, got 70000']],
    ['duplicate port names', `${SLICE_HEAD}addressType: IPv4\nports: [{name: a, port: 1}, {name: a, port: 2}]\n`, ['ports[1].name: duplicate port name "a" (also ports[0].name)']],
    [
      'unsupported version',
      'apiVersion: discovery.k8s.io/v2\nkind: EndpointSlice\nmetadata: {name: s-1}\n',
      ['apiVersion: meshlet reads EndpointSlice as discovery.k8s.io/v1, discovery.k8s.io/v1beta1, got "discovery.k8s.io/v2"'],
    ],
  ];
  for (const [title, text, expected] of bad) {
    it(`rejects: ${title}`, () => assert.deepEqual(problems(text), expected));
  }
});

describe('v1 Endpoints decoder', () => {
  it('converts subsets to slices: addresses ready, notReadyAddresses not ready, labelled with the Service name', () => {
    const e = decodeOne<Endpoints>(fixtureText('manifests-basic/endpoints.yaml'));
    assert.equal(e.meta.name, 'legacy-api');
    assert.equal(e.slices.length, 1);
    const s = e.slices[0] as EndpointSlice;
    assert.equal(s.serviceName, 'legacy-api');
    assert.equal(s.meta.labels['kubernetes.io/service-name'], 'legacy-api');
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
    assert.deepEqual(s.endpoints, [
      {
        addresses: ['192.168.50.10'],
        ready: true,
        serving: true,
        terminating: false,
        nodeName: 'node-3',
        targetRef: { kind: 'Pod', namespace: 'shop', name: 'legacy-0' },
      },
      { addresses: ['192.168.50.11'], ready: false, serving: false, terminating: false },
    ]);
  });

  it('splits a dual-stack subset into an IPv4 and an IPv6 slice', () => {
    const e = decodeOne<Endpoints>(
      'apiVersion: v1\nkind: Endpoints\nmetadata: {name: a}\nsubsets:\n- addresses: [{ip: 10.0.0.1}, {ip: "fd00::1"}]\n  ports: [{port: 80}]\n',
    );
    assert.deepEqual(
      e.slices.map((s) => [s.meta.name, s.addressType, s.endpoints.map((x) => x.addresses[0])]),
      [
        ['a-0', 'IPv4', ['10.0.0.1']],
        ['a-0-ipv6', 'IPv6', ['fd00::1']],
      ],
    );
  });

  it('rejects bad addresses and unnamed ports among several', () => {
    assert.deepEqual(
      problems('apiVersion: v1\nkind: Endpoints\nmetadata: {name: a}\nsubsets:\n- addresses: [{ip: 10.0.0.256}, {}]\n  ports: [{port: 80}, {name: b, port: 81}]\n'),
      [
        'subsets[0].addresses[0].ip: must be an IPv4 or IPv6 address, got "10.0.0.256"',
        'subsets[0].addresses[1].ip: required',
        'subsets[0].ports[0].name: required when a subset has more than one port',
      ],
    );
  });
});
