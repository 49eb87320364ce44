// Filter chain selection (Envoy: listener_components.proto FilterChainMatch). Criteria are applied in Envoy's
// order and each narrows the candidates to the most specific ones: destination_port (an exact match beats no
// port), then the destination IP (the longest matching prefix_range beats no range), then the SNI the
// tls_inspector found (server_names: an exact name beats the longest matching `*.suffix`, which beats a chain
// naming none), then the transport protocol (`tls` / `raw_buffer`), then the application protocol that sniffing
// found (a chain naming it beats a chain naming none). Compiled once per LDS update.
import { BlockList, isIPv6 } from 'node:net';
import type { ProxyFilterChain, ProxyListener } from '../xds/types.js';
import type { SniffedProtocol } from './sniff.js';

interface CompiledChain {
  readonly chain: ProxyFilterChain;
  /** One BlockList per prefix_range with its length, longest first; empty for "any destination". */
  readonly ranges: readonly { readonly list: BlockList; readonly length: number }[];
}

/** What the tls_inspector learned about a connection; absent when the listener does not inspect. */
export interface TlsInspection {
  readonly transportProtocol: 'tls' | 'raw_buffer';
  readonly serverName?: string;
}

export class ChainMatcher {
  private readonly chains: readonly CompiledChain[];
  /** Whether any chain depends on the application protocol: then the listener must sniff. */
  readonly sniffs: boolean;
  /** Whether any chain matches on SNI or transport protocol, or terminates TLS: then the listener inspects TLS. */
  readonly inspectsTls: boolean;

  constructor(readonly listener: ProxyListener) {
    this.chains = listener.filterChains.map(compile);
    this.sniffs = listener.filterChains.some((c) => c.applicationProtocols.length > 0);
    this.inspectsTls = listener.filterChains.some((c) => c.serverNames.length > 0 || c.transportProtocol !== undefined || c.tls !== undefined);
  }

  select(address: string, port: number, protocol: SniffedProtocol | undefined, tls?: TlsInspection): ProxyFilterChain | undefined {
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    let candidates = this.chains.filter((c) => c.chain.destinationPort === port);
    if (candidates.length === 0) candidates = this.chains.filter((c) => c.chain.destinationPort === undefined);
    let best = -1;
    let byAddress: CompiledChain[] = [];
    for (const c of candidates) {
      const length = c.ranges.length === 0 ? -1 : matchLength(c, address, family);
      if (length === undefined || length < best) continue;
      if (length > best) [best, byAddress] = [length, []];
      byAddress.push(c);
    }
    const byName = byServerName(byAddress, tls?.serverName);
    // Without the tls_inspector a connection is raw_buffer, as in Envoy.
    const transport = tls?.transportProtocol ?? 'raw_buffer';
    let byTransport = byName.filter((c) => c.chain.transportProtocol === transport);
    if (byTransport.length === 0) byTransport = byName.filter((c) => c.chain.transportProtocol === undefined);
    const named = protocol === undefined ? undefined : byTransport.find((c) => c.chain.applicationProtocols.includes(protocol));
    return (named ?? byTransport.find((c) => c.chain.applicationProtocols.length === 0))?.chain;
  }
}

/**
 * server_names: the chains naming `name` exactly, else those whose wildcard is the longest matching suffix
 * (`*.b.example.com` before `*.example.com`; a wildcard matches deeper names too, as Envoy's), else the chains
 * naming no server. A connection without SNI only gets the latter.
 */
function byServerName(candidates: readonly CompiledChain[], name: string | undefined): readonly CompiledChain[] {
  if (name !== undefined && candidates.some((c) => c.chain.serverNames.length > 0)) {
    const exact = candidates.filter((c) => c.chain.serverNames.includes(name));
    if (exact.length > 0) return exact;
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      const wildcard = `*${name.slice(dot)}`;
      const matched = candidates.filter((c) => c.chain.serverNames.includes(wildcard));
      if (matched.length > 0) return matched;
    }
  }
  return candidates.filter((c) => c.chain.serverNames.length === 0);
}

function compile(chain: ProxyFilterChain): CompiledChain {
  const ranges = chain.prefixRanges.map((r) => {
    const [address = '', len = '0'] = r.split('/');
    const list = new BlockList();
    const length = Number(len);
    list.addSubnet(address, length, isIPv6(address) ? 'ipv6' : 'ipv4');
    return { list, length };
  });
  return { chain, ranges: ranges.sort((a, b) => b.length - a.length) };
}

/** The longest of the chain's ranges that contains the address, or undefined when none does. */
function matchLength(c: CompiledChain, address: string, family: 'ipv4' | 'ipv6'): number | undefined {
  for (const r of c.ranges) if (r.list.check(address, family)) return r.length;
  return undefined;
}
