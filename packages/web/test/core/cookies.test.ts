import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_COOKIE_BYTES,
  ResponseCookies,
  parseCookies,
  readChunkedCookie,
  writeChunkedCookie,
  type CookieWriteOptions,
} from '../../src/core/cookies.js';

const options: CookieWriteOptions = {
  domain: undefined,
  path: '/',
  secure: true,
  sameSite: 'lax',
  httpOnly: true,
  expires: new Date('2030-01-01T00:00:00Z'),
};

function capture(): { headers: () => readonly string[]; cookies: ResponseCookies } {
  let last: readonly string[] = [];
  return {
    headers: () => last,
    cookies: new ResponseCookies((headers) => {
      last = headers;
    }),
  };
}

/** What the browser sends back after the response. */
function replay(headers: readonly string[]): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const header of headers) {
    const [pair] = header.split(';');
    const [name, value] = pair!.split('=') as [string, string];
    if (/Max-Age=0/.test(header)) continue;
    jar[name] = value;
  }
  return jar;
}

describe('chunked cookies', () => {
  it('writes a short value as one cookie', () => {
    const { headers, cookies } = capture();
    writeChunkedCookie(cookies, {}, 'appSession', 'abc', options);
    assert.equal(headers().length, 1);
    assert.match(headers()[0]!, /^appSession=abc; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('splits a long value into chunks that each fit 4096 bytes, and reads them back', () => {
    const { headers, cookies } = capture();
    const value = 'x'.repeat(10_000);
    writeChunkedCookie(cookies, {}, 'appSession', value, options);
    assert.deepEqual(
      headers().map((h) => h.split('=')[0]),
      ['appSession.0', 'appSession.1', 'appSession.2'],
    );
    for (const header of headers()) assert.ok(header.length <= MAX_COOKIE_BYTES, `${header.length}`);
    assert.equal(readChunkedCookie(replay(headers()), 'appSession'), value);
  });

  it('clears stale chunks when the value shrinks', () => {
    const { headers, cookies } = capture();
    writeChunkedCookie(cookies, { 'appSession.0': 'a', 'appSession.1': 'b', other: 'c' }, 'appSession', 'short', options);
    const sent = headers();
    assert.ok(sent.some((h) => h.startsWith('appSession=short;')));
    assert.ok(sent.some((h) => /^appSession\.0=; .*Max-Age=0/.test(h)));
    assert.ok(sent.some((h) => /^appSession\.1=; .*Max-Age=0/.test(h)));
    assert.ok(!sent.some((h) => h.startsWith('other=')));
  });

  it('keeps only the last header for a name set twice on one response', () => {
    const { headers, cookies } = capture();
    writeChunkedCookie(cookies, {}, 'appSession', 'x'.repeat(5000), options);
    writeChunkedCookie(cookies, {}, 'appSession', 'small', options);
    const jar = replay(headers());
    assert.deepEqual(Object.keys(jar), ['appSession']);
    assert.equal(readChunkedCookie(jar, 'appSession'), 'small');
  });

  it('parses a Cookie header, keeping undecodable values', () => {
    assert.deepEqual({ ...parseCookies('a=1; b=%E0%A4%A; c=x%20y') }, { a: '1', b: '%E0%A4%A', c: 'x y' });
    assert.deepEqual(parseCookies(undefined), {});
  });
});
