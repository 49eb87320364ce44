// The cluster zone (Kubernetes DNS-Based Service Discovery 1.1.0): each row is a question and the answer as
// zone-file text. Fixture: zone-fixtures.ts.
import { buildZones } from '../../../dns/zone/index.js';
import { nodata, nxdomain, table, TABLE, type Row } from './zone-fixtures.js';

const zones = buildZones([TABLE], { ttl: 5 });
const CL = 'cluster.local';
const WEB_A = 'web.default.svc.cluster.local. 5 IN A 10.96.0.10';

const services: Row[] = [
  // 2.3.1: ClusterIP → A by family; no AAAA for an IPv4-only service (NODATA, the name exists).
  ['web.default.svc.cluster.local', 'A', 'NOERROR aa', WEB_A],
  ['web.default.svc.cluster.local', 'AAAA', ...nodata(CL)],
  ['dual.default.svc.cluster.local', 'A', 'NOERROR aa', 'dual.default.svc.cluster.local. 5 IN A 10.96.0.11'],
  ['dual.default.svc.cluster.local', 'AAAA', 'NOERROR aa', 'dual.default.svc.cluster.local. 5 IN AAAA fd00:10:96::b'],
  ['six.shop.svc.cluster.local', 'AAAA', 'NOERROR aa', 'six.shop.svc.cluster.local. 5 IN AAAA fd00:10:96::c'],
  ['six.shop.svc.cluster.local', 'A', ...nodata(CL)],
  ['web.default.svc.cluster.local', 'MX', ...nodata(CL)],
  ['web.default.svc.cluster.local', 'TXT', ...nodata(CL)],
  ['nope.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['web.shop.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['nope.empty.svc.cluster.local', 'A', ...nxdomain(CL)],
  // 2.3.2: SRV per named port, target the service, its address in the additional section.
  ['_http._tcp.web.default.svc.cluster.local', 'SRV',
    'NOERROR aa', '_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.',
    '; additional', WEB_A],
  ['_dns._udp.web.default.svc.cluster.local', 'SRV',
    'NOERROR aa', '_dns._udp.web.default.svc.cluster.local. 5 IN SRV 0 100 53 web.default.svc.cluster.local.',
    '; additional', WEB_A],
  ['_grpc._tcp.dual.default.svc.cluster.local', 'SRV',
    'NOERROR aa', '_grpc._tcp.dual.default.svc.cluster.local. 5 IN SRV 0 100 9090 dual.default.svc.cluster.local.',
    '; additional', 'dual.default.svc.cluster.local. 5 IN A 10.96.0.11', 'dual.default.svc.cluster.local. 5 IN AAAA fd00:10:96::b'],
  ['_http._udp.web.default.svc.cluster.local', 'SRV', ...nxdomain(CL)],
  ['_dns._tcp.web.default.svc.cluster.local', 'SRV', ...nxdomain(CL)],
  ['_http._tcp.web.default.svc.cluster.local', 'A', ...nodata(CL)],
  // Without port labels: every port, unnamed ones included (CoreDNS), the weights sharing 100.
  ['web.default.svc.cluster.local', 'SRV',
    'NOERROR aa',
    'web.default.svc.cluster.local. 5 IN SRV 0 33 80 web.default.svc.cluster.local.',
    'web.default.svc.cluster.local. 5 IN SRV 0 33 53 web.default.svc.cluster.local.',
    'web.default.svc.cluster.local. 5 IN SRV 0 33 9000 web.default.svc.cluster.local.',
    '; additional', WEB_A],
  // The protocol label alone is an empty non-terminal where a port uses it.
  ['_tcp.web.default.svc.cluster.local', 'SRV', ...nodata(CL)],
  ['_udp.web.default.svc.cluster.local', 'A', ...nodata(CL)],
  ['_sctp.web.default.svc.cluster.local', 'SRV', ...nxdomain(CL)],
  ['six.shop.svc.cluster.local', 'SRV', ...nodata(CL)],
  ['_tcp.six.shop.svc.cluster.local', 'SRV', ...nxdomain(CL)],
];

const PEER_0 = 'peer-0.peers.default.svc.cluster.local. 5 IN A 10.244.1.7';
const PEER_IP = '10-244-1-10.peers.default.svc.cluster.local. 5 IN A 10.244.1.10';
const PEER_1 = 'peer-1.peers.default.svc.cluster.local. 5 IN A 10.244.2.8';

const headless: Row[] = [
  // 2.4.1: one A per ready endpoint; the not-ready peer-2 is left out.
  ['peers.default.svc.cluster.local', 'A',
    'NOERROR aa',
    'peers.default.svc.cluster.local. 5 IN A 10.244.1.7',
    'peers.default.svc.cluster.local. 5 IN A 10.244.1.10',
    'peers.default.svc.cluster.local. 5 IN A 10.244.2.8'],
  ['peers.default.svc.cluster.local', 'AAAA', ...nodata(CL)],
  ['peer-0.peers.default.svc.cluster.local', 'A', 'NOERROR aa', PEER_0],
  ['peer-1.peers.default.svc.cluster.local', 'A', 'NOERROR aa', PEER_1],
  ['peer-2.peers.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  // An endpoint without hostname is named by its dashed address (the SRV target below must resolve).
  ['10-244-1-10.peers.default.svc.cluster.local', 'A', 'NOERROR aa', PEER_IP],
  ['10-244-1-7.peers.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['peer-0.peers.default.svc.cluster.local', 'SRV', ...nodata(CL)],
  // 2.4.2: an SRV per ready endpoint and port, target the endpoint's name, addresses in additional.
  ['_peer._tcp.peers.default.svc.cluster.local', 'SRV',
    'NOERROR aa',
    '_peer._tcp.peers.default.svc.cluster.local. 5 IN SRV 0 33 7000 peer-0.peers.default.svc.cluster.local.',
    '_peer._tcp.peers.default.svc.cluster.local. 5 IN SRV 0 33 7000 10-244-1-10.peers.default.svc.cluster.local.',
    '_peer._tcp.peers.default.svc.cluster.local. 5 IN SRV 0 33 7000 peer-1.peers.default.svc.cluster.local.',
    '; additional', PEER_0, PEER_IP, PEER_1],
  // No ready endpoint: the service name does not exist (2.4.1), nor anything below it.
  ['idle.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['idle.default.svc.cluster.local', 'SRV', ...nxdomain(CL)],
  ['_peer._tcp.idle.default.svc.cluster.local', 'SRV', ...nxdomain(CL)],
  ['idle-0.idle.default.svc.cluster.local', 'A', ...nxdomain(CL)],
];

const SEARCH = 'search.shop.svc.cluster.local. 5 IN CNAME search.example.com.';

const externalName: Row[] = [
  // 2.5: a CNAME whatever the type, not chased; ports and endpoint names do not exist below it.
  ['search.shop.svc.cluster.local', 'A', 'NOERROR aa', SEARCH],
  ['search.shop.svc.cluster.local', 'AAAA', 'NOERROR aa', SEARCH],
  ['search.shop.svc.cluster.local', 'CNAME', 'NOERROR aa', SEARCH],
  ['search.shop.svc.cluster.local', 'SRV', 'NOERROR aa', SEARCH],
  ['search.shop.svc.cluster.local', 'ANY', 'NOERROR aa', SEARCH],
  ['_https._tcp.search.shop.svc.cluster.local', 'SRV', ...nxdomain(CL)],
];

const SOA = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 5';

const apexAndStructure: Row[] = [
  // 2.2: the schema version.
  ['dns-version.cluster.local', 'TXT', 'NOERROR aa', 'dns-version.cluster.local. 5 IN TXT "1.1.0"'],
  ['dns-version.cluster.local', 'A', ...nodata(CL)],
  // The apex: SOA and NS (CoreDNS's ns.dns.<zone>), NODATA otherwise.
  ['cluster.local', 'SOA', 'NOERROR aa', SOA],
  ['cluster.local', 'NS', 'NOERROR aa', 'cluster.local. 5 IN NS ns.dns.cluster.local.'],
  ['cluster.local', 'A', ...nodata(CL)],
  ['cluster.local', 'ANY', 'NOERROR aa', SOA],
  // Empty non-terminals: NODATA. Namespaces exist even when empty; unknown ones do not.
  ['svc.cluster.local', 'A', ...nodata(CL)],
  ['pod.cluster.local', 'A', ...nodata(CL)],
  ['ns.dns.cluster.local', 'A', ...nodata(CL)],
  ['dns.cluster.local', 'A', ...nodata(CL)],
  ['default.svc.cluster.local', 'A', ...nodata(CL)],
  ['empty.svc.cluster.local', 'SRV', ...nodata(CL)],
  ['empty.pod.cluster.local', 'A', ...nodata(CL)],
  ['nope.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['nope.pod.cluster.local', 'A', ...nxdomain(CL)],
  // Names the schema does not have, and names too long for it (search-path expansions).
  ['www.cluster.local', 'A', ...nxdomain(CL)],
  ['a.b.c.web.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  ['web.default.svc.cluster.local.default.svc.cluster.local', 'A', ...nxdomain(CL)],
  // Outside the cluster zones: the server forwards.
  ['example.com', 'A', 'FORWARD'],
  ['local', 'SOA', 'FORWARD'],
  ['cluster.local.example.com', 'A', 'FORWARD'],
  ['xcluster.local', 'A', 'FORWARD'],
];

const spelling: Row[] = [
  // Case-insensitive (spec 2.1), answered with the question's spelling; a trailing dot is the same name.
  ['WEB.Default.SVC.Cluster.Local', 'A', 'NOERROR aa', 'WEB.Default.SVC.Cluster.Local. 5 IN A 10.96.0.10'],
  ['web.default.svc.cluster.local.', 'A', 'NOERROR aa', WEB_A],
  ['Web.Default.Svc.Cluster.Local.', 'A', 'NOERROR aa', 'Web.Default.Svc.Cluster.Local. 5 IN A 10.96.0.10'],
  ['_HTTP._TCP.web.default.svc.cluster.local', 'SRV',
    'NOERROR aa', '_HTTP._TCP.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.',
    '; additional', WEB_A],
  ['Search.Shop.svc.cluster.local', 'A', 'NOERROR aa', 'Search.Shop.svc.cluster.local. 5 IN CNAME search.example.com.'],
  ['NOPE.default.svc.CLUSTER.local', 'A', ...nxdomain(CL)],
  ['Default.SVC.cluster.local.', 'A', ...nodata(CL)],
  ['EXAMPLE.com.', 'A', 'FORWARD'],
];

const any: Row[] = [
  // ANY: one answer (RFC 8482): the addresses, else the name's first RRset.
  ['web.default.svc.cluster.local', 'ANY', 'NOERROR aa', WEB_A],
  ['dual.default.svc.cluster.local', 'ANY',
    'NOERROR aa', 'dual.default.svc.cluster.local. 5 IN A 10.96.0.11', 'dual.default.svc.cluster.local. 5 IN AAAA fd00:10:96::b'],
  ['_dns._udp.web.default.svc.cluster.local', 'ANY',
    'NOERROR aa', '_dns._udp.web.default.svc.cluster.local. 5 IN SRV 0 100 53 web.default.svc.cluster.local.',
    '; additional', WEB_A],
  ['dns-version.cluster.local', 'ANY', 'NOERROR aa', 'dns-version.cluster.local. 5 IN TXT "1.1.0"'],
  ['default.svc.cluster.local', 'ANY', ...nodata(CL)],
  ['nope.default.svc.cluster.local', 'ANY', ...nxdomain(CL)],
];

table('services', () => zones, services);
table('headless', () => zones, headless);
table('ExternalName', () => zones, externalName);
table('apex and structure', () => zones, apexAndStructure);
table('spelling', () => zones, spelling);
table('ANY', () => zones, any);
