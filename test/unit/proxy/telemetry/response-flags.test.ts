// Response flags: Envoy's short codes, combined as a bit mask and printed in Envoy's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_RESPONSE_FLAGS,
  formatResponseFlags,
  RESPONSE_FLAGS,
  ResponseFlag,
} from '../../../../proxy/telemetry/response-flags.js';

void test('response flags: none prints as "-", one flag as its code', () => {
  assert.equal(formatResponseFlags(0), '-');
  assert.equal(formatResponseFlags(ResponseFlag.NoHealthyUpstream), 'UH');
  assert.equal(formatResponseFlags(ResponseFlag.NoRouteFound), 'NR');
});

void test('response flags: a combination prints in Envoy order whatever order it was set in', () => {
  let flags = 0;
  flags |= ResponseFlag.UpstreamRetryLimitExceeded;
  flags |= ResponseFlag.UpstreamConnectionFailure;
  assert.equal(formatResponseFlags(flags), 'UF,URX');
  assert.equal(formatResponseFlags(ResponseFlag.UpstreamRequestTimeout | ResponseFlag.NoHealthyUpstream), 'UH,UT');
  assert.equal(formatResponseFlags(flags), formatResponseFlags(flags), 'cached');
});

void test('response flags: every code is distinct, one bit each, and unknown bits are ignored', () => {
  const codes = RESPONSE_FLAGS.map((f) => f.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const f of RESPONSE_FLAGS) assert.equal(f.flag & (f.flag - 1), 0, `${f.code} is one bit`);
  assert.deepEqual(formatResponseFlags(ALL_RESPONSE_FLAGS).split(','), codes);
  assert.equal(formatResponseFlags(0x1), '-', "0x1 is Envoy's LH, not used by the sidecar");
  assert.equal(formatResponseFlags(0x1 | ResponseFlag.LocalReset), 'LR');
});
