import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { Browser, pkcePair, readForm } from '../helpers/browser.js';
import { API, PUBLIC_APP, startTestServer, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

/** Raw GET /authorize with a query string built exactly as given (repeats and odd encodings included). */
async function authorizeRaw(server: RunningLatchkey, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.issuer}authorize?${query}`, { redirect: 'manual', headers });
  return { status: response.status, location: response.headers.get('location'), headers: response.headers, text: await response.text() };
}

function q(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

const base = {
  response_type: 'code',
  client_id: WEB_APP.client_id,
  redirect_uri: WEB_APP.callback,
  scope: 'openid',
  state: 'xyz',
};

/** Asserts an error page: 400 HTML, no redirect anywhere. */
function assertErrorPage(response: { status: number; location: string | null; headers: Headers }) {
  assert.equal(response.status, 400);
  assert.equal(response.location, null);
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
}

/** Asserts RE(error): a redirect to the client callback with error, the state and iss, and no code. */
function assertRedirectError(server: RunningLatchkey, response: { status: number; location: string | null }, error: string, callback: string = WEB_APP.callback, state: string | null = 'xyz') {
  assert.equal(response.status, 302, `expected a redirect, got ${response.status}`);
  const location = new URL(response.location!);
  assert.equal(`${location.origin}${location.pathname}`, callback);
  assert.equal(location.searchParams.get('error'), error);
  assert.equal(location.searchParams.get('state'), state);
  assert.equal(location.searchParams.get('iss'), server.issuer);
  assert.equal(location.searchParams.get('code'), null);
}

describe('GET /authorize', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('A1.1 a valid request leads to the login page of the transaction', async () => {
    const response = await authorizeRaw(server, q({ ...base, nonce: 'n', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
    assert.equal(response.status, 302);
    assert.match(response.location!, new RegExp(`^${server.issuer}u/login\\?state=[A-Za-z0-9_-]{32}$`));
  });

  it('A1.2 accepts the same request as a POST form', async () => {
    const response = await fetch(`${server.issuer}authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: q(base),
    });
    assert.equal(response.status, 302);
    assert.match(response.headers.get('location')!, /\/u\/login\?state=/);
  });

  it('A1.3 A1.4 accepts reordered parameters, reversed scopes and unknown parameters', async () => {
    const response = await authorizeRaw(server, `extra=foobar&state=xyz&scope=email%20openid&redirect_uri=${encodeURIComponent(WEB_APP.callback)}&client_id=app1&response_type=code`);
    assert.equal(response.status, 302);
    assert.match(response.location!, /\/u\/login\?state=/);
  });

  it('A1.9 an unknown or missing client_id gets an error page, never a redirect', async () => {
    assertErrorPage(await authorizeRaw(server, q({ ...base, client_id: 'nope' })));
    const { client_id: _ignored, ...withoutClient } = base;
    assertErrorPage(await authorizeRaw(server, q(withoutClient)));
  });

  it('B3.1 every redirect_uri that is not exactly a registered one gets an error page', async () => {
    const bad = [
      'https://evil.test/cb',
      'http://127.0.0.1:3000/callback/extra',
      'http://127.0.0.1:3000/callback/../x',
      'http://127.0.0.1:3000/callback%2F..',
      'http://127.0.0.1:3000/callback?foo=bar',
      'http://127.0.0.1:3000/callback/',
      'http://127.0.0.1:3000/Callback',
      'http://127.0.0.1:3000/callback#frag',
      'https://127.0.0.1:3000/callback',
      'http://127.0.0.1:3000@evil.test/callback',
      'http://127.0.0.1.evil.test:3000/callback',
      'http://evil.test\\@127.0.0.1:3000/callback',
      THIRD_PARTY_APP.callback,
    ];
    for (const redirectUri of bad) {
      const response = await authorizeRaw(server, q({ ...base, redirect_uri: redirectUri }));
      assertErrorPage(response);
    }
  });

  it('B3.4 an error found with an unregistered redirect_uri still goes to a page', async () => {
    assertErrorPage(await authorizeRaw(server, q({ ...base, redirect_uri: 'https://evil.test/cb', response_type: 'token' })));
  });

  it('A1.11 with two registered callbacks and none sent, an error page', async () => {
    assertErrorPage(await authorizeRaw(server, q({ response_type: 'code', client_id: THIRD_PARTY_APP.client_id, scope: 'openid' })));
  });

  it('accepts a missing redirect_uri when the client registered exactly one', async () => {
    const response = await authorizeRaw(server, q({ response_type: 'code', client_id: WEB_APP.client_id, scope: 'openid' }));
    assert.equal(response.status, 302);
    assert.match(response.location!, /\/u\/login\?state=/);
  });

  it('A1.10 a repeated state is RE(invalid_request); a repeated redirect_uri is an error page', async () => {
    const repeatedState = await authorizeRaw(server, `${q(base)}&state=again`);
    assertRedirectError(server, repeatedState, 'invalid_request', WEB_APP.callback, null);
    assertErrorPage(await authorizeRaw(server, `${q(base)}&redirect_uri=${encodeURIComponent(WEB_APP.callback)}`));
    assertErrorPage(await authorizeRaw(server, `${q(base)}&client_id=app1`));
  });

  it('A1.7 a missing response_type is invalid_request; token and hybrid types are unsupported', async () => {
    const { response_type: _ignored, ...withoutType } = base;
    assertRedirectError(server, await authorizeRaw(server, q(withoutType)), 'invalid_request');
    for (const type of ['token', 'foo', 'code id_token', 'code token', 'id_token token']) {
      assertRedirectError(server, await authorizeRaw(server, q({ ...base, response_type: type })), 'unsupported_response_type');
    }
  });

  it('A1.5 state is optional and then absent from the response', async () => {
    const { state: _ignored, ...withoutState } = base;
    const response = await authorizeRaw(server, q({ ...withoutState, response_type: 'token' }));
    assertRedirectError(server, response, 'unsupported_response_type', WEB_APP.callback, null);
  });

  it('B2.3 a public client without code_challenge is refused', async () => {
    const response = await authorizeRaw(server, q({ ...base, client_id: PUBLIC_APP.client_id, redirect_uri: PUBLIC_APP.callback }));
    assertRedirectError(server, response, 'invalid_request', PUBLIC_APP.callback);
  });

  it('B2.4 plain, unknown methods, a missing method and malformed challenges are refused', async () => {
    const { challenge } = pkcePair();
    const cases: Record<string, string>[] = [
      { code_challenge: challenge, code_challenge_method: 'plain' },
      { code_challenge: challenge, code_challenge_method: 'S512' },
      { code_challenge: challenge },
      { code_challenge_method: 'S256' },
      { code_challenge: 'short', code_challenge_method: 'S256' },
      { code_challenge: `${challenge}!`, code_challenge_method: 'S256' },
      { code_challenge: 'a'.repeat(129), code_challenge_method: 'S256' },
    ];
    for (const extra of cases) {
      assertRedirectError(server, await authorizeRaw(server, q({ ...base, ...extra })), 'invalid_request');
    }
  });

  it('A1.12 prompt=none without a session is login_required', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, prompt: 'none' })), 'login_required');
  });

  it('A1.14 prompt=none combined with another value is invalid_request', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, prompt: 'none login' })), 'invalid_request');
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, prompt: 'bogus' })), 'invalid_request');
  });

  it('refuses a malformed max_age, an unknown audience, and request objects', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, max_age: '-1' })), 'invalid_request');
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, audience: 'https://unknown.test/' })), 'invalid_request');
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, request: 'eyJhbGciOiJub25lIn0.e30.' })), 'request_not_supported');
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, request_uri: 'https://rp.test/r' })), 'request_uri_not_supported');
  });

  it('refuses an invalid id_token_hint', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, id_token_hint: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' })), 'invalid_request');
  });

  it('refuses a malformed scope token', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, scope: 'openid "quoted"' })), 'invalid_scope');
  });

  it('refuses response_type=id_token outside form_post, and requires its nonce', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, response_type: 'id_token' })), 'invalid_request');
    const response = await authorizeRaw(server, q({ ...base, response_type: 'id_token', response_mode: 'form_post' }));
    // Errors travel like the response would: an auto-posted form to the callback.
    assert.equal(response.status, 200);
    const form = readForm(response.text);
    assert.equal(form.action, WEB_APP.callback);
    assert.equal(form.fields.error, 'invalid_request');
    assert.equal(form.fields.state, 'xyz');
    assert.equal(form.fields.iss, server.issuer);
  });

  it('refuses an unsupported response_mode', async () => {
    assertRedirectError(server, await authorizeRaw(server, q({ ...base, response_mode: 'fragment' })), 'invalid_request');
  });

  it('B15.2 malformed percent-encoding, invalid UTF-8 and NUL get a 4xx and the server keeps serving', async () => {
    for (const query of ['client_id=%ZZ', 'client_id=%C3%28', `${q(base)}&nonce=%ZZ`, `client_id=${'a'.repeat(5000)}`]) {
      const response = await authorizeRaw(server, query);
      assert.ok(response.status >= 400 && response.status < 500, `${query.slice(0, 30)} → ${response.status}`);
      assert.equal(response.location, null);
    }
    assertRedirectError(server, await authorizeRaw(server, `${q(base)}&nonce=%00`), 'invalid_request');
    const ok = await authorizeRaw(server, q(base));
    assert.equal(ok.status, 302);
  });

  it('B15.3 a state with CR/LF cannot inject headers, and is passed back exactly', async () => {
    const state = 'a\r\nSet-Cookie: evil=1';
    const response = await authorizeRaw(server, q({ ...base, state, response_type: 'token' }));
    assert.equal(response.headers.get('set-cookie'), null);
    assertRedirectError(server, response, 'unsupported_response_type', WEB_APP.callback, state);
  });

  it('B15.1 a 2,000-character state and a 384-character nonce are kept whole', async () => {
    const state = 's'.repeat(2000);
    const response = await authorizeRaw(server, q({ ...base, state, nonce: 'n'.repeat(384), response_type: 'token' }));
    assertRedirectError(server, response, 'unsupported_response_type', WEB_APP.callback, state);
  });

  it('B6.1 B13.2 B6.2 pages forbid framing and referrers, and /authorize allows no CORS', async () => {
    const response = await authorizeRaw(server, q(base), { origin: 'https://evil.test' });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const page = await fetch(response.location!);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    await page.body?.cancel();
    const errorPage = await authorizeRaw(server, q({ ...base, client_id: 'nope' }));
    assert.equal(errorPage.headers.get('x-frame-options'), 'DENY');
  });

  it('escapes what it echoes on error pages', async () => {
    const response = await authorizeRaw(server, `client_id=${encodeURIComponent('<script>alert(1)</script>')}`);
    assertErrorPage(response);
    assert.ok(!response.text.includes('<script>alert(1)</script>'));
  });

  it('an audience of a registered API is accepted', async () => {
    const browser = new Browser();
    const response = await browser.get(`${server.issuer}authorize?${q({ ...base, audience: API, scope: 'openid read:messages' })}`);
    assert.equal(response.status, 302);
    assert.match(response.location!, /\/u\/login\?state=/);
  });
});
