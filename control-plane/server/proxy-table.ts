// The table of connected xDS streams: the server's ProxyRegistry, read by the admin server (/debug/syncz,
// /debug/config_dump) and `meshlet proxy-status`.
import type { ServedTypeUrl } from '../../xds/type-urls.js';
import type { NodeInfo, NodeRole } from '../translate/types.js';
import type { ProxyRegistry, ProxyState } from './sync-state.js';

/** One type in a config dump: versions and the resources the proxy was sent, as plain objects. */
export interface TypeDump {
  readonly type_url: ServedTypeUrl;
  readonly version_info: string | undefined;
  readonly acked_version: string | undefined;
  readonly resources: readonly { readonly name: string; readonly version: string; readonly resource: unknown }[];
}

/** The answer of /debug/config_dump?proxy=ID (Envoy's config_dump, one entry per type). */
export interface ConfigDump {
  readonly node: NodeInfo;
  readonly role: NodeRole;
  readonly stream: 'sotw' | 'delta';
  readonly configs: readonly TypeDump[];
}

export interface Dumpable {
  dump(): ConfigDump;
}

export class ProxyTable implements ProxyRegistry {
  private readonly streams = new Map<ProxyState, Dumpable>();

  add(state: ProxyState, stream: Dumpable): void {
    this.streams.set(state, stream);
  }

  remove(state: ProxyState): void {
    this.streams.delete(state);
  }

  get size(): number {
    return this.streams.size;
  }

  proxies(): Iterable<ProxyState> {
    return this.streams.keys();
  }

  /** The dump of the most recently connected stream of that node id (a reconnect may briefly overlap). */
  configDump(proxyId: string): ConfigDump | undefined {
    let best: [ProxyState, Dumpable] | undefined;
    for (const entry of this.streams) {
      if (entry[0].node.id === proxyId && (!best || entry[0].connectedAt >= best[0].connectedAt)) best = entry;
    }
    return best?.[1].dump();
  }
}
