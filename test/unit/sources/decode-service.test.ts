import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../../control-plane/model/types.js';
import { decodeOne, find, fixtureText, load, problems } from './helpers.js';

describe('v1 Service decoder', () => {
  const { objects, errors } = load(fixtureText('manifests-basic/services.yaml'), 'services.yaml');

  it('reads every Service of a `kubectl get -o yaml` List without errors', () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.meta.namespace}/${o.meta.name}`),
      ['Service shop/web', 'Service shop/db', 'Service shop/cart', 'Service shop/front', 'Service shop/legacy-api', 'Service default/search'],
    );
  });

  it('ClusterIP: named ports, appProtocol, named targetPort, selector, origin', () => {
    const web = find(objects, 'Service', 'web');
    assert.equal(web.type, 'ClusterIP');
    assert.equal(web.clusterIP, '10.96.12.34');
    assert.deepEqual(web.ports, [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http-web', appProtocol: 'http' },
      { name: 'grpc-api', protocol: 'TCP', port: 9090, targetPort: 9090 },
    ]);
    assert.deepEqual(web.selector, { app: 'web' });
    assert.equal(web.meta.creationTimestamp, '2024-03-01T10:00:00Z');
    assert.deepEqual(web.meta.origin, { file: 'services.yaml', document: 0, item: 0 });
  });

  it('headless (clusterIP None) with publishNotReadyAddresses', () => {
    const db = find(objects, 'Service', 'db');
    assert.equal(db.clusterIP, 'None');
    assert.equal(db.publishNotReadyAddresses, true);
  });

  it('NodePort and LoadBalancer keep nodePorts and load balancer addresses', () => {
    assert.equal(find(objects, 'Service', 'cart').ports[0]?.nodePort, 30080);
    const front = find(objects, 'Service', 'front');
    assert.equal(front.type, 'LoadBalancer');
    assert.equal(front.ports[0]?.nodePort, 31443);
    assert.deepEqual(front.loadBalancerIPs, ['203.0.113.10']);
  });

  it('ExternalName has no ClusterIP and keeps its name; selector-less Services have no selector', () => {
    const search = find(objects, 'Service', 'search');
    assert.equal(search.type, 'ExternalName');
    assert.equal(search.externalName, 'search.example.com');
    assert.equal(search.clusterIP, undefined);
    assert.equal(find(objects, 'Service', 'legacy-api').selector, undefined);
  });

  it('defaults: namespace default, protocol TCP, targetPort = port, unnamed single port, no clusterIP', () => {
    const svc = decodeOne<Service>('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 9080}]\n');
    assert.equal(svc.meta.namespace, 'default');
    assert.deepEqual(svc.ports, [{ name: '', protocol: 'TCP', port: 9080, targetPort: 9080 }]);
    assert.equal(svc.clusterIP, undefined);
    assert.equal(svc.type, 'ClusterIP');
  });

  it('an empty selector is no selector (the API server cannot tell them apart)', () => {
    const svc = decodeOne<Service>('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  selector: {}\n  ports: [{port: 80}]\n');
    assert.equal(svc.selector, undefined);
  });

  it('IPv6 ClusterIPs and clusterIPs-only manifests', () => {
    const svc = decodeOne<Service>('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  clusterIPs: ["fd00:10:96::a"]\n  ports: [{port: 80}]\n');
    assert.equal(svc.clusterIP, 'fd00:10:96::a');
  });

  // Each row: the spec (YAML flow text) and every problem expected, as `field: message`.
  const bad: [string, string, string[]][] = [
    ['port out of range', '{ports: [{name: a, port: 70000}]}', ['spec.ports[0].port: must be an integer 1-65535, got 70000']],
    ['port as text', '{ports: [{port: "80"}]}', ['spec.ports[0].port: must be an integer 1-65535, got "80"']],
    ['missing port', '{ports: [{name: a}]}', ['spec.ports[0].port: required']],
    [
      'duplicate port names',
      '{ports: [{name: http, port: 80}, {name: http, port: 81}]}',
      ['spec.ports[1].name: duplicate port name "http" (also spec.ports[0].name)'],
    ],
    ['unnamed port among several', '{ports: [{name: a, port: 80}, {port: 81}]}', ['spec.ports[1].name: required when a Service has more than one port']],
    ['duplicate port/protocol', '{ports: [{name: a, port: 80}, {name: b, port: 80}]}', ['spec.ports[1].port: duplicate port 80/TCP (also spec.ports[0])']],
    ['bad protocol', '{ports: [{port: 80, protocol: HTTP}]}', ['spec.ports[0].protocol: must be one of TCP, UDP, SCTP, got "HTTP"']],
    ['quoted targetPort number', '{ports: [{port: 80, targetPort: "8080"}]}', ['spec.ports[0].targetPort: must be a port number or an IANA port name, got the string "8080" (write the number without quotes)']],
    ['targetPort name too long', '{ports: [{port: 80, targetPort: a-very-long-port-name}]}', [`spec.ports[0].targetPort: must be an IANA service name (at most 15 lower case alphanumeric characters or '-', with at least one letter, no leading, trailing or double '-'), got "a-very-long-port-name"`]],
    ['nodePort on a ClusterIP Service', '{ports: [{port: 80, nodePort: 30000}]}', ['spec.ports[0].nodePort: may only be set for type NodePort or LoadBalancer, not ClusterIP']],
    ['nodePort out of range', '{type: NodePort, ports: [{port: 80, nodePort: 0}]}', ['spec.ports[0].nodePort: must be an integer 1-65535, got 0']],
    ['no ports', '{selector: {app: a}}', ['spec.ports: required: a Service of type ClusterIP needs at least one port']],
    ['bad clusterIP', '{clusterIP: 10.96.0.300, ports: [{port: 80}]}', ['spec.clusterIP: must be an IPv4 or IPv6 address, got "10.96.0.300"']],
    ['clusterIPs disagree', '{clusterIP: 10.96.0.5, clusterIPs: [10.96.0.6], ports: [{port: 80}]}', ['spec.clusterIPs[0]: must match spec.clusterIP "10.96.0.5", got "10.96.0.6"']],
    ['headless NodePort', '{type: NodePort, clusterIP: None, ports: [{port: 80}]}', ['spec.clusterIP: may only be "None" (headless) for type ClusterIP, not NodePort']],
    ['ExternalName with clusterIP', '{type: ExternalName, externalName: a.example.com, clusterIP: 10.96.0.5}', ['spec.clusterIP: may not be set for ExternalName services']],
    ['ExternalName without name', '{type: ExternalName}', ['spec.externalName: required']],
    ['unknown type', '{type: Internal, ports: [{port: 80}]}', ['spec.type: must be one of ClusterIP, NodePort, LoadBalancer, ExternalName, got "Internal"']],
    ['selector value not a string', '{selector: {version: 1}, ports: [{port: 80}]}', ['spec.selector.version: must be a string, got 1']],
    [
      'several problems at once',
      '{ports: [{name: Web, port: 0}, {name: b, port: 1, protocol: tcp}]}',
      [
        `spec.ports[0].name: must be a DNS-1123 label (at most 63 lower case alphanumeric characters or '-', starting and ending with an alphanumeric character), got "Web"`,
        'spec.ports[0].port: must be an integer 1-65535, got 0',
        'spec.ports[1].protocol: must be one of TCP, UDP, SCTP, got "tcp"',
      ],
    ],
  ];
  for (const [title, spec, expected] of bad) {
    it(`rejects: ${title}`, () => {
      assert.deepEqual(problems(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: ${spec}\n`), expected);
    });
  }

  it('rejects names that are not DNS-1035 labels and a missing name', () => {
    assert.match(problems('apiVersion: v1\nkind: Service\nmetadata: {name: 1abc}\nspec: {ports: [{port: 80}]}\n')[0] ?? '', /^metadata\.name: must be a DNS-1035 label/);
    assert.deepEqual(problems('apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\nspec: {ports: [{port: 80}]}\n'), ['metadata.name: required']);
  });

  it('names the object and the line of the bad field', () => {
    const { errors } = load('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  ports:\n  - name: a\n    port: 70000\n', 'svc.yaml');
    assert.deepEqual(errors, [
      {
        file: 'svc.yaml',
        object: 'Service shop/s',
        field: 'spec.ports[0].port',
        message: 'must be an integer 1-65535, got 70000',
        code: 'MESHLET_ERR_INVALID_OBJECT',
        line: 9,
      },
    ]);
  });
});
