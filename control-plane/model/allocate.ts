// ClusterIP allocation. Kubernetes keeps allocations in etcd; meshlet has no store, so it makes them
// deterministic instead: the same Service gets the same address after a restart. Claims are processed in a
// stable order:
//   1. declared ClusterIPs (spec.clusterIP). Two Services declaring one address: the one that held it in the
//      previous snapshot keeps it, else the older (creationTimestamp, then namespace/name). The other gets a
//      CONFLICT error and falls back to its last good version, or is left out if it never had one.
//   2. Services that had an address in the previous snapshot keep it (if still inside the CIDR and free).
//   3. New Services, oldest first: FNV-1a 64 of `namespace/name` picks an offset in the CIDR; linear probing on
//      collision. With no previous snapshot (a restart), steps 2 and 3 replay the same order, so addresses
//      repeat as long as creation order is what it was.
// Never handed out: the network address, the first address (kube-apiserver gives it to the `kubernetes`
// Service) and, for IPv4, the broadcast address — the reservations of Kubernetes' ipallocator.
// A declared ClusterIP outside the CIDR is accepted with a warning: manifests exported from a cluster with
// another service CIDR carry such addresses, and the mesh routes them all the same.
import { ErrorCode } from '../../common/errors.js';
import { canonicalIP, cidrContains, formatAddress, parseAddress, type Cidr } from './cidr.js';
import { fnv1a64 } from './hash.js';
import { ageKey, keyOf, sortBy } from './order.js';
import type { ConfigError, ResolvedService, Service } from './types.js';

export interface Allocation {
  /** The version of each Service to publish (a fallback to the previous one after a conflict), by key. */
  readonly services: ReadonlyMap<string, Service>;
  /** Canonical ClusterIP of every Service that has one, by key. */
  readonly clusterIPs: ReadonlyMap<string, string>;
  readonly errors: readonly ConfigError[];
  readonly warnings: readonly ConfigError[];
}

function needsAddress(s: Service): boolean {
  return s.type !== 'ExternalName' && s.clusterIP !== 'None';
}

function declaredIP(s: Service): string | undefined {
  return needsAddress(s) && s.clusterIP !== undefined ? canonicalIP(s.clusterIP) : undefined;
}

function serviceError(s: Service, message: string, code: string): ConfigError {
  return { file: s.meta.origin.file, object: `Service ${keyOf(s.meta)}`, field: 'spec.clusterIP', message, code };
}

export function allocateClusterIPs(
  current: ReadonlyMap<string, Service>,
  previous: ReadonlyMap<string, ResolvedService>,
  cidr: Cidr,
): Allocation {
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  const services = resolveDeclaredConflicts(new Map(current), previous, errors);
  const pool = new AddressPool(cidr);
  const clusterIPs = new Map<string, string>();
  const pending: [string, Service][] = [];
  for (const [key, s] of services) {
    const ip = declaredIP(s);
    if (ip !== undefined) {
      if (!pool.claim(ip)) {
        const message = `${s.clusterIP} is outside the service CIDR ${cidr.text}; used as declared`;
        warnings.push(serviceError(s, message, ErrorCode.INVALID_OBJECT));
      }
      clusterIPs.set(key, ip);
    } else if (needsAddress(s)) pending.push([key, s]);
  }
  // Previous holders cannot collide with each other (the previous snapshot had no conflicts), so their order
  // does not matter; only declared addresses (claimed above) can take their address away.
  const fresh: [string, Service][] = [];
  for (const entry of pending) {
    const before = previous.get(entry[0])?.clusterIP;
    if (before !== undefined && pool.claimIfFree(before)) clusterIPs.set(entry[0], before);
    else fresh.push(entry);
  }
  for (const [key, s] of sortBy(fresh, ([, svc]) => ageKey(svc.meta))) {
    const ip = pool.allocate(key);
    if (ip !== undefined) clusterIPs.set(key, ip);
    else {
      errors.push(serviceError(s, `no free address left in the service CIDR ${cidr.text}`, ErrorCode.ALLOCATION_EXHAUSTED));
      services.delete(key);
    }
  }
  return { services, clusterIPs, errors, warnings };
}

