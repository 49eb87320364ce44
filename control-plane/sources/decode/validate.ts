// Format rules of Kubernetes names and addresses (k8s.io/apimachinery/pkg/util/validation). Each check returns a
// message for the field, or undefined when the value is fine.
import { isIP } from 'node:net';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;

export type Check = (value: string) => string | undefined;

/** Lets '' through: kubectl prints some unset optional strings as "". */
export function orEmpty(check: Check): Check {
  return (s) => (s === '' ? undefined : check(s));
}

export const dns1123Label: Check = (s) =>
  s.length <= 63 && DNS1123_LABEL.test(s)
    ? undefined
    : "must be a DNS-1123 label (at most 63 lower case alphanumeric characters or '-', starting and ending with an alphanumeric character)";

export const dns1123Subdomain: Check = (s) =>
  s.length <= 253 && DNS1123_SUBDOMAIN.test(s)
    ? undefined
    : "must be a DNS-1123 subdomain (at most 253 lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character)";

/** Service names are DNS-1035 labels: they become DNS labels, which must not start with a digit. */
export const dns1035Label: Check = (s) =>
  s.length <= 63 && DNS1035_LABEL.test(s)
    ? undefined
    : "must be a DNS-1035 label (at most 63 lower case alphanumeric characters or '-', starting with a letter and ending with an alphanumeric character)";

/** IANA_SVC_NAME (RFC 6335 section 5.1): container port names and named targetPorts. */
export const ianaSvcName: Check = (s) => {
  const ok =
    s.length >= 1 &&
    s.length <= 15 &&
    IANA_SVC_NAME.test(s) &&
    /[a-z]/.test(s) &&
    !s.startsWith('-') &&
    !s.endsWith('-') &&
    !s.includes('--');
  return ok
    ? undefined
    : "must be an IANA service name (at most 15 lower case alphanumeric characters or '-', with at least one letter, no leading, trailing or double '-')";
};

/** An IPv4 or IPv6 address, without an IPv6 zone (`%eth0` has no meaning in a cluster-wide address). */
export const ipAddress: Check = (s) => (isIP(s) !== 0 && !s.includes('%') ? undefined : 'must be an IPv4 or IPv6 address');

export const ipv4Address: Check = (s) => (isIP(s) === 4 ? undefined : 'must be an IPv4 address');

export const ipv6Address: Check = (s) => (isIP(s) === 6 && !s.includes('%') ? undefined : 'must be an IPv6 address');

/** Ingress hosts: a DNS-1123 subdomain, optionally with a leading `*.` wildcard label; never an IP. */
export const ingressHost: Check = (s) => {
  if (isIP(s) !== 0) return 'must be a DNS name, not an IP address';
  const name = s.startsWith('*.') ? s.slice(2) : s;
  return dns1123Subdomain(name) === undefined
    ? undefined
    : "must be a DNS-1123 subdomain, optionally with a leading '*.' wildcard";
};

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A qualified name (`h2c`, `kubernetes.io/ws`): appProtocol values are IANA names or domain-prefixed names. */
export const qualifiedName: Check = (s) => {
  const slash = s.indexOf('/');
  const prefix = slash >= 0 ? s.slice(0, slash) : undefined;
  const name = slash >= 0 ? s.slice(slash + 1) : s;
  const ok =
    name.length <= 63 &&
    QUALIFIED_NAME_PART.test(name) &&
    (prefix === undefined || dns1123Subdomain(prefix) === undefined);
  return ok ? undefined : "must be a name or a DNS-prefixed name such as 'kubernetes.io/h2c'";
};
