// Host names of the gateway's virtual hosts: Kubernetes Ingress wildcards, Gateway API hostname intersection.
//
// Ingress (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards): "`*.foo.com`
// matches `bar.foo.com` but not `baz.bar.foo.com` ... the wildcard only covers a single DNS label". Envoy's
// `*.foo.com` domain matches any depth (VirtualHost.domains), so Ingress routes in a wildcard virtual host also
// match `:authority` against ingressWildcardAuthority's one-label regex.
//
// Gateway API (HTTPRoute spec.hostnames, Listener.hostname): a wildcard `*.example.com` matches every host with
// that suffix, at any depth, but not `example.com` itself — exactly Envoy's. A route attaches to a listener only
// if their hostnames intersect; the intersection is the more specific of the two.

/** `*.example.com`: a wildcard first label (the only form both APIs allow). */
export function isWildcard(host: string): boolean {
  return host.startsWith('*.');
}

/** Escapes a literal for RE2 (and JavaScript) regular expressions. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The `:authority` pattern of an Ingress wildcard host: one label, then the suffix, then an optional port
 * (HTTP/1.1 Host and :authority carry the port when it is not the scheme's default).
 * `*.example.com` → `^[^.]+\.example\.com(:[0-9]+)?$`.
 */
export function ingressWildcardAuthority(host: string): string {
  return `^[^.]+${escapeRegex(host.slice(1))}(:[0-9]+)?$`;
}

/** Whether a Gateway API wildcard (`*.example.com`) covers `host` (exact or wildcard): a longer suffix. */
function covers(wildcard: string, host: string): boolean {
  const suffix = wildcard.slice(1); // `.example.com`
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The intersection of a listener's hostname and one route hostname (Gateway API, HTTPRoute spec.hostnames):
 * equal names; an exact name under the other's wildcard; of two wildcards, the longer when it falls under the
 * shorter. undefined: they do not intersect. An absent listener hostname allows every host.
 */
export function intersectHostname(listener: string | undefined, route: string): string | undefined {
  if (listener === undefined || listener === route) return route;
  if (isWildcard(listener) && covers(listener, route)) return route;
  if (isWildcard(route) && covers(route, listener)) return listener;
  return undefined;
}

/**
 * The virtual host names a route gets on a listener: each intersection of the listener's hostname with the route's
 * hostnames; a route without hostnames takes the listener's (`*`, every host, when the listener has none).
 * Empty: they do not intersect, and the route does not attach to this listener.
 */
export function attachedHostnames(listener: string | undefined, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listener ?? '*'];
  const out: string[] = [];
  for (const h of routeHostnames) {
    const i = intersectHostname(listener, h);
    if (i !== undefined && !out.includes(i)) out.push(i);
  }
  return out;
}
