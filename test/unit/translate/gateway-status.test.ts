// /debug/ingress and `meshlet get ingress`: served or not, hosts, the gateway Service's address, ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIngressReport, formatIngresses } from '../../../control-plane/admin/ingress.js';
import { endpoint, port, service } from './fixtures.js';
import { gatewayMesh, ingress, path } from './gateway-fixtures.js';

void test('ingress report: served by class, address from the meshlet-gateway Service, ports with TLS', () => {
  const base = gatewayMesh({
    ingresses: [
      ingress('web', { rules: [{ host: 'a.test', paths: [path('/', 'a', 80)] }], tls: [{ hosts: ['a.test'], secretName: 'nope' }] }),
      ingress('other', { className: 'nginx', rules: [{ paths: [path('/', 'a', 80)] }] }),
    ],
  });
  const gw = service('meshlet-gateway', { namespace: 'meshlet-system', type: 'LoadBalancer', clusterIP: '10.96.9.9', loadBalancerIPs: ['172.18.0.10'], ports: [[port(80, 'http'), [endpoint('10.244.0.9', 8080)]]] });
  const report = buildIngressReport({ ...base, services: [...base.services, gw] });
  assert.deepEqual(formatIngresses(report).split('\n'), [
    'NAMESPACE   NAME    CLASS    HOSTS    ADDRESS                                        PORTS',
    'default     web     <none>   a.test   172.18.0.10                                    80, 443',
    'default     other   nginx    *        (not served: class "nginx" is not meshlet\'s)   80',
    '',
  ]);
  assert.deepEqual(report.ingresses[0]?.problems, ['spec.tls[0].secretName: TLS Secret default/nope not found']);
});
