// Keeps one listening socket per bound LDS listener (bind_to_port true): new listeners are bound, removed ones
// stop accepting while their connections finish (Envoy drains a removed listener the same way), and an
// unchanged listener keeps its socket across updates, so config changes never break connections.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/log.js';
import type { ChainMatcher } from './chain-match.js';
import { hostPort } from './downstream.js';
import type { ListenerTable } from './listener-table.js';

export interface ListenerManagerOptions {
  /** Accepts a connection on a bound listener; looks the matcher up anew so LDS changes apply at once. */
  readonly onConnection: (key: string, socket: Socket) => void;
  /** LDS port → port actually bound (tests bind the capture ports on free ones). */
  readonly portMap?: ReadonlyMap<number, number>;
  /**
   * Replaces a listener's unspecified address 0.0.0.0 (tests without a namespace bind loopback only); listeners
   * on a specific address (the node role's LoadBalancer IPs) keep it.
   */
  readonly bindAddress?: string;
  readonly logger: Logger;
}

export class ListenerManager {
  private readonly servers = new Map<string, Server>();
  private draining = false;

  constructor(private readonly options: ListenerManagerOptions) {}

  /** Binds what the table has and the manager does not, closes what it no longer has. */
  async reconcile(table: ListenerTable): Promise<void> {
    if (this.draining) return;
    for (const [key, server] of this.servers) {
      if (table.bound.has(key)) continue;
      this.servers.delete(key);
      server.close();
    }
    const binds: Promise<void>[] = [];
    for (const [key, matcher] of table.bound) if (!this.servers.has(key)) binds.push(this.bind(key, matcher));
    await Promise.all(binds);
  }

  /** The address a listener actually bound (after port mapping), for tests and the admin page. */
  addressOf(key: string): { address: string; port: number } | undefined {
    const a = this.servers.get(key)?.address();
    return a !== null && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
  }

  get keys(): string[] {
    return [...this.servers.keys()];
  }

  /** Stops accepting on every listener (drain); open connections are left to finish. */
  stopAccepting(): void {
    this.draining = true;
    for (const server of this.servers.values()) server.close();
    this.servers.clear();
  }

  private bind(key: string, matcher: ChainMatcher): Promise<void> {
    const l = matcher.listener;
    const port = this.options.portMap?.get(l.port) ?? l.port;
    const host = l.address === '0.0.0.0' ? (this.options.bindAddress ?? l.address) : l.address;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => this.options.onConnection(key, socket));
    this.servers.set(key, server);
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this.options.logger.error({ listener: l.name, address: hostPort(host, port), err: err.message }, 'cannot bind listener');
        this.servers.delete(key);
        resolve();
      });
      server.listen({ host, port, backlog: 1024 }, () => {
        this.options.logger.info({ listener: l.name, address: hostPort(host, port) }, 'listening');
        resolve();
      });
    });
  }
}
