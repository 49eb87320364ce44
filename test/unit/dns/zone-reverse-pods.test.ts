// PTR records (spec 2.3.3, 2.4.3; MCS 2.3.3, 2.4.3) and pod names (spec 2.6, CoreDNS `pods insecure`).
import { buildZones } from '../../../dns/zone/index.js';
import { nodata, nxdomain, table, TABLE, type Row } from './zone-fixtures.js';

const zones = buildZones([TABLE], { ttl: 5 });
const CL = 'cluster.local';
/** fd00:10:96::b, nibble by nibble from the end. */
const DUAL_V6 = 'b.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa';
/** fd00:10:96::c, its hex digits in upper case (names compare case-insensitively). */
const SIX_V6 = 'C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.D.F.ip6.arpa';

const ptr: Row[] = [
  // A ClusterIP names its service; IPv6 in nibble form.
  ['10.0.96.10.in-addr.arpa', 'PTR', 'NOERROR aa', '10.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local.'],
  ['11.0.96.10.in-addr.arpa.', 'PTR', 'NOERROR aa', '11.0.96.10.in-addr.arpa. 5 IN PTR dual.default.svc.cluster.local.'],
  [DUAL_V6, 'PTR', 'NOERROR aa', `${DUAL_V6}. 5 IN PTR dual.default.svc.cluster.local.`],
  [SIX_V6, 'PTR', 'NOERROR aa', `${SIX_V6}. 5 IN PTR six.shop.svc.cluster.local.`],
  // A ready headless endpoint: its hostname, or its dashed address.
  ['7.1.244.10.in-addr.arpa', 'PTR', 'NOERROR aa', '7.1.244.10.in-addr.arpa. 5 IN PTR peer-0.peers.default.svc.cluster.local.'],
  ['10.1.244.10.in-addr.arpa', 'PTR', 'NOERROR aa', '10.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-10.peers.default.svc.cluster.local.'],
  // The cluster-local name wins over the clusterset one for the same address (MCS "Limitations").
  ['30.1.244.10.in-addr.arpa', 'PTR', 'NOERROR aa', '30.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.shop.svc.cluster.local.'],
  ['5.0.112.10.in-addr.arpa', 'PTR', 'NOERROR aa', '5.0.112.10.in-addr.arpa. 5 IN PTR cart.shop.svc.clusterset.local.'],
  ['30.1.245.10.in-addr.arpa', 'PTR', 'NOERROR aa', '30.1.245.10.in-addr.arpa. 5 IN PTR db-0.west.db.shop.svc.clusterset.local.'],
  ['31.1.245.10.in-addr.arpa', 'PTR', 'NOERROR aa', '31.1.245.10.in-addr.arpa. 5 IN PTR 10-245-1-31.west.db.shop.svc.clusterset.local.'],
  // A known address asked another type: NODATA from the reverse zone.
  ['10.0.96.10.in-addr.arpa', 'A', ...nodata('in-addr.arpa')],
  [DUAL_V6, 'TXT', ...nodata('ip6.arpa')],
  // Not-ready endpoints, pods, and any other address: forwarded (CoreDNS `fallthrough in-addr.arpa ip6.arpa`).
  ['9.3.244.10.in-addr.arpa', 'PTR', 'FORWARD'],
  ['20.1.244.10.in-addr.arpa', 'PTR', 'FORWARD'],
  ['32.1.245.10.in-addr.arpa', 'PTR', 'FORWARD'],
  ['1.1.1.1.in-addr.arpa', 'PTR', 'FORWARD'],
  ['96.10.in-addr.arpa', 'PTR', 'FORWARD'],
  ['in-addr.arpa', 'SOA', 'FORWARD'],
  ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR', 'FORWARD'],
];

const pods: Row[] = [
  ['10-244-1-7.default.pod.cluster.local', 'A', 'NOERROR aa', '10-244-1-7.default.pod.cluster.local. 5 IN A 10.244.1.7'],
  ['10-244-9-9.empty.pod.cluster.local.', 'A', 'NOERROR aa', '10-244-9-9.empty.pod.cluster.local. 5 IN A 10.244.9.9'],
  ['10-244-1-7.Default.POD.cluster.local', 'A', 'NOERROR aa', '10-244-1-7.Default.POD.cluster.local. 5 IN A 10.244.1.7'],
  ['10-244-1-7.default.pod.cluster.local', 'ANY', 'NOERROR aa', '10-244-1-7.default.pod.cluster.local. 5 IN A 10.244.1.7'],
  ['10-244-1-7.default.pod.cluster.local', 'AAAA', ...nodata(CL)],
  ['2001-db8--1.default.pod.cluster.local', 'AAAA', 'NOERROR aa', '2001-db8--1.default.pod.cluster.local. 5 IN AAAA 2001:db8::1'],
  ['2001-DB8--A.default.pod.cluster.local', 'AAAA', 'NOERROR aa', '2001-DB8--A.default.pod.cluster.local. 5 IN AAAA 2001:db8::a'],
  ['2001-db8--1.default.pod.cluster.local', 'A', ...nodata(CL)],
  // A namespace that does not exist, a label that is no address, names too long.
  ['10-244-1-7.nope.pod.cluster.local', 'A', ...nxdomain(CL)],
  ['web.default.pod.cluster.local', 'A', ...nxdomain(CL)],
  ['10-244-1.default.pod.cluster.local', 'A', ...nxdomain(CL)],
  ['10-244-1-256.default.pod.cluster.local', 'A', ...nxdomain(CL)],
  ['x.10-244-1-7.default.pod.cluster.local', 'A', ...nxdomain(CL)],
  ['10-244-1-7.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  // No pod names in the clusterset zone.
  ['10-244-1-7.default.pod.clusterset.local', 'A', ...nxdomain('clusterset.local')],
];

table('PTR', () => zones, ptr);
table('pods', () => zones, pods);