/**
 * Settles Services that declare the same ClusterIP (step 1). A loser falls back to its previous version, which
 * may declare another address and contest it in turn, so this repeats until no address is contested; each
 * Service can only step back once (current → previous → left out), so it ends.
 */
function resolveDeclaredConflicts(
  services: Map<string, Service>,
  previous: ReadonlyMap<string, ResolvedService>,
  errors: ConfigError[],
): Map<string, Service> {
  for (;;) {
    const claimants = new Map<string, Service[]>();
    for (const s of services.values()) {
      const ip = declaredIP(s);
      if (ip === undefined) continue;
      const group = claimants.get(ip);
      if (group === undefined) claimants.set(ip, [s]);
      else group.push(s);
    }
    let settled = true;
    for (const [ip, group] of claimants) {
      if (group.length < 2) continue;
      settled = false;
      const holder = group.find((s) => previous.get(keyOf(s.meta))?.clusterIP === ip);
      const winner = holder ?? sortBy(group, (svc) => ageKey(svc.meta))[0];
      for (const loser of group) {
        if (loser === winner || winner === undefined) continue;
        const key = keyOf(loser.meta);
        errors.push(serviceError(loser, `${loser.clusterIP} is already the ClusterIP of Service ${keyOf(winner.meta)}`, ErrorCode.CONFLICT));
        const fallback = previous.get(key)?.service;
        if (fallback !== undefined && fallback !== loser) services.set(key, fallback);
        else services.delete(key);
      }
    }
    if (settled) return services;
  }
}

/** The addresses of a CIDR that may be handed out, and which of them are taken. */
class AddressPool {
  readonly #cidr: Cidr;
  readonly #first: bigint;
  readonly #count: bigint;
  readonly #taken = new Set<string>();
  #takenInRange = 0n;

  constructor(cidr: Cidr) {
    this.#cidr = cidr;
    this.#first = 2n; // skip the network address and the first address
    const last = cidr.family === 4 ? cidr.size - 2n : cidr.size - 1n; // IPv4: skip the broadcast address
    this.#count = last >= this.#first ? last - this.#first + 1n : 0n;
  }

  /** Whether `ip` (canonical) lies in the allocatable range. IPv4 takes a fast path on plain numbers. */
  #inRange(ip: string): boolean {
    if (this.#cidr.family === 4 && !ip.includes(':')) {
      const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
      const offset = a * 0x1000000 + b * 0x10000 + c * 0x100 + d - Number(this.#cidr.base);
      return offset >= Number(this.#first) && offset < Number(this.#first + this.#count);
    }
    const a = parseAddress(ip);
    if (a === undefined || !cidrContains(this.#cidr, a)) return false;
    const offset = a.value - this.#cidr.base;
    return offset >= this.#first && offset < this.#first + this.#count;
  }

  /** Takes `ip` (canonical) if it is in the allocatable range and free. */
  claimIfFree(ip: string): boolean {
    if (this.#taken.has(ip) || !this.#inRange(ip)) return false;
    this.#taken.add(ip);
    this.#takenInRange++;
    return true;
  }

  /** Marks `ip` (canonical) taken; returns whether it lies in the CIDR's allocatable range. */
  claim(ip: string): boolean {
    const inRange = this.#inRange(ip);
    if (!this.#taken.has(ip)) {
      this.#taken.add(ip);
      if (inRange) this.#takenInRange++;
    }
    return inRange;
  }

  /** A free address chosen by hashing `key`, or undefined when none is left. */
  allocate(key: string): string | undefined {
    if (this.#takenInRange >= this.#count) return undefined;
    let offset = fnv1a64(key) % this.#count;
    for (;;) {
      const ip = formatAddress({ family: this.#cidr.family, value: this.#cidr.base + this.#first + offset });
      if (!this.#taken.has(ip)) {
        this.#taken.add(ip);
        this.#takenInRange++;
        return ip;
      }
      offset = (offset + 1n) % this.#count;
    }
  }
}
