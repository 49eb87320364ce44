// Tracing exports for real: spans reach a tiny OTLP/HTTP receiver on 127.0.0.1 at /v1/traces when the tracing
// shuts down (the batch processor flushes), with the resource's service.name.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createTracing, tracingFromEnv } from '../../../proxy/telemetry/tracing.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ method: req.method, url: req.url, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

void test('tracing exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const tracing = createTracing(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, 'web-1.shop'));
  assert.equal(tracing.enabled, true);
  const info = { method: 'GET', path: '/', authority: 'web', peerAddress: '10.0.0.9', cluster: 'in', route: null };
  const span = tracing.startServerSpan({}, info);
  tracing.end(span, 200);
  tracing.end(tracing.startClientSpan(span, info), 200);
  await tracing.shutdown();

  assert.equal(receiver.received.length, 1, 'one batch');
  const [req] = receiver.received;
  assert.equal(req?.method, 'POST');
  assert.equal(req?.url, '/v1/traces');
  const body = JSON.parse(req?.body ?? '') as {
    resourceSpans: {
      resource: { attributes: { key: string; value: { stringValue?: string } }[] };
      scopeSpans: { spans: { name: string; traceId: string }[] }[];
    }[];
  };
  const [rs] = body.resourceSpans;
  const serviceName = rs?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
  assert.equal(serviceName, 'web-1.shop');
  const spans = rs?.scopeSpans.flatMap((s) => s.spans) ?? [];
  assert.deepEqual(
    spans.map((s) => s.name),
    ['web/', 'web/'],
  );
  assert.equal(spans[0]?.traceId, spans[1]?.traceId);
});
