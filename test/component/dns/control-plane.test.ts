// End to end through the real control plane (in this process): manifests → NameTable over xDS (role `dns`,
// NameTable only, delta and SotW) → the DNS server's zones → `dig` gets a Service's ClusterIP; a manifest change
// shows up in the answers; the control plane going away leaves the last good zones serving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DnsServer } from '../../../dns/index.js';
import { NAME_TABLE } from '../../../xds/type-urls.js';
import { eventually } from '../../support/ads-harness.js';
import { httpService } from '../../support/mesh-harness.js';
import { controlPlaneWith, dig, startTestDns, withClusterIp } from './support.js';

for (const mode of ['delta', 'sotw'] as const) {
  void test(`${mode}: dig a Service name → its ClusterIP, from the NameTable the control plane serves`, async (t) => {
    const cp = await controlPlaneWith({ 'reviews.yaml': withClusterIp(httpService('reviews', 9080, ['10.244.1.5'], 9080), '10.96.20.1') });
    t.after(() => cp.close());
    const dns: DnsServer = await startTestDns({ xds: { address: cp.xds, nodeId: `dns.test.${mode}`, mode } });
    t.after(() => dns.close());
    await dns.synced;
    const port = dns.udpAddress.port;
    const d = await dig(port, 'reviews.default.svc.cluster.local', 'A');
    assert.deepEqual([d.status, d.flags, d.answers], ['NOERROR', ['qr', 'aa', 'rd', 'ra'], ['reviews.default.svc.cluster.local. 5 IN A 10.96.20.1']]);
    const srv = await dig(port, '_http._tcp.reviews.default.svc.cluster.local', 'SRV', '+tcp');
    assert.deepEqual(srv.answers, ['_http._tcp.reviews.default.svc.cluster.local. 5 IN SRV 0 100 9080 reviews.default.svc.cluster.local.']);
    const proxy = [...cp.controlPlane.ads.proxies()].find((p) => p.node.id === `dns.test.${mode}`);
    assert.equal(proxy?.role, 'dns');
    assert.deepEqual([...(proxy?.types.keys() ?? [])], [NAME_TABLE], 'subscribed to the NameTable only');

    cp.writeManifest('ratings.yaml', withClusterIp(httpService('ratings', 8080, ['10.244.1.6'], 8080), '10.96.20.2'));
    await eventually(async () => (await dig(port, 'ratings.default.svc.cluster.local', 'A')).answers[0]?.endsWith('10.96.20.2') === true, 5000);

    await cp.close();
    const after = await dig(port, 'reviews.default.svc.cluster.local', 'A');
    assert.deepEqual(after.answers, ['reviews.default.svc.cluster.local. 5 IN A 10.96.20.1'], 'the last good zones keep serving');
  });
}
