// The immutable listener table built from one LDS state: the listeners to bind (bind_to_port true), and the
// per-destination listeners the virtual outbound listener hands redirected connections to (Envoy's
// use_original_dst: the listener whose address is the original destination, else one on 0.0.0.0 with that
// port, else the virtual listener itself). Rebuilt and swapped whole when LDS changes.
import type { ProxyListener } from '../xds/types.js';
import { ChainMatcher } from './chain-match.js';
import { hostPort } from './downstream.js';

export class ListenerTable {
  /** Listeners that own a socket, by `address:port`. */
  readonly bound: ReadonlyMap<string, ChainMatcher>;
  private readonly byDestination: ReadonlyMap<string, ChainMatcher>;
  /** The bound listener with use_original_dst (0.0.0.0_15001): the explicit proxy's CONNECT tunnels start here. */
  readonly virtualOutbound: ChainMatcher | undefined;

  constructor(listeners: ReadonlyMap<string, ProxyListener>, previous?: ListenerTable) {
    const bound = new Map<string, ChainMatcher>();
    const byDestination = new Map<string, ChainMatcher>();
    for (const l of listeners.values()) {
      const matcher = previous?.reuse(l) ?? new ChainMatcher(l);
      (l.bindToPort ? bound : byDestination).set(hostPort(l.address, l.port), matcher);
    }
    this.bound = bound;
    this.byDestination = byDestination;
    this.virtualOutbound = [...bound.values()].find((m) => m.listener.kind === 'virtual-outbound');
  }

  /** The listener that takes a redirected connection to `address:port`, if the mesh has one. */
  forDestination(address: string, port: number): ChainMatcher | undefined {
    return this.byDestination.get(hostPort(address, port)) ?? this.byDestination.get(hostPort('0.0.0.0', port));
  }

  /** Keeps a compiled matcher when its listener object did not change (decoded resources are shared). */
  private reuse(l: ProxyListener): ChainMatcher | undefined {
    const m = (l.bindToPort ? this.bound : this.byDestination).get(hostPort(l.address, l.port));
    return m?.listener === l ? m : undefined;
  }
}
