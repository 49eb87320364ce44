// The nat rules that send a pod's TCP traffic through its sidecar, as istio-init (istio-iptables) writes them:
// outbound TCP → 15001, inbound TCP → 15006, the proxy's own traffic (UID/GID 1337) left alone. Pure: options in,
// iptables-restore text out, plus the iptables commands that remove exactly these rules again. IPv4 only.
import { ErrorCode, MeshletError } from '../../common/errors.js';

export const CHAIN = {
  OUTPUT: 'MESHLET_OUTPUT',
  REDIRECT: 'MESHLET_REDIRECT',
  INBOUND: 'MESHLET_INBOUND',
  IN_REDIRECT: 'MESHLET_IN_REDIRECT',
  DNS: 'MESHLET_DNS',
} as const;

/** Inbound ports never captured: admin, both capture ports, health (15020/15021) and Prometheus. */
export const DEFAULT_EXCLUDED_INBOUND_PORTS: readonly number[] = [15000, 15001, 15006, 15020, 15021, 15090];

/** The source address the inbound side binds when it connects to the app on the pod IP (Istio's 127.0.0.6). */
export const INBOUND_PASSTHROUGH_SOURCE = '127.0.0.6';

export interface CaptureOptions {
  /** UID the proxy runs as; its connections are not captured. Default 1337. */
  readonly proxyUid: number;
  /** GID the proxy runs as; its connections are not captured. Default 1337. */
  readonly proxyGid: number;
  readonly outboundPort: number;
  readonly inboundPort: number;
  /** false: only outbound is captured (no PREROUTING jump). */
  readonly captureInbound: boolean;
  /** Destination ports whose outbound traffic goes straight out. */
  readonly excludeOutboundPorts: readonly number[];
  /** Destination CIDRs whose outbound traffic goes straight out. */
  readonly excludeOutboundCidrs: readonly string[];
  /** When given, only outbound traffic to these CIDRs is captured; by default all of it is. */
  readonly includeOutboundCidrs: readonly string[] | undefined;
  /** Local ports never captured inbound, in addition to DEFAULT_EXCLUDED_INBOUND_PORTS. */
  readonly excludeInboundPorts: readonly number[];
  /**
   * Istio's DNS proxying: the app's DNS queries (UDP and TCP port 53) go to the sidecar's resolver on this port
   * (15053); undefined leaves DNS alone. The proxy's own queries (its UID/GID) are not captured.
   */
  readonly dnsPort: number | undefined;
}

export const DEFAULT_CAPTURE_OPTIONS: CaptureOptions = {
  proxyUid: 1337,
  proxyGid: 1337,
  outboundPort: 15001,
  inboundPort: 15006,
  captureInbound: true,
  excludeOutboundPorts: [],
  excludeOutboundCidrs: [],
  includeOutboundCidrs: undefined,
  excludeInboundPorts: [],
  dnsPort: undefined,
};

/** Fills defaults and validates; every problem is reported at once, each naming its option. */
export function captureOptions(partial: Partial<CaptureOptions> = {}): CaptureOptions {
  const o: CaptureOptions = { ...DEFAULT_CAPTURE_OPTIONS, ...partial };
  const errors: string[] = [];
  const id = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) errors.push(`${name} ${v}: must be a whole number 0..4294967295`);
  };
  const port = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1 || v > 65535) errors.push(`${name} ${v}: port must be a whole number 1..65535`);
  };
  id('proxyUid', o.proxyUid);
  id('proxyGid', o.proxyGid);
  port('outboundPort', o.outboundPort);
  port('inboundPort', o.inboundPort);
  if (o.dnsPort !== undefined) port('dnsPort', o.dnsPort);
  o.excludeOutboundPorts.forEach((p, i) => port(`excludeOutboundPorts[${i}]`, p));
  o.excludeInboundPorts.forEach((p, i) => port(`excludeInboundPorts[${i}]`, p));
  o.excludeOutboundCidrs.forEach((c, i) => cidr(`excludeOutboundCidrs[${i}]`, c, errors));
  o.includeOutboundCidrs?.forEach((c, i) => cidr(`includeOutboundCidrs[${i}]`, c, errors));
  if (errors.length > 0) throw new MeshletError(ErrorCode.INVALID_FLAG, `invalid capture options: ${errors.join('; ')}`);
  return o;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function cidr(name: string, value: string, errors: string[]): void {
  const [ip, len, ...rest] = value.split('/');
  const bits = Number(len);
  if (rest.length > 0 || ip === undefined || !IPV4.test(ip) || len === undefined || !/^\d{1,2}$/.test(len) || bits > 32) {
    errors.push(`${name} "${value}": expected an IPv4 CIDR like 10.96.0.0/12`);
  }
}

function unique(ports: readonly number[]): number[] {
  return [...new Set(ports)];
}

