// gateway.networking.k8s.io v1 and v1beta1 Gateway (https://gateway-api.sigs.k8s.io/reference/spec/#gateway):
// the class and the listeners. meshlet's gateway serves HTTP and HTTPS (TLS terminated with Secrets); other
// protocols, TLS passthrough and namespace selectors are reported, not silently dropped.
import type { Gateway, GatewayListener, ObjectRef } from '../../model/types.js';
import { Field, PORT_RANGE, type Issue } from './field.js';
import { decodeMeta, type Decoder } from './context.js';
import { dns1123Label, dns1123Subdomain, ingressHost } from './validate.js';

/** Hostname (Gateway API): a lower-case DNS name, optionally `*.`-prefixed, never an IP; read case-insensitively. */
export function gatewayHostname(field: Field): string | undefined {
  const s = field.str();
  if (s === undefined) return undefined;
  const lower = s.toLowerCase();
  const problem = ingressHost(lower);
  return problem === undefined ? lower : field.fail(`${problem}, got "${s}"`);
}

/** A reference's `namespace`, defaulting to `own` (the referring object's namespace). */
export function refNamespace(field: Field, own: string): string {
  return field.checkedStr(dns1123Label) ?? own;
}

/** A reference's `group` and `kind` must be the one meshlet resolves (`group: ''` is the core group). */
export function checkRefKind(ref: Field, group: string, kind: string): void {
  const g = ref.at('group').str() ?? group;
  const k = ref.at('kind').str() ?? kind;
  if (g !== group) ref.at('group').fail(`must be ${group === '' ? '"" (the core group)' : `"${group}"`}, got "${g}"`);
  if (k !== kind) ref.at('kind').fail(`must be ${kind}, got "${k}"`);
}

export const decodeGateway: Decoder<Gateway> = (root, ctx) => {
  const meta = decodeMeta(root, ctx.origin);
  const spec = root.at('spec');
  const present = spec.required() && spec.record() !== undefined;
  const classField = spec.at('gatewayClassName');
  const gatewayClassName = present && classField.required() ? classField.checkedStr(dns1123Subdomain) : undefined;
  const listenersField = spec.at('listeners');
  const fields = listenersField.list();
  // "listeners: Required, MinItems=1" (Gateway API GatewaySpec).
  if (present && fields.length === 0 && (listenersField.absent || Array.isArray(listenersField.value))) {
    listenersField.fail('must have at least one listener');
  }
  const seen = new Map<string, number>();
  const listeners = fields.flatMap((f, i) => {
    const listener = decodeListener(f, meta.namespace, ctx.settingIssues);
    if (listener === undefined) return [];
    // "Each Listener in a set of Listeners (for example, in a single Gateway) MUST be unique" by name.
    const first = seen.get(listener.name);
    if (first !== undefined) {
      f.at('name').fail(`must be unique, "${listener.name}" is also the name of listeners[${first}]`);
      return [];
    }
    seen.set(listener.name, i);
    return [listener];
  });
  return { kind: 'Gateway', meta, gatewayClassName: gatewayClassName ?? '', listeners };
};

function decodeListener(l: Field, namespace: string, settingIssues: Issue[]): GatewayListener | undefined {
  if (l.record() === undefined) return undefined;
  const nameField = l.at('name');
  const name = nameField.required() ? nameField.checkedStr(dns1123Subdomain) : undefined;
  const portField = l.at('port');
  const port = portField.required() ? portField.int(PORT_RANGE) : undefined;
  const protocolField = l.at('protocol');
  const protocol = protocolField.required() ? decodeProtocol(protocolField) : undefined;
  const hostname = gatewayHostname(l.at('hostname'));
  const certificateRefs = protocol === 'HTTPS' ? decodeTLS(l.at('tls'), namespace) : [];
  const allowedRoutesFrom = decodeAllowedRoutes(l.at('allowedRoutes').at('namespaces'), settingIssues);
  if (name === undefined || port === undefined || protocol === undefined) return undefined;
  return { name, ...(hostname !== undefined && { hostname }), port, protocol, certificateRefs, allowedRoutesFrom };
}

function decodeProtocol(f: Field): 'HTTP' | 'HTTPS' | undefined {
  const s = f.str();
  if (s === undefined || s === 'HTTP' || s === 'HTTPS') return s;
  return f.fail(`meshlet's gateway serves HTTP and HTTPS listeners only, got "${s}"`);
}

/** An HTTPS listener terminates TLS (mode Terminate, the default) with at least one certificate (GatewayTLSConfig). */
function decodeTLS(tls: Field, namespace: string): ObjectRef[] {
  if (!tls.required() || tls.record() === undefined) return [];
  const mode = tls.at('mode').oneOf(['Terminate', 'Passthrough'] as const) ?? 'Terminate';
  if (mode === 'Passthrough') {
    tls.at('mode').fail('Passthrough is not supported by meshlet (its gateway terminates TLS); use Terminate');
    return [];
  }
  const refsField = tls.at('certificateRefs');
  const items = refsField.list();
  const refs = items.flatMap((ref) => {
    if (ref.record() === undefined) return [];
    checkRefKind(ref, '', 'Secret');
    const nameField = ref.at('name');
    const name = nameField.required() ? nameField.checkedStr(dns1123Subdomain) : undefined;
    return name === undefined ? [] : [{ namespace: refNamespace(ref.at('namespace'), namespace), name }];
  });
  if (items.length === 0 && (refsField.absent || Array.isArray(refsField.value))) refsField.fail('an HTTPS listener needs at least one certificate reference');
  return refs;
}

/**
 * allowedRoutes.namespaces.from: Same (default) or All. Selector is valid Gateway API but meshlet does not read
 * namespace labels: reported as a setting problem, and the listener admits routes of its own namespace only.
 */
function decodeAllowedRoutes(namespaces: Field, settingIssues: Issue[]): 'Same' | 'All' {
  namespaces.record();
  const from = namespaces.at('from').oneOf(['Same', 'All', 'Selector'] as const) ?? 'Same';
  if (from !== 'Selector') return from;
  new Field(undefined, namespaces.at('from').path, settingIssues).fail('Selector is not supported by meshlet; treated as Same');
  return 'Same';
}
