// Filter chain selection (Envoy: listener_components.proto FilterChainMatch). Criteria are applied in Envoy's
// order and each narrows the candidates to the most specific ones: destination_port (an exact match beats no
// port), then the destination IP (the longest matching prefix_range beats no range), then the application
// protocol that sniffing found (a chain naming it beats a chain naming none). Compiled once per LDS update.
import { BlockList, isIPv6 } from 'node:net';
import type { ProxyFilterChain, ProxyListener } from '../xds/types.js';
import type { SniffedProtocol } from './sniff.js';

interface CompiledChain {
  readonly chain: ProxyFilterChain;
  /** One BlockList per prefix_range with its length, longest first; empty for "any destination". */
  readonly ranges: readonly { readonly list: BlockList; readonly length: number }[];
}

export class ChainMatcher {
  private readonly chains: readonly CompiledChain[];
  /** Whether any chain depends on the application protocol: then the listener must sniff. */
  readonly sniffs: boolean;

  constructor(readonly listener: ProxyListener) {
    this.chains = listener.filterChains.map(compile);
    this.sniffs = listener.filterChains.some((c) => c.applicationProtocols.length > 0);
  }

  select(address: string, port: number, protocol: SniffedProtocol | undefined): ProxyFilterChain | undefined {
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
    const named = protocol === undefined ? undefined : byAddress.find((c) => c.chain.applicationProtocols.includes(protocol));
    return (named ?? byAddress.find((c) => c.chain.applicationProtocols.length === 0))?.chain;
  }
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
