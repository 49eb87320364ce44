// Hash keys: the first hash policy that yields a value wins; cookies parsed as Envoy does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieValue, hashKey } from '../../../../proxy/router/hash-key.js';
import type { RequestHeaders } from '../../../../proxy/router/request.js';
import type { HashPolicy } from '../../../../proxy/xds/types.js';
import { request } from './fixtures.js';

const byHeader = (name: string): HashPolicy => ({ kind: 'header', name });
const byCookie = (name: string): HashPolicy => ({ kind: 'cookie', name });
const bySource: HashPolicy = { kind: 'source_ip' };

void test('hash key: policies in order, the first with a value wins', () => {
  const table: [policies: HashPolicy[], headers: RequestHeaders, sourceIp: string | undefined, want: string | undefined][] = [
    [[byHeader('x-user')], { 'x-user': 'alice' }, '10.0.0.1', 'alice'],
    [[byHeader('x-user')], { 'x-user': '' }, undefined, ''], // present but empty is still a value
    [[byHeader('x-user')], {}, '10.0.0.1', undefined],
    [[byHeader('x-user'), bySource], {}, '10.0.0.1', '10.0.0.1'],
    [[bySource, byHeader('x-user')], { 'x-user': 'alice' }, '10.0.0.1', '10.0.0.1'],
    [[bySource, byHeader('x-user')], { 'x-user': 'alice' }, undefined, 'alice'],
    [[bySource], {}, '', undefined],
    [[byHeader('x-v'), byHeader('x-user')], { 'x-user': 'bob' }, undefined, 'bob'],
    // several values: sorted, then joined, so their order does not move the key (Envoy's HeaderHashMethod)
    [[byHeader('x-tag')], { 'x-tag': ['b', 'a'] }, undefined, 'a,b'],
    [[byHeader('x-tag')], { 'x-tag': ['a', 'b'] }, undefined, 'a,b'],
    [[byHeader(':authority')], {}, undefined, 'svc'], // pseudo-headers come from the request's fields
    [[byCookie('session')], { cookie: 'a=1; session=s1; b=2' }, undefined, 's1'],
    [[byCookie('session')], { cookie: 'session=first; session=second' }, undefined, 'first'],
    [[byCookie('session')], { cookie: ['a=1', 'session=s2'] }, undefined, 's2'],
    [[byCookie('session'), byHeader('x-user')], { cookie: 'a=1; b=2', 'x-user': 'carol' }, undefined, 'carol'],
    [[byCookie('session'), bySource], {}, '10.0.0.2', '10.0.0.2'],
    [[byCookie('session'), bySource], { cookie: 'session=' }, '10.0.0.2', '10.0.0.2'], // empty: falls through
    [[byCookie('session'), bySource], { cookie: ['session=', 'session=late'] }, '10.0.0.2', '10.0.0.2'],
    [[], { 'x-user': 'alice' }, '10.0.0.1', undefined],
  ];
  for (const [policies, headers, sourceIp, want] of table) {
    assert.equal(hashKey(policies, request('/', headers), sourceIp), want, `${JSON.stringify(policies)} ${JSON.stringify(headers)} ${sourceIp}`);
  }
});

void test('cookie: the first cookie of that name in a Cookie header, parsed as Envoy parseCookieValue', () => {
  const table: [header: string, name: string, want: string | undefined][] = [
    ['a=1; b=2', 'a', '1'],
    ['a=1; b=2', 'b', '2'],
    ['a=1;b=2', 'b', '2'],
    ['a=1;   b=2', 'b', '2'],
    ['  a=1', 'a', '1'],
    ['a=1; b=2', 'c', undefined],
    ['ab=1; b=2', 'b', '2'], // names compare whole, not as suffix or prefix
    ['ba=1; b=2', 'b', '2'],
    ['b; b=2', 'b', '2'], // a pair without "=" is skipped
    ['x=a=b; y=1', 'x', 'a=b'], // split at the first "="
    ['s="quoted"; t=1', 's', 'quoted'],
    ['s="; t=1', 's', '"'],
    ['s=""', 's', ''],
    ['S=1', 's', undefined], // names are case-sensitive
    ['a=1; b=', 'b', ''],
    ['', 'a', undefined],
    ['a=1;', 'a', '1'],
  ];
  for (const [header, name, want] of table) assert.equal(cookieValue(header, name), want, `${header} / ${name}`);
});
