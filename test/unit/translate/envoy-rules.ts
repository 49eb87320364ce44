// A test-side approximation of what Envoy checks when it accepts a resource: the protoc-gen-validate (PGV)
// constraints annotated in the Envoy protos (`[(validate.rules)...]`, enforced by Envoy's MessageUtil::validate)
// and the use of deprecated fields. It reads the annotations from the very protos we encode with and walks a
// decoded message, unpacking every `Any` it knows. Only the rule kinds present in the protos we load are
// implemented (string/repeated/message/enum/uint32/duration/any/map); regex rules are not.
import type protobuf from 'protobufjs';
import { messageType } from '../../../xds/protos.js';
import { messageNameOf } from '../../../xds/type-urls.js';

type Rules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
type Msg = Readonly<Record<string, unknown>>;

function rulesOf(field: protobuf.Field): Rules | undefined {
  // protobufjs types parsedOptions loosely; at run time it is an array of `{ '(option)': value }` objects.
  const options = (field.parsedOptions ?? []) as unknown as readonly Record<string, unknown>[];
  for (const option of options) {
    const rules = option['(validate.rules)'];
    if (rules) return rules as Rules;
  }
  return undefined;
}

function has(m: Msg, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, name);
}

function nanos(d: Msg | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1e9 + Number(d.nanos ?? 0);
}

function compare(value: number, r: Readonly<Record<string, unknown>>, where: string, out: string[]): void {
  const n = (k: string): number | undefined => (typeof r[k] === 'number' ? (r[k] as number) : r[k] ? nanos(r[k] as Msg) : undefined);
  const [gt, gte, lt, lte] = [n('gt'), n('gte'), n('lt'), n('lte')];
  if (gt !== undefined && !(value > gt)) out.push(`${where}: ${value} must be > ${gt}`);
  if (gte !== undefined && !(value >= gte)) out.push(`${where}: ${value} must be >= ${gte}`);
  if (lt !== undefined && !(value < lt)) out.push(`${where}: ${value} must be < ${lt}`);
  if (lte !== undefined && !(value <= lte)) out.push(`${where}: ${value} must be <= ${lte}`);
}

/** Rules that apply to one value (a field, or an item of a repeated field). */
function checkValue(field: protobuf.Field, rules: Rules, value: unknown, where: string, out: string[]): void {
  const s = rules.string;
  if (s && typeof value === 'string') {
    if (typeof s.min_len === 'number' && value.length < s.min_len) out.push(`${where}: shorter than ${s.min_len}`);
    if (typeof s.max_bytes === 'number' && Buffer.byteLength(value) > s.max_bytes) out.push(`${where}: longer than ${s.max_bytes} bytes`);
  }
  const wrapped = value && typeof value === 'object' && 'value' in (value as Msg) ? Number((value as Msg).value) : undefined;
  for (const kind of ['uint32', 'uint64', 'int32', 'int64', 'double']) {
    const r = rules[kind];
    if (r) compare(typeof value === 'number' || typeof value === 'string' ? Number(value) : (wrapped ?? 0), r, where, out);
  }
  if (rules.duration && value) compare(nanos(value as Msg), rules.duration, where, out);
  if (rules.enum?.defined_only && field.resolvedType && 'valuesById' in field.resolvedType) {
    if (!(Number(value) in (field.resolvedType as protobuf.Enum).valuesById)) out.push(`${where}: undefined enum value ${String(value)}`);
  }
}

function checkField(field: protobuf.Field, m: Msg, path: string, out: string[]): void {
  const where = `${path}.${field.name}`;
  const present = field.repeated ? ((m[field.name] as unknown[] | undefined)?.length ?? 0) > 0 : has(m, field.name);
  if (present && field.options?.deprecated) out.push(`${where}: deprecated field used`);
  if (field.partOf && !present) return; // PGV: rules of a oneof member apply only when it is the one set
  const rules = rulesOf(field);
  if (rules?.message?.required || rules?.duration?.required || rules?.any?.required) {
    if (!present) out.push(`${where}: required`);
  }
  if (field.repeated) {
    const items = (m[field.name] as unknown[] | undefined) ?? [];
    const min = rules?.repeated?.min_items;
    if (typeof min === 'number' && items.length < min) out.push(`${where}: needs at least ${min} items`);
    const itemRules = rules?.repeated?.items as Rules | undefined;
    items.forEach((item, i) => {
      if (itemRules) checkValue(field, itemRules, item, `${where}[${i}]`, out);
      if (isMessageField(field)) walk(field.resolvedType as protobuf.Type, item as Msg, `${where}[${i}]`, out);
    });
    return;
  }
  if (!present) return;
  if (rules) checkValue(field, rules, m[field.name], where, out);
  if (field.map && isMessageField(field)) {
    for (const [k, v] of Object.entries(m[field.name] as Msg)) walk(field.resolvedType as protobuf.Type, v as Msg, `${where}[${k}]`, out);
  } else if (isMessageField(field)) {
    walk(field.resolvedType as protobuf.Type, m[field.name] as Msg, where, out);
  }
}

function isMessageField(field: protobuf.Field): boolean {
  return field.resolvedType !== null && 'fieldsArray' in field.resolvedType;
}

function walk(type: protobuf.Type, m: Msg, path: string, out: string[]): void {
  if (type.fullName === '.google.protobuf.Any') {
    const typeUrl = String(m.type_url ?? '');
    const inner = messageType(messageNameOf(typeUrl));
    walk(inner, inner.decode(m.value as Uint8Array) as unknown as Msg, `${path}<${messageNameOf(typeUrl)}>`, out);
    return;
  }
  for (const oneof of type.oneofsArray) {
    if (oneof.options?.['(validate.required)'] && !oneof.oneof.some((name) => has(m, name))) {
      out.push(`${path}: one of ${oneof.name} is required`);
    }
  }
  for (const field of type.fieldsArray) checkField(field, m, path, out);
}

/** Every PGV violation and deprecated field in the encoded message `bytes` of type `typeUrl`. */
export function envoyRuleViolations(typeUrl: string, bytes: Uint8Array): string[] {
  const type = messageType(messageNameOf(typeUrl));
  const out: string[] = [];
  walk(type, type.decode(bytes) as unknown as Msg, messageNameOf(typeUrl).split('.').pop()!, out);
  return out;
}
