// A tiny validating reader for `unknown` values parsed from YAML. Every read that fails records an issue with the
// field's path and returns undefined (or an empty value), so a decoder keeps going and reports EVERY problem of an
// object in one pass instead of stopping at the first.

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

export interface Issue {
  readonly path: FieldPath;
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `spec.ports[1].port`, `metadata.labels["kubernetes.io/service-name"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A short description of a bad value for messages: `70000`, `"abc"`, `a list`, `an object`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export const PORT_RANGE: IntRange = { min: 1, max: 65535 };

/** The value at one path of the object being decoded, sharing the object's issue list. */
export class Field {
  constructor(
    readonly value: unknown,
    readonly path: FieldPath,
    readonly issues: Issue[],
  ) {}

  static root(value: unknown): Field {
    return new Field(value, [], []);
  }

  /** Absent or null: kubectl prints `null` for some empty fields, and JSON manifests may too. */
  get absent(): boolean {
    return this.value === undefined || this.value === null;
  }

  at(key: PathSegment): Field {
    let child: unknown;
    if (typeof key === 'number' && Array.isArray(this.value)) child = this.value[key];
    else if (typeof key === 'string' && isRecord(this.value) && Object.hasOwn(this.value, key)) child = this.value[key];
    return new Field(child, [...this.path, key], this.issues);
  }

  /** Records an issue at this field; returns undefined so that callers can `return f.fail(...)`. */
  fail(message: string): undefined {
    this.issues.push({ path: this.path, message });
    return undefined;
  }

  required(): boolean {
    if (this.absent) this.fail('required');
    return !this.absent;
  }

  str(): string | undefined {
    if (this.absent) return undefined;
    if (typeof this.value !== 'string') return this.fail(`must be a string, got ${describe(this.value)}`);
    return this.value;
  }

  reqStr(): string | undefined {
    return this.required() ? this.str() : undefined;
  }

  /** A string that, when present, must pass `check` (which returns an error message or undefined). */
  checkedStr(check: (s: string) => string | undefined): string | undefined {
    const s = this.str();
    if (s === undefined) return undefined;
    const problem = check(s);
    return problem === undefined ? s : this.fail(`${problem}, got ${describe(s)}`);
  }

  int(range: IntRange): number | undefined {
    if (this.absent) return undefined;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
      return this.fail(`must be an integer ${range.min}-${range.max}, got ${describe(v)}`);
    }
    return v;
  }

  reqInt(range: IntRange): number | undefined {
    return this.required() ? this.int(range) : undefined;
  }

  bool(): boolean | undefined {
    if (this.absent) return undefined;
    if (typeof this.value !== 'boolean') return this.fail(`must be true or false, got ${describe(this.value)}`);
    return this.value;
  }

  oneOf<T extends string>(allowed: readonly T[]): T | undefined {
    const s = this.str();
    if (s === undefined) return undefined;
    if ((allowed as readonly string[]).includes(s)) return s as T;
    return this.fail(`must be one of ${allowed.join(', ')}, got ${describe(s)}`);
  }

  /** This field when it is an object (mapping); undefined (with an issue) when it is something else. */
  record(): Field | undefined {
    if (this.absent) return undefined;
    if (!isRecord(this.value)) return this.fail(`must be an object, got ${describe(this.value)}`);
    return this;
  }

  /** The elements of a list; absent means empty. */
  list(): Field[] {
    if (this.absent) return [];
    if (!Array.isArray(this.value)) {
      this.fail(`must be a list, got ${describe(this.value)}`);
      return [];
    }
    return this.value.map((_, i) => this.at(i));
  }

  /** A map of string to string (labels, annotations, selectors); absent means empty. */
  stringMap(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.record() === undefined) return out;
    for (const key of Object.keys(this.value as Record<string, unknown>)) {
      // Go decodes `key: null` into a map[string]string as "", so Kubernetes accepts it; so do we.
      const child = this.at(key);
      const v = child.absent ? '' : child.str();
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
}
