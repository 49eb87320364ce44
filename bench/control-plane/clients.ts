// The simulated sidecars: N raw ADS clients (test/support/ads-client.ts) over a few shared HTTP/2 connections,
// each identifying as a meshlet sidecar, subscribing to every type the sidecar role is served and ACKing every
// response as it arrives. Each client times two things: when it has ACKed a first response of every type
// (initial sync), and when it ACKs the EDS response that carries an expected change.
import { Client, credentials } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import {
  DeltaAdsClient,
  SotwAdsClient,
  type ClientOptions,
  type DeltaResponse,
  type NodeSpec,
  type ReceivedResource,
} from '../../test/support/ads-client.js';
import type { SotwResponse } from '../../test/support/ads-client.js';
import { CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION } from '../../xds/type-urls.js';

export type Mode = 'delta' | 'sotw';

/** What one simulated client measures; times are performance.now() of the bench process. */
class Probe {
  readonly seen = new Set<string>();
  syncedAt: number | undefined;
  bytes = 0;
  responses = 0;
  /** The change being waited for: the EDS resource name and hash (delta) and when it was written. */
  expected: { readonly cluster: string; readonly hash: string; readonly since: number } | undefined;
  /** The last change's latency (ms), or undefined while waiting. */
  latency: number | undefined;
  /** EDS responses after a change that did not carry it (should stay 0 in delta). */
  strays = 0;
  /** Changes that arrived with another resource hash than the bench computed in-process (should stay 0). */
  mismatches = 0;

  constructor(
    private readonly types: readonly string[],
    private readonly group: ClientGroup,
  ) {}

  /** Called right after the client wrote its ACK. */
  acked(typeUrl: string, bytes: number, resources: () => readonly ReceivedResource[]): void {
    const now = performance.now();
    this.bytes += bytes;
    this.responses++;
    if (this.syncedAt === undefined) {
      this.seen.add(typeUrl);
      if (this.types.every((t) => this.seen.has(t))) {
        this.syncedAt = now;
        this.group.onSynced();
      }
    }
    const exp = this.expected;
    if (exp === undefined || typeUrl !== CLUSTER_LOAD_ASSIGNMENT) return;
    // SotW resources are not decoded (names are ''); the EDS response after the write is the change's.
    if (this.group.mode === 'delta') {
      const r = resources().find((x) => x.name === exp.cluster);
      if (r === undefined) {
        this.strays++;
        return;
      }
      if (r.version !== exp.hash) this.mismatches++;
    }
    this.expected = undefined;
    this.latency = now - exp.since;
    this.group.onChangeAcked();
  }
}

/**
 * The top-level fields of a (Delta)DiscoveryResponse, with the resources skipped rather than read, so that the
 * clients' work per response does not grow with the number of resources (the bench process shares the two
 * cores with the control plane). `full` decodes the resources with the test client's own decoder, on demand:
 * the probe reads them only in EDS responses that may carry an expected change.
 */
function shallowResponse<T>(buf: Buffer, full: () => T): { version: string; typeUrl: string; nonce: string; resources: () => T } {
  const r = protobuf.Reader.create(buf);
  let version = '';
  let typeUrl = '';
  let nonce = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) version = r.string();
    else if (tag === 0x22) typeUrl = r.string();
    else if (tag === 0x2a) nonce = r.string();
    else r.skipType(tag & 7);
  }
  let decoded: T | undefined;
  return { version, typeUrl, nonce, resources: () => (decoded ??= full()) };
}

class BenchDeltaClient extends DeltaAdsClient {
  constructor(
    options: ClientOptions,
    readonly probe: Probe,
  ) {
    super(options);
  }

  /** Resources and removed names are decoded only when read (the probe reads them after a change). */
  protected override decodeResponse(buf: Buffer): DeltaResponse {
    const top = shallowResponse(buf, () => super.decodeResponse(buf));
    return {
      systemVersionInfo: top.version,
      version: top.version,
      typeUrl: top.typeUrl,
      nonce: top.nonce,
      bytes: buf.length,
      get resources() {
        return top.resources().resources;
      },
      get removed() {
        return top.resources().removed;
      },
    };
  }

  protected override autoAckResponse(resp: DeltaResponse): void {
    super.autoAckResponse(resp);
    this.probe.acked(resp.typeUrl, resp.bytes, () => resp.resources);
  }
}

class BenchSotwClient extends SotwAdsClient {
  private subscribedEds = false;
  private subscribedRds = false;

  constructor(
    options: ClientOptions,
    readonly probe: Probe,
    private readonly edsNames: readonly string[],
    private readonly rdsNames: readonly string[],
  ) {
    super(options);
  }

  /** Resources are decoded only when read (nothing here reads them). */
  protected override decodeResponse(buf: Buffer): SotwResponse {
    const top = shallowResponse(buf, () => super.decodeResponse(buf));
    return {
      versionInfo: top.version,
      version: top.version,
      typeUrl: top.typeUrl,
      nonce: top.nonce,
      bytes: buf.length,
      get resources() {
        return top.resources().resources;
      },
    };
  }

