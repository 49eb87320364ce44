// A tiny OTLP/HTTP trace receiver for the demo: POST /v1/traces with a JSON ExportTraceServiceRequest (what
// @opentelemetry/exporter-trace-otlp-http sends), kept in memory so the demo can print one trace.
// Answers 200 `{}` (an ExportTraceServiceResponse with nothing rejected), 400 for a body that is not JSON,
// 415 for another encoding (protobuf is not supported), 404/405 elsewhere.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExportTraceRequest, type ReceivedSpan } from './otlp-json.js';

export interface OtlpReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4318 (OTLP/HTTP); 0 picks a free port. */
  port?: number;
  /** Largest accepted body in bytes; default 4 MiB. */
  maxBodyBytes?: number;
  /** Called with the spans of every accepted request (e.g. to write them to a file). */
  onSpans?: (spans: readonly ReceivedSpan[]) => void;
  /** Keep the spans in memory for spans() and trace(); default true. A long-running collector turns it off. */
  retain?: boolean;
}

export interface OtlpReceiver {
  /** The base endpoint to put in OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318. */
  readonly endpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): readonly ReceivedSpan[];
  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[];
  /** Problems found in received requests (bad spans are dropped, the rest kept). */
  errors(): readonly string[];
  close(): Promise<void>;
}

/** Problems kept for errors(): enough to say what is wrong, bounded for a long-running collector. */
const MAX_PROBLEMS = 1000;
const JSON_HEADERS = { 'content-type': 'application/json' };

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, JSON_HEADERS).end(body);
}

async function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const problems: string[] = [];
  const max = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const retain = options.retain ?? true;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url?.split('?')[0] !== '/v1/traces') return reply(res, 404, '{"message":"not found"}');
    if (req.method !== 'POST') return reply(res, 405, '{"message":"POST only"}');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return reply(res, 415, '{"message":"only application/json is supported"}');
    const text = await readBody(req, max);
    if (text === null) return reply(res, 413, '{"message":"body too large"}');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, 400, '{"message":"body is not JSON"}');
    }
    const { spans, errors } = parseExportTraceRequest(body);
    if (retain) received.push(...spans);
    if (problems.length < MAX_PROBLEMS) problems.push(...errors.slice(0, MAX_PROBLEMS - problems.length));
    options.onSpans?.(spans);
    reply(res, 200, '{}');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, '{"message":"internal error"}');
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    spans: () => received,
    trace: (traceId) => received.filter((s) => s.traceId === traceId),
    errors: () => problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
