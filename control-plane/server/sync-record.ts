// Bookkeeping of what a stream sent, and what the proxy ACKed or NACKed, in its TypeSyncState (read by
// /debug/syncz) and in the control-plane metrics.
import type { Logger } from '../../common/log.js';
import { SHORT_NAME, type ServedTypeUrl } from '../../xds/type-urls.js';
import type { ControlPlaneMetrics } from '../admin/metrics.js';
import type { TypeSyncState } from './sync-state.js';
import type { ErrorDetail } from './wire-decode.js';

/** Metric attributes per type, allocated once. */
const TYPE_ATTRS = Object.fromEntries(Object.entries(SHORT_NAME).map(([url, type]) => [url, { type }])) as Record<
  ServedTypeUrl,
  { readonly type: string }
>;

export function newSyncState(typeUrl: ServedTypeUrl): TypeSyncState {
  return { typeUrl, nackCount: 0, subscribed: [], wildcard: false };
}

/** An ACK: the request echoed the latest nonce without error_detail. */
export function recordAck(sync: TypeSyncState, version: string, now: number): void {
  sync.ackedVersion = version;
  sync.ackedAt = now;
  sync.nackedVersion = undefined;
  sync.nackError = undefined;
}

/** A NACK (error_detail set): logged, kept per proxy and counted; the rejected version is not resent. */
export function recordNack(
  sync: TypeSyncState,
  detail: ErrorDetail,
  node: string | undefined,
  log: Logger,
  metrics: ControlPlaneMetrics | undefined,
): void {
  sync.nackedVersion = sync.sentVersion;
  sync.nackError = detail.message;
  sync.nackCount++;
  metrics?.nacks.add(1, TYPE_ATTRS[sync.typeUrl]);
  log.warn(
    { node, type: SHORT_NAME[sync.typeUrl], version: sync.sentVersion, nonce: sync.sentNonce, error: detail.message },
    'xDS NACK: the proxy rejected the configuration and keeps its previous one',
  );
}

/** A response written; `changedAt` is set for pushes caused by a model change (the push-time histogram). */
export function recordSent(
  sync: TypeSyncState,
  sent: { readonly version: string; readonly nonce: string; readonly bytes: number },
  now: number,
  changedAt: number | undefined,
  metrics: ControlPlaneMetrics | undefined,
): void {
  sync.sentVersion = sent.version;
  sync.sentNonce = sent.nonce;
  sync.sentAt = now;
  if (!metrics) return;
  const attrs = TYPE_ATTRS[sync.typeUrl];
  metrics.pushes.add(1, attrs);
  metrics.pushedBytes.add(sent.bytes, attrs);
  if (changedAt !== undefined) metrics.pushTime.record(Math.max(0, now - changedAt) / 1000, attrs);
}
