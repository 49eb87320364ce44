// Virtual host selection by the request's authority, as Envoy's RouteMatcher::findVirtualHost (envoy docs,
// config/route/v3/route_components.proto VirtualHost.domains): an exact domain first, then suffix wildcards
// (`*.foo.com`, `*-bar.foo.com`) longest first, then prefix wildcards (`foo.*`) longest first, then `*`.
// Matching is case-insensitive and a wildcard stands for at least one character (`*.foo.com` does not match
// `.foo.com`).
//
// Ports: the authority is first matched as sent, since the control plane lists both `reviews` and
// `reviews:9080`. When no domain but `*` matches an authority with a port, it is matched again with the port
// stripped (what Envoy does up front with HttpConnectionManager.strip_any_host_port) before falling back to `*`.
//
// Wildcards are grouped by length, longest first, each group a Map keyed by the literal part: a lookup is one
// substring and one Map probe per distinct wildcard length, like Envoy's per-length maps.

interface WildcardGroup<T> {
  /** The length of the literal part (`.foo.com` of `*.foo.com`). */
  readonly length: number;
  readonly byLiteral: Map<string, T>;
}

export class DomainIndex<T> {
  private readonly exact = new Map<string, T>();
  private readonly suffixes: WildcardGroup<T>[] = [];
  private readonly prefixes: WildcardGroup<T>[] = [];
  private any: T | undefined;

  /**
   * `entries` in configuration order. A domain listed twice keeps its first virtual host (Envoy rejects such a
   * configuration outright; the decoder does not, so the earlier one wins here).
   */
  constructor(entries: readonly { readonly domains: readonly string[]; readonly value: T }[]) {
    for (const { domains, value } of entries) {
      for (const domain of domains) this.add(domain.toLowerCase(), value);
    }
    this.suffixes.sort((a, b) => b.length - a.length);
    this.prefixes.sort((a, b) => b.length - a.length);
  }

  find(authority: string): T | undefined {
    const host = authority.toLowerCase();
    let found = this.findNamed(host);
    if (found === undefined) {
      const colon = portStart(host);
      if (colon >= 0) found = this.findNamed(host.slice(0, colon));
    }
    return found ?? this.any;
  }

  private add(domain: string, value: T): void {
    if (domain === '*') {
      this.any ??= value;
    } else if (domain.startsWith('*')) {
      addWildcard(this.suffixes, domain.slice(1), value);
    } else if (domain.endsWith('*')) {
      addWildcard(this.prefixes, domain.slice(0, -1), value);
    } else if (!this.exact.has(domain)) {
      this.exact.set(domain, value);
    }
  }

  private findNamed(host: string): T | undefined {
    const exact = this.exact.get(host);
    if (exact !== undefined) return exact;
    for (const g of this.suffixes) {
      if (g.length >= host.length) continue;
      const v = g.byLiteral.get(host.slice(host.length - g.length));
      if (v !== undefined) return v;
    }
    for (const g of this.prefixes) {
      if (g.length >= host.length) continue;
      const v = g.byLiteral.get(host.slice(0, g.length));
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

function addWildcard<T>(groups: WildcardGroup<T>[], literal: string, value: T): void {
  let group = groups.find((g) => g.length === literal.length);
  if (group === undefined) {
    group = { length: literal.length, byLiteral: new Map() };
    groups.push(group);
  }
  if (!group.byLiteral.has(literal)) group.byLiteral.set(literal, value);
}

/**
 * The index of the colon before a port, or -1: `host:80`, `10.0.0.1:80`, `[fd00::1]:80` have one; `host`,
 * `[fd00::1]` and a bare IPv6 address (`fd00::1`, whose last colon is not a port's) do not. As Envoy's
 * HeaderUtility::getPortStart, plus the requirement that the port be digits.
 */
export function portStart(host: string): number {
  const colon = host.lastIndexOf(':');
  if (colon <= 0 || colon === host.length - 1) return -1;
  const bracketed = host.charCodeAt(0) === 0x5b; /* [ */
  if (bracketed ? host.charCodeAt(colon - 1) !== 0x5d /* ] */ : host.indexOf(':') !== colon) return -1;
  for (let i = colon + 1; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return colon;
}
