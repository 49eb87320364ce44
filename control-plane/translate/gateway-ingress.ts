// Ingress → the gateway's routes and certificates. Every Ingress meshlet serves (model/ingress-class.ts) is
// merged into one routing table, with the Kubernetes semantics
// (https://kubernetes.io/docs/concepts/services-networking/ingress/):
//
// - One virtual host per rule host; rules with no host go to the `*` virtual host. A `*.example.com` host
//   matches one label only: its routes also match `:authority` (gateway-hostnames.ts), and after them come the
//   `*` host's routes, which is where a deeper name (`a.b.example.com`) belongs.
// - Paths: ingress-paths.ts (RouteMatch, and the "longest path first, Exact before Prefix" order).
// - Conflicts: two paths of the same host with the same match (Prefix `/a` and `/a/` are the same) — the oldest
//   Ingress (creationTimestamp, then namespace/name; model/order.ts ageKey) wins, as ingress-nginx's
//   "first created" rule; within one Ingress, the first path.
// - The default backend (spec.defaultBackend, v1beta1 spec.backend) of the oldest Ingress that has one takes what
//   no rule matches: a last route `/` in every virtual host of Ingress rules, and in `*`. Without one, `*` answers
//   404 (gateway-backends.ts NOT_FOUND).
// - TLS: spec.tls[].secretName (a kubernetes.io/tls Secret in the Ingress's namespace) serves spec.tls[].hosts.
// - `meshlet.io/ssl-redirect: "true"` (also ingress-nginx's `nginx.ingress.kubernetes.io/ssl-redirect` and the
//   older `ingress.kubernetes.io/ssl-redirect`): that Ingress's routes answer plain HTTP with a 301 to https
//   (ingress-nginx answers 308 to non-GET requests; meshlet always 301). The HTTPS routes are not redirected.
import { ageKey, sortBy } from '../model/order.js';
import type { Ingress, IngressServiceBackend, MeshSnapshot, TlsSecret } from '../model/types.js';
import {
  clusterAction,
  INGRESS_BACKEND_MISSING,
  RedirectResponseCode,
  resolveBackend,
  type Fields,
} from './gateway-backends.js';
import { ingressWildcardAuthority, isWildcard } from './gateway-hostnames.js';
import { compareIngressPaths, ingressRouteMatch, type IngressPathSpec } from './ingress-paths.js';

/** Annotations asking for the HTTP → HTTPS redirect, in the order they are read. */
export const SSL_REDIRECT_ANNOTATIONS = [
  'meshlet.io/ssl-redirect',
  'nginx.ingress.kubernetes.io/ssl-redirect',
  'ingress.kubernetes.io/ssl-redirect',
] as const;

/** A Secret serving some host names (an Ingress TLS entry, a Gateway HTTPS listener's certificateRefs). */
export interface CertificateClaim {
  readonly secret: TlsSecret;
  /** Empty: no host named (the certificate may still be the default for clients without SNI). */
  readonly serverNames: readonly string[];
}

/** The Ingress part of the gateway's configuration. */
export interface IngressRoutes {
  /** Routes per virtual host name, in order; for the plain HTTP listener (redirects applied) and for HTTPS. */
  readonly http: ReadonlyMap<string, readonly Fields[]>;
  readonly https: ReadonlyMap<string, readonly Fields[]>;
  /** The default backend's route (prefix `/`), when an Ingress has one. */
  readonly defaultRoute?: Fields;
  readonly certificates: readonly CertificateClaim[];
  /** Per Ingress (`namespace/name`), what could not be served: missing backends, Secrets, unmatchable paths. */
  readonly problems: ReadonlyMap<string, readonly string[]>;
}

export function sslRedirect(ing: Ingress): boolean {
  for (const key of SSL_REDIRECT_ANNOTATIONS) {
    const v = ing.meta.annotations[key];
    if (v !== undefined) return v === 'true';
  }
  return false;
}

const ALL_PATHS = Object.freeze({ prefix: '/' });
const HTTPS_REDIRECT = Object.freeze({ https_redirect: true, response_code: RedirectResponseCode.MOVED_PERMANENTLY });

