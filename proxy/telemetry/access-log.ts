// The sidecar's access log: one JSON line per HTTP request or TCP connection, with the fields of Envoy's default
// format under the names Istio's JSON access log gives them. `--access-log off` selects DISABLED_ACCESS_LOG, whose
// methods do nothing; callers also test `enabled` so that they do not even gather the fields.
//
// Lines go to stdout, unlike the project's diagnostic logs (stderr, common/log.ts): Istio's sidecar writes its
// access log to /dev/stdout, and keeping the two apart lets `meshlet proxy … | jq` read the access log alone.
//
// The caller's entry object is handed to pino as is: pino serializes it synchronously inside the call, so one
// record may be reused for the next request. Its keys are already the output names, so nothing is copied; only
// start_time and response_flags go through a serializer (ISO 8601 text, and 'UF,URX' from a cached table).
import { pino, type DestinationStream, type Logger } from 'pino';
import { formatResponseFlags, type ResponseFlags } from './response-flags.js';

export type Direction = 'inbound' | 'outbound';

/** Fields common to HTTP and TCP lines. null prints as null, Istio's JSON form of Envoy's '-'. */
interface CommonAccessEntry {
  /** Epoch milliseconds when the request or connection started; printed as ISO 8601 (%START_TIME%). */
  start_time: number;
  response_flags: ResponseFlags;
  bytes_received: number;
  bytes_sent: number;
  /** Milliseconds from start to the last byte (%DURATION%). */
  duration: number;
  /** The endpoint address:port the proxy connected to (%UPSTREAM_HOST%). */
  upstream_host: string | null;
  upstream_cluster: string | null;
  downstream_remote_address: string;
  downstream_local_address: string;
  direction: Direction;
}

export interface HttpAccessEntry extends CommonAccessEntry {
  method: string;
  /** The request path with its query, as received. */
  path: string;
  /** 'HTTP/1.1' or 'HTTP/2'. */
  protocol: string;
  /** 0 when no response was sent (Envoy prints 0 too). */
  response_code: number;
  /** Milliseconds the upstream took until its response headers (x-envoy-upstream-service-time). */
  upstream_service_time: number | null;
  x_request_id: string | null;
  x_forwarded_for: string | null;
  user_agent: string | null;
  authority: string;
  route_name: string | null;
}

export type TcpAccessEntry = CommonAccessEntry;

export interface AccessLog {
  /** False for the disabled log: skip filling entries altogether. */
  readonly enabled: boolean;
  http(entry: HttpAccessEntry): void;
  tcp(entry: TcpAccessEntry): void;
  /** Writes out what is buffered (before exit). */
  flush(): void;
}

function noop(): void {}

/** The access log of `--access-log off`: one shared object whose methods do nothing. */
export const DISABLED_ACCESS_LOG: AccessLog = Object.freeze({ enabled: false, http: noop, tcp: noop, flush: noop });

export interface AccessLogOptions {
  /** Where lines go; default stdout, asynchronous (pino's buffered SonicBoom). */
  destination?: DestinationStream;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function createAccessLog(options: AccessLogOptions = {}): AccessLog {
  const root = pino(
    {
      level: 'info',
      // No pid/hostname/time per line: start_time and duration say when; the pod says where.
      base: null,
      timestamp: false,
      serializers: { start_time: isoTime, response_flags: formatResponseFlags },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
  // Child bindings are serialized once here, not per line.
  const httpLog: Logger = root.child({ type: 'http' });
  const tcpLog: Logger = root.child({ type: 'tcp' });
  return {
    enabled: true,
    http: (entry) => httpLog.info(entry),
    tcp: (entry) => tcpLog.info(entry),
    flush: () => root.flush(),
  };
}

/** A fresh HTTP entry with every field present, in Envoy's default-format order, so that all entries share one
 * shape (one hidden class) and lines read in the familiar order. */
export function newHttpAccessEntry(direction: Direction): HttpAccessEntry {
  return {
    start_time: 0,
    method: '',
    path: '',
    protocol: '',
    response_code: 0,
    response_flags: 0,
    bytes_received: 0,
    bytes_sent: 0,
    duration: 0,
    upstream_service_time: null,
    x_forwarded_for: null,
    user_agent: null,
    x_request_id: null,
    authority: '',
    upstream_host: null,
    upstream_cluster: null,
    downstream_local_address: '',
    downstream_remote_address: '',
    route_name: null,
    direction,
  };
}

export function newTcpAccessEntry(direction: Direction): TcpAccessEntry {
  return {
    start_time: 0,
    response_flags: 0,
    bytes_received: 0,
    bytes_sent: 0,
    duration: 0,
    upstream_host: null,
    upstream_cluster: null,
    downstream_local_address: '',
    downstream_remote_address: '',
    direction,
  };
}
