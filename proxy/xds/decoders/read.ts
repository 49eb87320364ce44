// Shared reading helpers of the validating decoders: a collector of errors with field paths, typed reads of
// the protobufjs object form (TO_OBJECT: snake_case, enums as names, int64 as strings, absent = default), and
// unpacking of `google.protobuf.Any`. Nothing here throws on bad input.
import { messageType, TO_OBJECT } from '../../../xds/protos.js';
import { messageNameOf } from '../../../xds/type-urls.js';
import type { DecodeError, Decoded } from '../types.js';

export type Obj = Readonly<Record<string, unknown>>;

const EMPTY: Obj = Object.freeze({});

/** Collects errors; `at` and `index` build paths as `a.b[0].c`. */
export class Issues {
  readonly errors: DecodeError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** Adds the errors of a nested decode, their paths under `base`. */
  absorb(base: string, nested: readonly DecodeError[]): void {
    for (const e of nested) this.add(e.path === '' ? base : at(base, e.path), e.message);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** The collected errors as a failed result (for when decoding could not even start). */
  failure<T>(): Decoded<T> {
    return { ok: false, errors: Object.freeze([...this.errors]) };
  }

  /** The decoded value, deep-frozen, if no error was collected. */
  result<T>(make: () => T): Decoded<T> {
    if (!this.ok) return this.failure();
    return { ok: true, value: deepFreeze(make()) };
  }
}

export const at = (base: string, field: string): string => (base === '' ? field : `${base}.${field}`);
export const index = (base: string, i: number): string => `${base}[${i}]`;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}
/** A sub-message, or an empty one when absent (proto3: absent means default). */
export function obj(v: unknown): Obj {
  return isObj(v) ? v : EMPTY;
}
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function strings(v: unknown): string[] {
  return list(v).filter((s): s is string => typeof s === 'string');
}
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
/** google.protobuf.UInt32Value / BoolValue: `{ value }`, undefined when the wrapper is absent. */
export function wrapped(v: unknown): unknown {
  return isObj(v) ? (v['value'] ?? 0) : undefined;
}

/** A non-empty string field, or an error `<path>: required`. */
export function required(o: Obj, field: string, path: string, issues: Issues): string {
  const s = str(o[field]);
  if (s === '') issues.add(at(path, field), 'required');
  return s;
}

/** A TCP/UDP port 1..65535, or an error. */
export function portNumber(v: unknown, path: string, issues: Issues): number {
  const n = num(v) ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > 65535) issues.add(path, n === 0 ? 'required' : `${n} is not a port (1..65535)`);
  return n;
}

/** google.protobuf.Duration to milliseconds; undefined when absent. */
export function durationMs(v: unknown, path: string, issues: Issues): number | undefined {
  if (!isObj(v)) return undefined;
  const seconds = num(v['seconds'] ?? 0) ?? NaN;
  const nanos = num(v['nanos'] ?? 0) ?? NaN;
  if (!(seconds >= 0) || !(nanos >= 0) || nanos > 999_999_999) {
    issues.add(path, 'not a valid non-negative duration');
    return undefined;
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** Decodes a message from bytes into the object form; a malformed buffer is an error, not a throw. */
export function decodeMessage(fullName: string, bytes: Uint8Array, path: string, issues: Issues): Obj | undefined {
  try {
    const type = messageType(fullName);
    return type.toObject(type.decode(bytes), TO_OBJECT);
  } catch (err) {
    issues.add(path === '' ? '(resource)' : path, `cannot decode ${fullName}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Unpacks an `Any` ({type_url, value}) whose type must be one of `accepted`. */
export function unpackAny(any: unknown, accepted: readonly string[], path: string, issues: Issues): { typeUrl: string; body: Obj } | undefined {
  if (!isObj(any)) {
    issues.add(path, 'required');
    return undefined;
  }
  const typeUrl = str(any['type_url']);
  if (!accepted.includes(typeUrl)) {
    issues.add(at(path, 'type_url'), `"${typeUrl}" is not supported (expected ${accepted.join(' or ')})`);
    return undefined;
  }
  const value = any['value'];
  const bytes = value instanceof Uint8Array ? value : new Uint8Array();
  const body = decodeMessage(messageNameOf(typeUrl), bytes, path, issues);
  return body && { typeUrl, body };
}

/** Freezes a decoded value and everything in it (plain objects and arrays; RegExps are left alone). */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || v instanceof RegExp || Object.isFrozen(v)) return v;
  for (const child of Object.values(v)) deepFreeze(child);
  return Object.freeze(v);
}
