// A Service's `meshlet.io/*` annotations → ServicePolicy; a bad value is a config error at its annotation that
// names the allowed values, and the Service is still served, with only that setting at its default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Service, ServicePolicy } from '../../../control-plane/model/types.js';
import { POLICY_ANNOTATIONS } from '../../../control-plane/sources/decode/service-policy.js';
import { ManifestStore } from '../../../control-plane/sources/index.js';
import { decodeOne, load } from './helpers.js';

/** A Service manifest with these annotations (values quoted, as annotations must be strings). */
function manifest(annotations: Readonly<Record<string, string>>, name = 'web'): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`);
  const meta = lines.length > 0 ? `  annotations:\n${lines.join('')}` : '';
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${meta}spec:\n  ports: [{name: http, port: 80}]\n`;
}

describe('Service policy annotations', () => {
  it('an unannotated Service (or one with other annotations only) has no policy', () => {
    assert.equal(decodeOne<Service>(manifest({})).policy, undefined);
    assert.equal(decodeOne<Service>(manifest({ 'example.com/owner': 'team-a' })).policy, undefined);
  });

  // [annotation, value, the ServicePolicy it gives]
  const good: [string, string, ServicePolicy][] = [
    ['lb-policy', 'LEAST_REQUEST', { lbPolicy: 'LEAST_REQUEST' }],
    ['lb-policy', 'ring-hash', { lbPolicy: 'RING_HASH' }],
    ['lb-policy', ' maglev ', { lbPolicy: 'MAGLEV' }],
    ['connect-timeout', '250ms', { connectTimeoutMs: 250 }],
    ['connect-timeout', '1.5s', { connectTimeoutMs: 1500 }],
    ['timeout', '1m30s', { timeoutMs: 90_000 }],
    ['timeout', '0', { timeoutMs: 0 }],
    ['timeout', '0s', { timeoutMs: 0 }],
    ['per-try-timeout', '2h', { perTryTimeoutMs: 7_200_000 }],
    ['retries', '3', { retries: 3 }],
    ['retries', '0', { retries: 0 }],
    ['retry-on', '5xx, reset,connect-failure', { retryOn: ['5xx', 'reset', 'connect-failure'] }],
    ['retry-status-codes', '502,503', { retryStatusCodes: [502, 503] }],
    ['outlier-consecutive-5xx', '7', { outlierConsecutive5xx: 7 }],
    ['outlier-consecutive-gateway-errors', '0', { outlierConsecutiveGatewayErrors: 0 }],
    ['outlier-interval', '5s', { outlierIntervalMs: 5000 }],
    ['outlier-base-ejection-time', '1m', { outlierBaseEjectionTimeMs: 60_000 }],
    ['outlier-max-ejection-percent', '100', { outlierMaxEjectionPercent: 100 }],
    ['max-connections', '4294967295', { maxConnections: 4_294_967_295 }],
    ['max-pending-requests', '10', { maxPendingRequests: 10 }],
    ['max-requests', '50', { maxRequests: 50 }],
    ['max-retries', '0', { maxRetries: 0 }],
    ['retry-budget-percent', '12.5', { retryBudgetPercent: 12.5 }],
  ];
  for (const [name, value, policy] of good) {
    it(`meshlet.io/${name}: "${value}"`, () => {
      assert.deepEqual(decodeOne<Service>(manifest({ [`meshlet.io/${name}`]: value })).policy, policy);
    });
  }

  it('hash-on with a hashing balancer: headers lower-cased, cookies as written, source IP', () => {
    const svc = decodeOne<Service>(manifest({ 'meshlet.io/lb-policy': 'RING_HASH', 'meshlet.io/hash-on': 'header:X-User, cookie:Session,source-ip' }));
    assert.deepEqual(svc.policy, {
      lbPolicy: 'RING_HASH',
      hashOn: [{ kind: 'header', name: 'x-user' }, { kind: 'cookie', name: 'Session' }, { kind: 'source-ip' }],
    });
  });

  it('every field of ServicePolicy has its annotation, all under meshlet.io/', () => {
    const names = Object.values(POLICY_ANNOTATIONS);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^meshlet\.io\/[a-z0-9-]+$/);
  });

  // [annotations, the one error expected as `field: message`, the policy that remains]
  const bad: [Record<string, string>, string, ServicePolicy | undefined][] = [
    [
      { 'meshlet.io/retries': 'lots', 'meshlet.io/timeout': '5s' },
      'metadata.annotations["meshlet.io/retries"]: must be an integer 0-4294967295, got "lots"',
      { timeoutMs: 5000 },
    ],
    [
      { 'meshlet.io/lb-policy': 'fastest' },
      'metadata.annotations["meshlet.io/lb-policy"]: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV (any case), got "fastest"',
      undefined,
    ],
    [
      { 'meshlet.io/connect-timeout': 'soon' },
      'metadata.annotations["meshlet.io/connect-timeout"]: must be a duration such as 250ms, 5s, 1m or 1m30s (units ms, s, m, h), got "soon"',
      undefined,
    ],
    [{ 'meshlet.io/connect-timeout': '0s' }, 'metadata.annotations["meshlet.io/connect-timeout"]: must be longer than 0s, got "0s"', undefined],
    [{ 'meshlet.io/timeout': '25h' }, 'metadata.annotations["meshlet.io/timeout"]: must be at most 24h, got "25h"', undefined],
    [{ 'meshlet.io/per-try-timeout': '0.5ms' }, 'metadata.annotations["meshlet.io/per-try-timeout"]: must be a whole number of milliseconds, got "0.5ms"', undefined],
    [
      { 'meshlet.io/retry-on': '5xx,bogus,never' },
      'metadata.annotations["meshlet.io/retry-on"]: must be a comma list of 5xx, gateway-error, reset, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, cancelled, deadline-exceeded, resource-exhausted, unavailable, internal; got "bogus", "never"',
      undefined,
    ],
    [{ 'meshlet.io/retry-status-codes': '503,42' }, 'metadata.annotations["meshlet.io/retry-status-codes"]: must be a comma list of HTTP status codes 100-599, got "42"', undefined],
    [{ 'meshlet.io/outlier-max-ejection-percent': '150' }, 'metadata.annotations["meshlet.io/outlier-max-ejection-percent"]: must be an integer 0-100, got "150"', undefined],
    [{ 'meshlet.io/max-connections': '0' }, 'metadata.annotations["meshlet.io/max-connections"]: must be an integer 1-4294967295, got "0"', undefined],
    [{ 'meshlet.io/retry-budget-percent': '-1' }, 'metadata.annotations["meshlet.io/retry-budget-percent"]: must be a number 0-100 (decimals allowed), got "-1"', undefined],
    [
      { 'meshlet.io/lb-policy': 'MAGLEV', 'meshlet.io/hash-on': 'header:x-user,query:q' },
      'metadata.annotations["meshlet.io/hash-on"]: must be a comma list of header:<name>, cookie:<name> or source-ip, got "query:q"',
      { lbPolicy: 'MAGLEV' },
    ],
    [{ 'meshlet.io/lb-policy': 'RING_HASH', 'meshlet.io/hash-on': ' , ' }, 'metadata.annotations["meshlet.io/hash-on"]: must be a comma list of header:<name>, cookie:<name> or source-ip, got nothing', { lbPolicy: 'RING_HASH' }],
    [
      { 'meshlet.io/hash-on': 'source-ip' },
      'metadata.annotations["meshlet.io/hash-on"]: is only used with meshlet.io/lb-policy RING_HASH or MAGLEV, not ROUND_ROBIN (the default); ignored',
      undefined,
    ],
    [
      { 'meshlet.io/lb-policy': 'LEAST_REQUEST', 'meshlet.io/hash-on': 'source-ip' },
      'metadata.annotations["meshlet.io/hash-on"]: is only used with meshlet.io/lb-policy RING_HASH or MAGLEV, not LEAST_REQUEST; ignored',
      { lbPolicy: 'LEAST_REQUEST' },
    ],
  ];
  for (const [annotations, error, policy] of bad) {
    it(`bad: ${JSON.stringify(annotations)} → one error, the Service still decoded`, () => {
      const { objects, errors } = load(manifest(annotations), 'svc.yaml');
      assert.deepEqual(
        errors.map((e) => `${e.field}: ${e.message}`),
        [error],
      );
      assert.deepEqual(errors.map((e) => [e.file, e.object, e.code]), [['svc.yaml', 'Service default/web', 'MESHLET_ERR_INVALID_OBJECT']]);
      assert.equal(objects.length, 1, 'the Service is valid');
      assert.deepEqual((objects[0] as Service).policy, policy);
    });
  }

  it('a bad lb-policy is reported once: hash-on is then silently unused, not a second error', () => {
    const { objects, errors } = load(manifest({ 'meshlet.io/lb-policy': 'hashy', 'meshlet.io/hash-on': 'source-ip' }));
    assert.deepEqual(errors.map((e) => e.field), ['metadata.annotations["meshlet.io/lb-policy"]']);
    assert.equal((objects[0] as Service).policy, undefined);
  });

  it('errors carry the line of the annotation', () => {
    const { errors } = load(manifest({ 'meshlet.io/timeout': '5s', 'meshlet.io/retries': 'lots' }));
    assert.equal(errors[0]?.line, 7); // apiVersion, kind, metadata, name, annotations, timeout, retries
  });

  it('an invalid Service reports its annotation errors together with its own', () => {
    const text = manifest({ 'meshlet.io/retries': 'lots' }).replace('port: 80', 'port: 70000');
    assert.deepEqual(
      load(text).errors.map((e) => e.field),
      ['spec.ports[0].port', 'metadata.annotations["meshlet.io/retries"]'],
    );
  });

  it('the store serves the Service and keeps the error until the annotation is fixed', () => {
    const store = new ManifestStore();
    const bad = store.apply([{ path: 'svc.yaml', text: manifest({ 'meshlet.io/retries': 'lots', 'meshlet.io/max-requests': '10' }) }]).state;
    assert.deepEqual(bad.services.get('default/web')?.policy, { maxRequests: 10 });
    assert.deepEqual(bad.errors.map((e) => e.field), ['metadata.annotations["meshlet.io/retries"]']);
    const fixed = store.apply([{ path: 'svc.yaml', text: manifest({ 'meshlet.io/retries': '3', 'meshlet.io/max-requests': '10' }) }]).state;
    assert.deepEqual(fixed.services.get('default/web')?.policy, { retries: 3, maxRequests: 10 });
    assert.deepEqual(fixed.errors, []);
    // Re-reading the same text keeps the very same object (translation memoises on it).
    const again = store.apply([{ path: 'svc.yaml', text: `# touched\n${manifest({ 'meshlet.io/retries': '3', 'meshlet.io/max-requests': '10' })}` }]).state;
    assert.equal(again.services.get('default/web'), fixed.services.get('default/web'));
  });

  it('the annotated example manifest (examples/manifests, docs/annotations.md) decodes without errors', () => {
    const file = path.join(import.meta.dirname, '..', '..', '..', 'examples', 'manifests', 'checkout-resilience.yaml');
    const svc = decodeOne<Service>(readFileSync(file, 'utf8'));
    assert.deepEqual(svc.policy, {
      lbPolicy: 'RING_HASH',
      hashOn: [{ kind: 'cookie', name: 'session' }, { kind: 'header', name: 'x-user-id' }],
      connectTimeoutMs: 1000,
      timeoutMs: 10_000,
      perTryTimeoutMs: 3000,
      retries: 2,
      retryOn: ['connect-failure', 'refused-stream', 'gateway-error'],
      outlierConsecutive5xx: 5,
      outlierIntervalMs: 10_000,
      outlierBaseEjectionTimeMs: 30_000,
      outlierMaxEjectionPercent: 50,
      maxConnections: 512,
      maxPendingRequests: 128,
      maxRequests: 1024,
      retryBudgetPercent: 20,
    });
  });
});
