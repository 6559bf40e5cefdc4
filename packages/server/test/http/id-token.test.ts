/**
 * Every ID token Latchkey issues, checked the way the OpenID conformance suite checks them
 * (OpenID Connect Core §2, §3.1.3.6–3.1.3.7), and the optional authorization request parameters
 * a relying party may send.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair } from '../helpers/browser.js';
import { basicAuth, getUserinfo, postToken } from '../helpers/flows.js';
import { ALICE, API, startTestServer, WEB_APP } from '../helpers/test-server.js';

const leftHalf = (value: string) => createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');

describe('ID tokens and optional request parameters', () => {
  // The system clock: C2.1 compares issued times with the real time.
  let server: RunningLatchkey;
  let jwks: ReturnType<typeof createLocalJWKSet>;
  before(async () => {
    server = await startTestServer();
    jwks = createLocalJWKSet((await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet);
  });
  after(() => server.close());

  /** Signs in (or reuses the browser's session) and redeems the code for app1. */
  async function codeFlow(browser: Browser, params: Record<string, string>) {
    const { verifier, challenge } = pkcePair();
    const response = await authorizeInBrowser(browser, server.issuer, {
      response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid profile offline_access',
      audience: API, state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...params,
    }, ALICE);
    const location = new URL(response.location ?? 'http://none/');
    const code = location.searchParams.get('code');
    assert.ok(code, `${response.status} ${response.location} ${location.searchParams.get('error_description')}`);
    const tokens = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: WEB_APP.callback, code_verifier: verifier },
      { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return tokens.body as { id_token: string; access_token: string; refresh_token?: string; scope: string };
  }

  /** The checks every ID token must pass; returns its verified claims. */
  async function assertValidIdToken(idToken: string, accessToken: string | undefined, expected: { nonce?: string; authTime?: boolean } = {}) {
    // A3.1: RS256, a kid of the JWKS, and a signature that verifies with it.
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: server.issuer, audience: WEB_APP.client_id, algorithms: ['RS256'] });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(typeof protectedHeader.kid, 'string');
    // A3.2: iss exactly; aud contains client_id, and azp names it when there are several audiences.
    assert.equal(payload.iss, server.issuer);
    const aud = [payload.aud].flat();
    assert.ok(aud.includes(WEB_APP.client_id));
    if (aud.length > 1) assert.equal(payload.azp, WEB_APP.client_id);
    // A3.3 C2.1: seconds, exp after iat and in the future, iat within five minutes of the real time.
    const now = Date.now() / 1000;
    assert.ok(Number.isInteger(payload.iat) && Number.isInteger(payload.exp) && payload.exp! < 1e10);
    assert.ok(payload.exp! > payload.iat! && payload.exp! > now);
    assert.ok(Math.abs(payload.iat! - now) <= 300, `iat ${payload.iat} vs ${now}`);
    assert.match(payload.sub!, /^[\x21-\x7e]{1,255}$/);
    // A3.4: the nonce echoed, auth_time when max_age was asked, at_hash as the left half of SHA-256.
    assert.equal(payload.nonce, expected.nonce);
    if (expected.authTime) {
      assert.equal(typeof payload.auth_time, 'number');
      assert.ok(Math.abs((payload.auth_time as number) - now) <= 300, 'C2.1 auth_time');
    }
    if (accessToken !== undefined) assert.equal(payload.at_hash, leftHalf(accessToken));
    if (payload.c_hash !== undefined) assert.fail('no c_hash outside the hybrid flow');
    return payload;
  }

  it('A3.1 A3.2 A3.3 A3.4 C2.1 every ID token is signed, addressed, timed and bound as it should be', async () => {
    const browser = new Browser();
    const first = await codeFlow(browser, { nonce: 'n-1', max_age: '3600' });
    const claims = await assertValidIdToken(first.id_token, first.access_token, { nonce: 'n-1', authTime: true });

    // sub is stable and equals the userinfo sub.
    const userinfo = JSON.parse((await getUserinfo(server, first.access_token)).text) as { sub: string };
    assert.equal(userinfo.sub, claims.sub);

    // Silent sign-in with the session: no nonce sent, none in the token.
    const silent = await codeFlow(browser, { prompt: 'none' });
    assert.equal((await assertValidIdToken(silent.id_token, silent.access_token)).sub, claims.sub);

    // A refreshed ID token passes the same checks, with the same sub and auth_time.
    const refreshed = await postToken(server, { grant_type: 'refresh_token', refresh_token: first.refresh_token! }, { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) });
    assert.equal(refreshed.status, 200);
    const again = await assertValidIdToken(refreshed.body.id_token as string, refreshed.body.access_token as string, { authTime: true });
    assert.equal(again.sub, claims.sub);
    assert.equal(again.auth_time, claims.auth_time);

    // The ID token of the form_post id_token response (sign-in only apps), with its nonce.
    const formPost = await browser.get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'id_token', response_mode: 'form_post', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', nonce: 'n-2', state: 'st',
    })}`);
    const posted = /name="id_token" value="([^"]+)"/.exec(formPost.text)?.[1];
    assert.ok(posted, formPost.text.slice(0, 300));
    await assertValidIdToken(posted, undefined, { nonce: 'n-2' });
  });

  it('A1.6 display, ui_locales, claims_locales, login_hint and acr_values are accepted', async () => {
    const tokens = await codeFlow(new Browser(), {
      display: 'popup', ui_locales: 'fr-CA fr en', claims_locales: 'fr', login_hint: ALICE.email, acr_values: 'urn:mace:incommon:iap:silver',
    });
    assert.ok(tokens.id_token);
    const page = await new Browser().get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', display: 'page',
      login_hint: ALICE.email, code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    })}`);
    assert.match(page.location!, /\/u\/login\?/);
  });

  it('A1.8 an unknown scope is dropped and the granted scope is returned with the tokens', async () => {
    const tokens = await codeFlow(new Browser(), { scope: 'openid profile bogus:scope' });
    assert.deepEqual(tokens.scope.split(' ').sort(), ['openid', 'profile']);
  });

  it('A1.18 a claims request marking name essential succeeds; with PKCE too', async () => {
    const tokens = await codeFlow(new Browser(), { claims: JSON.stringify({ userinfo: { name: { essential: true } } }) });
    const userinfo = JSON.parse((await getUserinfo(server, tokens.access_token)).text) as Record<string, unknown>;
    assert.equal(userinfo.name, 'Alice', 'released by the profile scope (claims_parameter_supported is false)');
  });

  it('A1.17 B14.5 request objects, signed or not (alg none included), and request_uri are refused as unsupported', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ client_id: WEB_APP.client_id, redirect_uri: 'https://evil.test/' })).toString('base64url')}.`;
    for (const [name, value, error] of [['request', unsigned, 'request_not_supported'], ['request_uri', 'urn:ietf:params:oauth:request_uri:abc', 'request_uri_not_supported']] as const) {
      const response = await new Browser().get(`${server.issuer}authorize?${new URLSearchParams({
        response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 'st', [name]: value,
      })}`);
      const location = new URL(response.location!);
      assert.equal(`${location.origin}${location.pathname}`, WEB_APP.callback, 'never the redirect_uri inside the object');
      assert.equal(location.searchParams.get('error'), error);
      assert.equal(location.searchParams.get('state'), 'st');
    }
  });
});
