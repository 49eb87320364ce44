// Resource records in dns-packet's Answer shapes, class IN, owner names canonical (see names.ts).
import { isIPv6 } from 'node:net';
import type { SoaAnswer, SrvAnswer, StringAnswer, TxtAnswer } from 'dns-packet';

/** SOA timers, as CoreDNS's plugin.SOA sets them (the minimum is the zone's TTL). */
export const SOA_REFRESH = 7200;
export const SOA_RETRY = 1800;
export const SOA_EXPIRE = 86400;

/** The name server and mailbox of a zone, CoreDNS's `ns.dns.<zone>` and `hostmaster.<zone>`. */
export const nameServer = (apex: string): string => `ns.dns.${apex}`;
const hostmaster = (apex: string): string => `hostmaster.${apex}`;

/** A or AAAA by the address family. */
export function address(name: string, ip: string, ttl: number): StringAnswer {
  return { name, type: isIPv6(ip) ? 'AAAA' : 'A', ttl, class: 'IN', data: ip };
}

export function cname(name: string, target: string, ttl: number): StringAnswer {
  return { name, type: 'CNAME', ttl, class: 'IN', data: target };
}

export function ptr(name: string, target: string, ttl: number): StringAnswer {
  return { name, type: 'PTR', ttl, class: 'IN', data: target };
}

export function ns(apex: string, ttl: number): StringAnswer {
  return { name: apex, type: 'NS', ttl, class: 'IN', data: nameServer(apex) };
}

export function txt(name: string, text: string, ttl: number): TxtAnswer {
  return { name, type: 'TXT', ttl, class: 'IN', data: text };
}

/** Priority 0 for all: every target is equal, the weights share 100 (see freeze.ts). */
export function srv(name: string, port: number, target: string, weight: number, ttl: number): SrvAnswer {
  return { name, type: 'SRV', ttl, class: 'IN', data: { priority: 0, weight, port, target } };
}

export function soa(apex: string, serial: number, ttl: number): SoaAnswer {
  return {
    name: apex,
    type: 'SOA',
    ttl,
    class: 'IN',
    data: {
      mname: nameServer(apex),
      rname: hostmaster(apex),
      serial,
      refresh: SOA_REFRESH,
      retry: SOA_RETRY,
      expire: SOA_EXPIRE,
      minimum: ttl,
    },
  };
}
