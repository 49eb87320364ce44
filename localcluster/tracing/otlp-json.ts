// OTLP/HTTP JSON (ExportTraceServiceRequest in the protobuf JSON mapping) → the spans the demo renders.
// The JS exporter sends ids as hex strings, times as decimal strings and enums as numbers; the mapping also
// allows int64 as JSON numbers and enums by name, so both are accepted. Every problem is collected with its path.

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
export type AttributeValue = string | number | boolean | null;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** null for a root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: SpanKindName;
  /** The resource's service.name ('unknown_service' when it has none). */
  readonly serviceName: string;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly status: { readonly code: StatusCodeName; readonly message: string };
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface ParseResult {
  readonly spans: ReceivedSpan[];
  /** `path: problem`, e.g. `resourceSpans[0].scopeSpans[1].spans[2].traceId: not a 32-digit hex id`. */
  readonly errors: string[];
}

const KINDS: readonly SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];
type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown, path: string, errors: string[]): readonly unknown[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  errors.push(`${path}: not an array`);
  return [];
}

function hexId(v: unknown, digits: number, path: string, errors: string[]): string | null {
  if (typeof v === 'string' && v.length === digits && /^[0-9a-f]+$/i.test(v) && !/^0+$/.test(v)) return v.toLowerCase();
  errors.push(`${path}: not a ${digits}-digit hex id`);
  return null;
}

function nanos(v: unknown, path: string, errors: string[]): bigint {
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  errors.push(`${path}: not a unix time in nanoseconds`);
  return 0n;
}

function enumValue<T extends string>(v: unknown, names: readonly T[], prefix: string, fallback: T): T | undefined {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return names[v];
  if (typeof v === 'string') return names.find((n) => v === n || v === `${prefix}${n}`);
  return undefined;
}

function anyValue(v: unknown): AttributeValue {
  if (!isObj(v)) return null;
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  if (typeof v['doubleValue'] === 'number') return v['doubleValue'];
  const int = v['intValue'];
  if (typeof int === 'number') return int;
  if (typeof int === 'string' && /^-?\d+$/.test(int)) return Number(int);
  return null;
}

function attributes(v: unknown, path: string, errors: string[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  list(v, path, errors).forEach((kv, i) => {
    if (isObj(kv) && typeof kv['key'] === 'string') out[kv['key']] = anyValue(kv['value']);
    else errors.push(`${path}[${i}]: not a {key, value} pair`);
  });
  return out;
}

function span(v: unknown, serviceName: string, path: string, errors: string[]): ReceivedSpan | null {
  if (!isObj(v)) {
    errors.push(`${path}: not an object`);
    return null;
  }
  const before = errors.length;
  const traceId = hexId(v['traceId'], 32, `${path}.traceId`, errors);
  const spanId = hexId(v['spanId'], 16, `${path}.spanId`, errors);
  const rawParent = v['parentSpanId'];
  const parentSpanId = rawParent === undefined || rawParent === '' ? null : hexId(rawParent, 16, `${path}.parentSpanId`, errors);
  const name = typeof v['name'] === 'string' ? v['name'] : '';
  const kind = enumValue(v['kind'], KINDS, 'SPAN_KIND_', 'UNSPECIFIED');
  if (kind === undefined) errors.push(`${path}.kind: not a span kind`);
  const status = isObj(v['status']) ? v['status'] : {};
  const code = enumValue(status['code'], STATUS_CODES, 'STATUS_CODE_', 'UNSET');
  if (code === undefined) errors.push(`${path}.status.code: not a status code`);
  const startTimeUnixNano = nanos(v['startTimeUnixNano'], `${path}.startTimeUnixNano`, errors);
  const endTimeUnixNano = nanos(v['endTimeUnixNano'], `${path}.endTimeUnixNano`, errors);
  const attrs = attributes(v['attributes'], `${path}.attributes`, errors);
  if (errors.length !== before || traceId === null || spanId === null || kind === undefined || code === undefined) return null;
  const message = typeof status['message'] === 'string' ? status['message'] : '';
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    serviceName,
    startTimeUnixNano,
    endTimeUnixNano,
    status: { code, message },
    attributes: attrs,
  };
}

/** The spans of one ExportTraceServiceRequest; a span with any error is left out (and its error reported). */
export function parseExportTraceRequest(body: unknown): ParseResult {
  const errors: string[] = [];
  const spans: ReceivedSpan[] = [];
  if (!isObj(body)) return { spans, errors: ['(body): not a JSON object'] };
  list(body['resourceSpans'], 'resourceSpans', errors).forEach((rs, i) => {
    const rsPath = `resourceSpans[${i}]`;
    if (!isObj(rs)) {
      errors.push(`${rsPath}: not an object`);
      return;
    }
    const resource = isObj(rs['resource']) ? rs['resource'] : {};
    const serviceName = attributes(resource['attributes'], `${rsPath}.resource.attributes`, errors)['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : 'unknown_service';
    list(rs['scopeSpans'], `${rsPath}.scopeSpans`, errors).forEach((ss, j) => {
      const ssPath = `${rsPath}.scopeSpans[${j}]`;
      if (!isObj(ss)) {
        errors.push(`${ssPath}: not an object`);
        return;
      }
      list(ss['spans'], `${ssPath}.spans`, errors).forEach((s, k) => {
        const parsed = span(s, service, `${ssPath}.spans[${k}]`, errors);
        if (parsed) spans.push(parsed);
      });
    });
  });
  return { spans, errors };
}
