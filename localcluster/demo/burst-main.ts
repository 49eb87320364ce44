// `node burst-main.js PLAN_JSON`: the demo's client, run inside the external namespace ("the internet"). PLAN_JSON
// is `{"targets": [{"url": "http://172.20.0.1/", "count": 200}, {"url": "https://...", "count": 5, "servername":
// "shop.example.com"}, ...], "concurrency": 8}` (HTTPS: the certificate is recorded, not verified). Every request opens a
// new connection (so the LoadBalancer's per-flow ECMP and the node proxy's balancing are seen per request) and
// starts a trace of its own: a sampled `traceparent` with a fresh trace id, which the frontend's sidecar continues.
// Prints one JSON line per request (BurstResult); never more than MAX_REQUESTS requests, nor longer than DEADLINE_MS.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { jsonOrText } from '../../common/json.js';
import type { BurstResult } from './report.js';

const MAX_REQUESTS = 10_000;
const DEADLINE_MS = 120_000;
const REQUEST_TIMEOUT_MS = 5_000;

interface Target {
  url: string;
  count: number;
  servername?: string;
}

interface Plan {
  targets: Target[];
  concurrency: number;
}

function parsePlan(text: string | undefined): Plan {
  const plan = JSON.parse(text ?? '') as Plan;
  const total = plan.targets.reduce((n, t) => n + t.count, 0);
  if (!Array.isArray(plan.targets) || total > MAX_REQUESTS || !(plan.concurrency >= 1)) throw new Error(`bad plan: ${text}`);
  return plan;
}

const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);

function once(target: Target): Promise<BurstResult> {
  const { url } = target;
  const secure = url.startsWith('https:');
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const started = nowNano();
  const t0 = performance.now();
  const result = (fields: Partial<BurstResult>): BurstResult => ({
    url, traceId, spanId, status: 0, ms: performance.now() - t0, startUnixNano: started.toString(), endUnixNano: nowNano().toString(), ...fields,
  });
  return new Promise((resolve) => {
    const options = {
      agent: false as const, timeout: REQUEST_TIMEOUT_MS, headers: { traceparent: `00-${traceId}-${spanId}-01` },
      ...(secure && { servername: target.servername ?? '', rejectUnauthorized: false }),
    };
    const req = (secure ? https : http).get(url, options, (res) => {
      const cn = secure ? (res.socket as TLSSocket).getPeerCertificate().subject?.CN : undefined;
      const certificate = Array.isArray(cn) ? cn.join(',') : cn;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => resolve(result({ error: e.message })));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = jsonOrText(text);
        resolve(result({ status: res.statusCode ?? 0, body, ...(certificate !== undefined && { certificate }) }));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve(result({ error: e.message })));
  });
}

const plan = parsePlan(process.argv[2]);
const queue = plan.targets.flatMap((t) => Array.from({ length: t.count }, () => t));
const deadline = Date.now() + DEADLINE_MS;
async function worker(): Promise<void> {
  for (let target = queue.shift(); target !== undefined && Date.now() < deadline; target = queue.shift()) {
    process.stdout.write(`${JSON.stringify(await once(target))}\n`);
  }
}
await Promise.all(Array.from({ length: plan.concurrency }, worker));