interface PathEntry {
  readonly spec: IngressPathSpec;
  readonly key: string;
  readonly https: Fields;
  readonly http: Fields;
}

/** The rule host's virtual host name: the host, or `*` for none. */
export function ingressHost(host: string): string {
  return host === '' ? '*' : host;
}

function backendAction(snapshot: MeshSnapshot, namespace: string, backend: IngressServiceBackend, problems: string[]): Fields {
  const resolved = resolveBackend(snapshot, { namespace, name: backend.name, port: backend.port });
  if (resolved.ok) return clusterAction(resolved);
  problems.push(resolved.reason);
  return INGRESS_BACKEND_MISSING;
}

/** `served` in any order; they are read oldest first. */
export function ingressRoutes(snapshot: MeshSnapshot, served: readonly Ingress[]): IngressRoutes {
  const byAge = sortBy(served, (i) => ageKey(i.meta));
  const perHost = new Map<string, PathEntry[]>();
  const seen = new Set<string>();
  const problems = new Map<string, string[]>();
  const certificates: CertificateClaim[] = [];
  const secrets = new Map(snapshot.secrets.map((s) => [`${s.meta.namespace}/${s.meta.name}`, s]));
  let defaultRoute: Fields | undefined;

  for (const ing of byAge) {
    const id = `${ing.meta.namespace}/${ing.meta.name}`;
    const own: string[] = [];
    const redirect = sslRedirect(ing);
    ing.rules.forEach((rule, r) => {
      const host = ingressHost(rule.host);
      const authority = isWildcard(host)
        ? [{ name: ':authority', string_match: { safe_regex: { regex: ingressWildcardAuthority(host) } } }]
        : undefined;
      rule.paths.forEach((p, i) => {
        const match = ingressRouteMatch(p);
        if (match === undefined) {
          own.push(`spec.rules[${r}].http.paths[${i}]: path "${p.path}" can match no request (? or #)`);
          return;
        }
        const key = `${host} ${JSON.stringify(match)}`;
        if (seen.has(key)) {
          own.push(`spec.rules[${r}].http.paths[${i}]: host "${host}" path "${p.path}" is already served by an older rule`);
          return;
        }
        seen.add(key);
        const name = `ingress/${id}/${r}/${i}`;
        const fullMatch = authority ? { ...match, headers: authority } : match;
        const https = { name, match: fullMatch, ...backendAction(snapshot, ing.meta.namespace, p.backend, own) };
        const http = redirect ? { name, match: fullMatch, redirect: HTTPS_REDIRECT } : https;
        let list = perHost.get(host);
        if (!list) perHost.set(host, (list = []));
        list.push({ spec: p, key, https, http });
      });
    });
    if (ing.defaultBackend && defaultRoute === undefined) {
      defaultRoute = { name: `ingress/${id}/default-backend`, match: ALL_PATHS, ...backendAction(snapshot, ing.meta.namespace, ing.defaultBackend, own) };
    }
    ing.tls.forEach((tls, t) => {
      if (tls.secretName === undefined) return;
      const secret = secrets.get(`${ing.meta.namespace}/${tls.secretName}`);
      if (!secret) {
        own.push(`spec.tls[${t}].secretName: TLS Secret ${ing.meta.namespace}/${tls.secretName} not found`);
        return;
      }
      certificates.push({ secret, serverNames: tls.hosts });
    });
    if (own.length > 0) problems.set(id, own);
  }

  const http = new Map<string, Fields[]>();
  const https = new Map<string, Fields[]>();
  for (const [host, entries] of perHost) {
    // Stable: equal paths (different hosts' keys never meet here) keep the oldest Ingress first.
    entries.sort((a, b) => compareIngressPaths(a.spec, b.spec));
    http.set(host, entries.map((e) => e.http));
    https.set(host, entries.map((e) => e.https));
  }
  return { http, https, ...(defaultRoute && { defaultRoute }), certificates, problems };
}
