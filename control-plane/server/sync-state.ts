// Per-proxy, per-type xDS sync state: what was sent, acknowledged and rejected. The ADS server writes it; the
// admin server (/debug/syncz, /debug/config_dump) and `meshlet proxy-status` read it.
import type { ServedTypeUrl } from '../../xds/type-urls.js';
import type { NodeInfo, NodeRole } from '../translate/types.js';

export interface TypeSyncState {
  readonly typeUrl: ServedTypeUrl;
  /** version_info / system_version_info of the last response sent, and its nonce. */
  sentVersion?: string;
  sentNonce?: string;
  sentAt?: number;
  /** The version the proxy last ACKed (a request with the latest nonce and no error_detail). */
  ackedVersion?: string;
  ackedAt?: number;
  /** Set while the latest response is NACKed: the version rejected and the proxy's error_detail message. */
  nackedVersion?: string;
  nackError?: string;
  nackCount: number;
  /** Names subscribed; empty with `wildcard` true means everything of the type. */
  subscribed: string[];
  wildcard: boolean;
}

export type SyncStatus = 'SYNCED' | 'STALE' | 'NOT SENT' | 'NACKED';

/** Istio's proxy-status vocabulary: SYNCED when the proxy ACKed what was sent last. */
export function syncStatusOf(state: TypeSyncState | undefined): SyncStatus {
  if (!state || state.sentNonce === undefined) return 'NOT SENT';
  if (state.nackedVersion !== undefined) return 'NACKED';
  return state.ackedVersion === state.sentVersion ? 'SYNCED' : 'STALE';
}

export interface ProxyState {
  readonly node: NodeInfo;
  /** The role in effect: from metadata, or inferred from the first subscriptions. */
  role: NodeRole;
  readonly stream: 'sotw' | 'delta';
  readonly peer: string;
  readonly connectedAt: number;
  readonly types: Map<ServedTypeUrl, TypeSyncState>;
}

/** Read side of the server's proxy table. */
export interface ProxyRegistry {
  proxies(): Iterable<ProxyState>;
  /** The resources last sent to the proxy, by type then name, as plain objects (Envoy config_dump shape). */
  configDump(proxyId: string): unknown;
}