function outputRules(o: CaptureOptions): string[] {
  const out = `-A ${CHAIN.OUTPUT}`;
  const rules = unique(o.excludeOutboundPorts).map((p) => `${out} -p tcp --dport ${p} -j RETURN`);
  // The inbound side reaches the app on the pod IP from 127.0.0.6: never capture that again.
  rules.push(`${out} -o lo -s ${INBOUND_PASSTHROUGH_SOURCE}/32 -j RETURN`);
  for (const [match, value] of [['--uid-owner', o.proxyUid], ['--gid-owner', o.proxyGid]] as const) {
    // The proxy calling its own pod IP (a pod calling its own Service) goes through the inbound side.
    if (o.captureInbound) rules.push(`${out} -o lo ! -d 127.0.0.1/32 -m owner ${match} ${value} -j ${CHAIN.IN_REDIRECT}`);
    // The app talking to itself over loopback (127.0.0.1 or its own pod IP) is not captured.
    rules.push(`${out} -o lo -m owner ! ${match} ${value} -j RETURN`);
    // The proxy's own connections go where they were going.
    rules.push(`${out} -m owner ${match} ${value} -j RETURN`);
  }
  rules.push(`${out} -d 127.0.0.1/32 -j RETURN`);
  for (const c of o.excludeOutboundCidrs) rules.push(`${out} -d ${c} -j RETURN`);
  if (o.includeOutboundCidrs === undefined) rules.push(`${out} -j ${CHAIN.REDIRECT}`);
  else for (const c of o.includeOutboundCidrs) rules.push(`${out} -d ${c} -j ${CHAIN.REDIRECT}`);
  return rules;
}

function inboundRules(o: CaptureOptions): string[] {
  const ports = unique([...DEFAULT_EXCLUDED_INBOUND_PORTS, o.outboundPort, o.inboundPort, ...o.excludeInboundPorts]);
  return [
    ...ports.map((p) => `-A ${CHAIN.INBOUND} -p tcp --dport ${p} -j RETURN`),
    `-A ${CHAIN.INBOUND} -p tcp -j ${CHAIN.IN_REDIRECT}`,
  ];
}

/** DNS capture (istio-iptables --redirect-dns): queries to port 53 over UDP and TCP → the sidecar's resolver. */
function dnsRules(o: CaptureOptions, dnsPort: number): string[] {
  return [
    `-A ${CHAIN.DNS} -m owner --uid-owner ${o.proxyUid} -j RETURN`,
    `-A ${CHAIN.DNS} -m owner --gid-owner ${o.proxyGid} -j RETURN`,
    `-A ${CHAIN.DNS} -p udp -j REDIRECT --to-ports ${dnsPort}`,
    `-A ${CHAIN.DNS} -p tcp -j REDIRECT --to-ports ${dnsPort}`,
    // Before the TCP jump below, so that TCP DNS reaches the resolver rather than the outbound listener.
    `-A OUTPUT -p udp --dport 53 -j ${CHAIN.DNS}`,
    `-A OUTPUT -p tcp --dport 53 -j ${CHAIN.DNS}`,
  ];
}

/** The input for `iptables-restore --noflush`: the nat table's MESHLET_ chains and the jumps into them. */
export function captureRules(options: Partial<CaptureOptions> = {}): string {
  const o = captureOptions(options);
  const chains: string[] = o.captureInbound ? [CHAIN.OUTPUT, CHAIN.REDIRECT, CHAIN.INBOUND, CHAIN.IN_REDIRECT] : [CHAIN.OUTPUT, CHAIN.REDIRECT];
  if (o.dnsPort !== undefined) chains.push(CHAIN.DNS);
  const inbound = o.captureInbound
    ? [
        `-A ${CHAIN.IN_REDIRECT} -p tcp -j REDIRECT --to-ports ${o.inboundPort}`,
        ...inboundRules(o),
        `-A PREROUTING -p tcp -j ${CHAIN.INBOUND}`,
      ]
    : [];
  const lines = [
    '*nat',
    ...chains.map((c) => `:${c} - [0:0]`),
    `-A ${CHAIN.REDIRECT} -p tcp -j REDIRECT --to-ports ${o.outboundPort}`,
    ...inbound,
    ...outputRules(o),
    ...(o.dnsPort === undefined ? [] : dnsRules(o, o.dnsPort)),
    `-A OUTPUT -p tcp -j ${CHAIN.OUTPUT}`,
    'COMMIT',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The iptables argument lists that undo captureRules: delete the two jumps, then flush and delete each chain.
 * Each is run on its own so that a leftover half (a crash between rules) is still cleaned up.
 */
export function removalCommands(): string[][] {
  const nat = ['-t', 'nat'];
  const cmds = [
    [...nat, '-D', 'PREROUTING', '-p', 'tcp', '-j', CHAIN.INBOUND],
    [...nat, '-D', 'OUTPUT', '-p', 'tcp', '-j', CHAIN.OUTPUT],
    [...nat, '-D', 'OUTPUT', '-p', 'udp', '--dport', '53', '-j', CHAIN.DNS],
    [...nat, '-D', 'OUTPUT', '-p', 'tcp', '--dport', '53', '-j', CHAIN.DNS],
  ];
  const chains = Object.values(CHAIN);
  for (const c of chains) cmds.push([...nat, '-F', c]);
  for (const c of chains) cmds.push([...nat, '-X', c]);
  return cmds;
}
