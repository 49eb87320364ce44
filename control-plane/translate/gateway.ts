// The ingress gateway's listeners and routes (LDS + RDS), from the Ingresses meshlet serves
// (model/ingress-class.ts, with the default class options: class `meshlet`, and Ingresses without a class) and
// the Gateways of class `meshlet` with their HTTPRoutes. One module per concern:
//   gateway-ingress.ts (Ingress → routes, certificates) · gateway-api.ts (Gateway/HTTPRoute → routes,
//   certificates, attachment status) · http-route-precedence.ts · gateway-hostnames.ts · gateway-backends.ts
//   (cluster names, actions) · gateway-routes.ts (RDS) · gateway-listeners.ts (LDS).
// The gateway's clusters are every service's (roles.ts addServiceClusters), so every backend that resolves has
// its cluster in the same set.
import { servedIngresses } from '../model/ingress-class.js';
import type { MeshSnapshot } from '../model/types.js';
import type { XdsResource } from '../../xds/resource.js';
import { gatewayApiRoutes } from './gateway-api.js';
import { ingressRoutes, type IngressRoutes } from './gateway-ingress.js';
import { gatewayHttpListener, gatewayHttpsListener } from './gateway-listeners.js';
import { gatewayRouteConfiguration, httpRouteName, httpsRouteName } from './gateway-routes.js';
import type { GatewayPorts } from './types.js';

/** The gateway's ports when its node metadata names none (`meshlet gateway` defaults, DESIGN.md). */
export const DEFAULT_GATEWAY_PORTS: GatewayPorts = Object.freeze({ http: 8080, https: 8443 });

const ingressCache = new WeakMap<MeshSnapshot, IngressRoutes>();

/** The Ingress part, memoised per snapshot (gateways on other ports and the admin status share it). */
export function gatewayIngressRoutes(snapshot: MeshSnapshot): IngressRoutes {
  let r = ingressCache.get(snapshot);
  if (!r) {
    r = ingressRoutes(snapshot, servedIngresses(snapshot));
    ingressCache.set(snapshot, r);
  }
  return r;
}

/**
 * The last resource of each name (per ports), so that a rebuild with the same bytes hands back the same object:
 * the cache and the delta server tell "unchanged" by identity (as service-resources.ts's memo gives the sidecar).
 */
const previous = new Map<string, XdsResource>();

function interned(ports: GatewayPorts, r: XdsResource): XdsResource {
  const key = `${ports.http}/${ports.https} ${r.typeUrl} ${r.name}`;
  const old = previous.get(key);
  if (old && old.hash === r.hash) return old;
  previous.set(key, r);
  return r;
}

export function gatewayResources(snapshot: MeshSnapshot, ports: GatewayPorts): { listeners: XdsResource[]; routes: XdsResource[] } {
  const built = buildGateway(snapshot, ports);
  return { listeners: built.listeners.map((r) => interned(ports, r)), routes: built.routes.map((r) => interned(ports, r)) };
}

function buildGateway(snapshot: MeshSnapshot, ports: GatewayPorts): { listeners: XdsResource[]; routes: XdsResource[] } {
  const ingress = gatewayIngressRoutes(snapshot);
  const api = gatewayApiRoutes(snapshot);
  const dflt = ingress.defaultRoute ? { defaultRoute: ingress.defaultRoute } : {};
  const listeners = [gatewayHttpListener(ports.http)];
  const routes = [gatewayRouteConfiguration(httpRouteName(ports.http), { gatewayApi: api.http, ingress: ingress.http, ...dflt })];
  const https = gatewayHttpsListener(ports.https, [...ingress.certificates, ...api.certificates]);
  if (https) {
    listeners.push(https);
    routes.push(gatewayRouteConfiguration(httpsRouteName(ports.https), { gatewayApi: api.https, ingress: ingress.https, ...dflt }));
  }
  return { listeners, routes };
}