  /** As Envoy: EDS by the names of the EDS clusters once CDS arrived, RDS by the route names LDS refers to. */
  protected override autoAckResponse(resp: SotwResponse): void {
    super.autoAckResponse(resp);
    if (resp.typeUrl === CLUSTER && !this.subscribedEds) {
      this.subscribedEds = true;
      this.subscribe(CLUSTER_LOAD_ASSIGNMENT, this.edsNames);
    } else if (resp.typeUrl === LISTENER && !this.subscribedRds) {
      this.subscribedRds = true;
      this.subscribe(ROUTE_CONFIGURATION, this.rdsNames);
    }
    this.probe.acked(resp.typeUrl, resp.bytes, () => []);
  }
}

export interface GroupOptions {
  readonly address: string;
  readonly clients: number;
  readonly connections: number;
  readonly mode: Mode;
  /** Types to subscribe to (the sidecar role's). */
  readonly types: readonly string[];
  /** SotW only: the names Envoy would ask for (from the translated set). */
  readonly edsNames: readonly string[];
  readonly rdsNames: readonly string[];
  /** Prefix of node ids, to tell the groups apart in logs. */
  readonly idPrefix: string;
}

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
}

/** N clients, started together, measured together. */
export class ClientGroup {
  readonly mode: Mode;
  private readonly channels: Client[] = [];
  private readonly clients: (BenchDeltaClient | BenchSotwClient)[] = [];
  private readonly probes: Probe[] = [];
  private synced = 0;
  private ackedChange = 0;
  private waiters: Waiter[] = [];

  constructor(private readonly options: GroupOptions) {
    this.mode = options.mode;
  }

  /** Opens the connections and every client's stream, and sends its subscriptions. */
  start(): void {
    const o = this.options;
    for (let c = 0; c < o.connections; c++) {
      // A local subchannel pool per channel: otherwise grpc-js would put every channel on one connection.
      this.channels.push(
        new Client(o.address, credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.max_receive_message_length': -1,
          'grpc.max_send_message_length': -1,
        }),
      );
    }
    for (let i = 0; i < o.clients; i++) {
      const probe = new Probe(o.types, this);
      const ns = `team-${String(i % 10).padStart(3, '0')}`;
      const node: NodeSpec = {
        id: `${o.idPrefix}-${i}.${ns}`,
        cluster: `app-${i}`,
        metadata: { ROLE: 'sidecar', NAMESPACE: ns, INSTANCE_IPS: `10.244.${200 + (i >> 8)}.${i & 255}` },
        locality: { zone: `zone-${'abc'[i % 3]}`, sub_zone: `node-${i % 16}` },
        userAgentName: 'meshlet-bench',
      };
      const options: ClientOptions = {
        address: o.address,
        node,
        decode: 'none',
        autoAck: true,
        keep: false,
        channel: this.channels[i % this.channels.length] as Client,
      };
      if (o.mode === 'delta') {
        const client = new BenchDeltaClient(options, probe);
        for (const typeUrl of o.types) client.send({ typeUrl, subscribe: ['*'] });
        this.clients.push(client);
      } else {
        const client = new BenchSotwClient(options, probe, o.edsNames, o.rdsNames);
        for (const typeUrl of o.types) {
          if (typeUrl !== CLUSTER_LOAD_ASSIGNMENT && typeUrl !== ROUTE_CONFIGURATION) client.subscribe(typeUrl);
        }
        this.clients.push(client);
      }
      this.probes.push(probe);
    }
  }

  onSynced(): void {
    this.synced++;
    this.check();
  }

  onChangeAcked(): void {
    this.ackedChange++;
    this.check();
  }

  private check(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.done()) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  /** Resolves when every client has ACKed a first response of every type. */
  allSynced(): Promise<void> {
    return this.until(() => this.synced === this.probes.length);
  }

  /** Initial sync times (performance.now()) of the clients, for the slowest. */
  syncTimes(): number[] {
    return this.probes.map((p) => p.syncedAt ?? Number.NaN);
  }

  /** Arms every client to time its ACK of the EDS response carrying `cluster` at `hash`, from `since`. */
  expect(cluster: string, hash: string, since: number): void {
    this.ackedChange = 0;
    const expected = { cluster, hash, since };
    for (const p of this.probes) {
      p.latency = undefined;
      p.expected = expected;
    }
  }

  /** Resolves when every armed client ACKed the change; then `latencies()` holds one sample per client. */
  allAcked(): Promise<void> {
    return this.until(() => this.ackedChange === this.probes.length);
  }

  latencies(): number[] {
    return this.probes.map((p) => p.latency ?? Number.NaN);
  }

  /** How many clients have not ACKed the armed change (for a timeout message). */
  pending(): number {
    return this.probes.length - this.ackedChange;
  }

  /** Sum over clients of response bytes received and responses, and EDS responses that missed the change. */
  totals(): { bytes: number; responses: number; strays: number; mismatches: number } {
    const t = { bytes: 0, responses: 0, strays: 0, mismatches: 0 };
    for (const p of this.probes) {
      t.bytes += p.bytes;
      t.responses += p.responses;
      t.strays += p.strays;
      t.mismatches += p.mismatches;
    }
    return t;
  }

  close(): void {
    for (const c of this.clients.splice(0)) c.close();
    for (const ch of this.channels.splice(0)) ch.close();
  }
}
