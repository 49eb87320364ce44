// The clusterset zone (Kubernetes DNS-Based Multicluster Service Discovery, KEP-1645): imported services only.
import { buildZones } from '../../../dns/zone/index.js';
import { nodata, nxdomain, table, TABLE, type Row } from './zone-fixtures.js';

const zones = buildZones([TABLE], { ttl: 5 });
const CS = 'clusterset.local';
const CART_A = 'cart.shop.svc.clusterset.local. 5 IN A 10.112.0.5';
const DB_EAST = 'db-0.east.db.shop.svc.clusterset.local. 5 IN A 10.244.1.30';
const DB_WEST = 'db-0.west.db.shop.svc.clusterset.local. 5 IN A 10.245.1.30';
const DB_IP = '10-245-1-31.west.db.shop.svc.clusterset.local. 5 IN A 10.245.1.31';

const clusterSetIp: Row[] = [
  // 2.3.1 / 2.3.2: the ClusterSetIP, SRV per named port targeting the clusterset name.
  ['cart.shop.svc.clusterset.local', 'A', 'NOERROR aa', CART_A],
  ['cart.shop.svc.clusterset.local', 'AAAA', ...nodata(CS)],
  ['_http._tcp.cart.shop.svc.clusterset.local', 'SRV',
    'NOERROR aa', '_http._tcp.cart.shop.svc.clusterset.local. 5 IN SRV 0 100 8080 cart.shop.svc.clusterset.local.',
    '; additional', CART_A],
  // 2.3.4: no name reaching one cluster's backends.
  ['east.cart.shop.svc.clusterset.local', 'A', ...nxdomain(CS)],
  ['west.cart.shop.svc.clusterset.local', 'A', ...nxdomain(CS)],
  // An import has no cluster-local name (only the exporting cluster's own Service has one).
  ['cart.shop.svc.cluster.local', 'A', ...nxdomain('cluster.local')],
];

const headless: Row[] = [
  // 2.4.1: every ready endpoint across the clusters, and `<hostname>.<clusterid>.<svc>` per endpoint.
  ['db.shop.svc.clusterset.local', 'A',
    'NOERROR aa',
    'db.shop.svc.clusterset.local. 5 IN A 10.244.1.30',
    'db.shop.svc.clusterset.local. 5 IN A 10.245.1.30',
    'db.shop.svc.clusterset.local. 5 IN A 10.245.1.31'],
  ['db-0.east.db.shop.svc.clusterset.local', 'A', 'NOERROR aa', DB_EAST],
  ['DB-0.West.db.shop.svc.clusterset.local', 'A', 'NOERROR aa', 'DB-0.West.db.shop.svc.clusterset.local. 5 IN A 10.245.1.30'],
  ['10-245-1-31.west.db.shop.svc.clusterset.local', 'A', 'NOERROR aa', DB_IP],
  ['db-2.west.db.shop.svc.clusterset.local', 'A', ...nxdomain(CS)],
  ['db-0.db.shop.svc.clusterset.local', 'A', ...nxdomain(CS)],
  ['west.db.shop.svc.clusterset.local', 'A', ...nodata(CS)],
  // 2.4.2: N ready endpoints × M named ports.
  ['_pg._tcp.db.shop.svc.clusterset.local', 'SRV',
    'NOERROR aa',
    '_pg._tcp.db.shop.svc.clusterset.local. 5 IN SRV 0 33 5432 db-0.east.db.shop.svc.clusterset.local.',
    '_pg._tcp.db.shop.svc.clusterset.local. 5 IN SRV 0 33 5432 db-0.west.db.shop.svc.clusterset.local.',
    '_pg._tcp.db.shop.svc.clusterset.local. 5 IN SRV 0 33 5432 10-245-1-31.west.db.shop.svc.clusterset.local.',
    '; additional', DB_EAST, DB_WEST, DB_IP],
  // The local twin keeps its own cluster-local names.
  ['db-0.db.shop.svc.cluster.local', 'A', 'NOERROR aa', 'db-0.db.shop.svc.cluster.local. 5 IN A 10.244.1.30'],
];

const zone: Row[] = [
  ['dns-version.clusterset.local', 'TXT', 'NOERROR aa', 'dns-version.clusterset.local. 5 IN TXT "1.0.0"'],
  ['clusterset.local', 'SOA',
    'NOERROR aa', 'clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. SERIAL 7200 1800 86400 5'],
  ['clusterset.local', 'NS', 'NOERROR aa', 'clusterset.local. 5 IN NS ns.dns.clusterset.local.'],
  ['svc.clusterset.local', 'A', ...nodata(CS)],
  // Namespace sameness: the namespaces of the cluster exist in the clusterset zone.
  ['default.svc.clusterset.local', 'A', ...nodata(CS)],
  ['empty.svc.clusterset.local', 'A', ...nodata(CS)],
  ['nope.svc.clusterset.local', 'A', ...nxdomain(CS)],
  // Services that are not imported have no clusterset name.
  ['web.default.svc.clusterset.local', 'A', ...nxdomain(CS)],
  ['pod.clusterset.local', 'A', ...nxdomain(CS)],
];

table('ClusterSetIP import', () => zones, clusterSetIp);
table('headless import', () => zones, headless);
table('clusterset zone', () => zones, zone);
