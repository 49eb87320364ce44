// /debug/syncz: per proxy and type, what was sent, ACKed and NACKed (Istio's `istioctl proxy-status` source).
import { PUSH_ORDER, SHORT_NAME } from '../../xds/type-urls.js';
import { syncStatusOf, type ProxyRegistry, type SyncStatus } from '../server/sync-state.js';

export interface SynczType {
  readonly status: SyncStatus;
  readonly sent?: string;
  readonly acked?: string;
  readonly nacked?: string;
  readonly error?: string;
  readonly nacks: number;
  readonly subscribed: number | '*';
}

export interface SynczEntry {
  readonly proxy: string;
  readonly role: string;
  readonly namespace: string;
  readonly stream: 'sotw' | 'delta';
  readonly peer: string;
  readonly userAgent: string;
  readonly connectedAt: string;
  /** Keyed by short type name: CDS, EDS, LDS, RDS, NDS. */
  readonly types: Readonly<Record<string, SynczType>>;
}

export function buildSyncz(registry: ProxyRegistry): SynczEntry[] {
  const out: SynczEntry[] = [];
  for (const proxy of registry.proxies()) {
    const types: Record<string, SynczType> = {};
    for (const typeUrl of PUSH_ORDER) {
      const state = proxy.types.get(typeUrl);
      const entry: SynczType = {
        status: syncStatusOf(state),
        nacks: state?.nackCount ?? 0,
        subscribed: state === undefined ? 0 : state.wildcard ? '*' : state.subscribed.length,
        ...(state?.sentVersion !== undefined && { sent: state.sentVersion }),
        ...(state?.ackedVersion !== undefined && { acked: state.ackedVersion }),
        ...(state?.nackedVersion !== undefined && { nacked: state.nackedVersion }),
        ...(state?.nackError !== undefined && { error: state.nackError }),
      };
      types[SHORT_NAME[typeUrl]] = entry;
    }
    out.push({
      proxy: proxy.node.id,
      role: proxy.role,
      namespace: proxy.node.namespace,
      stream: proxy.stream,
      peer: proxy.peer,
      userAgent: proxy.node.userAgent,
      connectedAt: new Date(proxy.connectedAt).toISOString(),
      types,
    });
  }
  return out.sort((a, b) => a.proxy.localeCompare(b.proxy));
}
