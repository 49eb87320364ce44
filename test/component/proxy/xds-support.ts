// Helpers of the sidecar xDS client component tests: a client against a harness server, bounded waits on its
// events, and the server's view of the client.
import { once } from 'node:events';
import type { TypeSyncState } from '../../../control-plane/server/sync-state.js';
import type { AdsServer } from '../../../control-plane/server/server.js';
import { AdsClient, sidecarNode, type AdsClientEvents, type AdsMode } from '../../../proxy/xds/ads-client.js';
import type { ProxyConfig } from '../../../proxy/xds/types.js';
import type { ServedTypeUrl } from '../../../xds/type-urls.js';

export const POD_IP = '10.244.1.9';

export function sidecarClient(address: string, mode: AdsMode, id = 'pod-a'): AdsClient {
  const client = new AdsClient({ address, mode, node: sidecarNode(id, 'default', [POD_IP]), backoff: { initialMs: 20, maxMs: 200 } });
  client.start();
  return client;
}

/** The first emission of `event` within `timeoutMs`. */
export async function next<K extends keyof AdsClientEvents>(client: AdsClient, event: K, timeoutMs = 3000): Promise<AdsClientEvents[K]> {
  const args = await once(client, event, { signal: AbortSignal.timeout(timeoutMs) });
  return args as AdsClientEvents[K];
}

/** The first config (the current one included) for which `check` holds, within `timeoutMs`. */
export function configWhere(client: AdsClient, check: (c: ProxyConfig) => boolean, timeoutMs = 3000): Promise<ProxyConfig> {
  if (check(client.config)) return Promise.resolve(client.config);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('config', listener);
      reject(new Error(`no matching config within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (c: ProxyConfig): void => {
      if (!check(c)) return;
      clearTimeout(timer);
      client.off('config', listener);
      resolve(c);
    };
    client.on('config', listener);
  });
}

/** The server's sync state of one type for the proxy `id`. */
export function syncState(server: AdsServer, id: string, typeUrl: ServedTypeUrl): TypeSyncState | undefined {
  return [...server.proxies()].find((p) => p.node.id === id)?.types.get(typeUrl);
}
