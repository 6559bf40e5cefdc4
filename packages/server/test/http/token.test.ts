import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair } from '../helpers/browser.js';
import { basicAuth, decodeJwt, getUserinfo, obtainCode, postToken, redeemCode } from '../helpers/flows.js';
import { ALICE, PUBLIC_APP, startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

const appAuth = basicAuth(WEB_APP.client_id, WEB_APP.client_secret);

describe('POST /oauth/token with the authorization code grant', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it('A2.1 B13.1 client_secret_basic: tokens, never cached', async () => {
    const result = await obtainCode(server);
    assert.ok(Buffer.from(result.code, 'base64url').length >= 16, 'C3.5 the code has at least 128 bits');
    const response = await redeemCode(server, result);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('pragma'), 'no-cache');
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(typeof response.body.expires_in, 'number');
    assert.equal(response.body.scope, 'openid profile email');
    const idToken = decodeJwt(response.body.id_token as string);
    assert.equal(idToken.header.alg, 'RS256');
    assert.equal(typeof idToken.header.kid, 'string');
    const claims = idToken.payload;
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.aud, WEB_APP.client_id);
    assert.equal(claims.nonce, 'nonce-1');
    assert.ok((claims.exp as number) > (claims.iat as number));
    assert.ok((claims.iat as number) < 1e10, 'A3.3 seconds, not milliseconds');
    for (const claim of ['sub', 'auth_time', 'sid', 'at_hash', 'email', 'name']) assert.ok(claims[claim] !== undefined, claim);

    const access = decodeJwt(response.body.access_token as string);
    assert.equal(access.header.typ, 'at+jwt');
    for (const claim of ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'exp', 'jti']) assert.ok(access.payload[claim] !== undefined, claim);
  });

  it('A2.1 client_secret_post and a JSON body, at /token too', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const response = await authorizeInBrowser(browser, server.issuer, {
      response_type: 'code', client_id: THIRD_PARTY_APP.client_id, redirect_uri: THIRD_PARTY_APP.callback, scope: 'openid',
      code_challenge: challenge, code_challenge_method: 'S256',
    }, ALICE);
    const code = new URL(response.location!).searchParams.get('code')!;
    const token = await postToken(server, {
      grant_type: 'authorization_code', code, redirect_uri: THIRD_PARTY_APP.callback, code_verifier: verifier,
      client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret,
    }, { json: true, path: 'token' });
    assert.equal(token.status, 200);
    assert.ok(token.body.id_token);
  });

  it('A3.5 an ID token without profile or email scopes has no profile claims', async () => {
    const result = await obtainCode(server, { params: { scope: 'openid' } });
    const claims = decodeJwt((await redeemCode(server, result)).body.id_token as string).payload;
    assert.equal(claims.email, undefined);
    assert.equal(claims.name, undefined);
  });

  it('A1.5 no nonce in the request, no nonce in the ID token', async () => {
    const result = await obtainCode(server, { params: { nonce: '' } });
    const claims = decodeJwt((await redeemCode(server, result)).body.id_token as string).payload;
    assert.equal(claims.nonce, undefined);
  });

  it('a request without openid is plain OAuth: an access token and no ID token', async () => {
    const result = await obtainCode(server, { params: { scope: 'profile' } });
    const response = await redeemCode(server, result);
    assert.equal(response.status, 200);
    assert.equal(response.body.id_token, undefined);
  });

  it('A2.2 wrong secret, no authentication, or an unregistered method is invalid_client', async () => {
    const result = await obtainCode(server);
    const form = { grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: result.verifier };

    const wrong = await postToken(server, form, { authorization: basicAuth(WEB_APP.client_id, 'wrong-secret') });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);

    const unknown = await postToken(server, form, { authorization: basicAuth('nobody', WEB_APP.client_secret) });
    assert.equal(unknown.status, 401);

    const none = await postToken(server, form);
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');

    const publicId = await postToken(server, { ...form, client_id: WEB_APP.client_id });
    assert.equal(publicId.status, 401, 'a confidential client cannot act as public');

    const viaPost = await postToken(server, { ...form, client_id: WEB_APP.client_id, client_secret: WEB_APP.client_secret });
    assert.equal(viaPost.status, 401, 'app1 registered client_secret_basic');
    assert.equal(viaPost.body.error, 'invalid_client');

    const both = await postToken(server, { ...form, client_secret: WEB_APP.client_secret }, { authorization: appAuth });
    assert.equal(both.status, 400);
    assert.equal(both.body.error, 'invalid_request');

    const malformed = await postToken(server, form, { authorization: 'Basic !!!' });
    assert.equal(malformed.status, 401);

    // None of these used the code: the right client still redeems it.
    assert.equal((await redeemCode(server, result)).status, 200);
  });

  it('A2.3 a code redeemed by another client is invalid_grant', async () => {
    const result = await obtainCode(server);
    const response = await postToken(server, {
      grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: result.verifier,
      client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_grant');
  });

  it('A2.4 a redirect_uri different from the authorization request, or missing, is invalid_grant', async () => {
    const result = await obtainCode(server);
    const different = await redeemCode(server, result, { redirect_uri: 'http://127.0.0.1:3000/other' });
    assert.equal(different.body.error, 'invalid_grant');
    const missing = await postToken(server, { grant_type: 'authorization_code', code: result.code, code_verifier: result.verifier }, { authorization: appAuth });
    assert.equal(missing.body.error, 'invalid_grant');
    assert.equal((await redeemCode(server, result)).status, 200);
  });

  it('A2.5 unknown code, missing code, unknown or unsupported grant types, and GET', async () => {
    const unknown = await postToken(server, { grant_type: 'authorization_code', code: 'nope', redirect_uri: WEB_APP.callback }, { authorization: appAuth });
    assert.deepEqual([unknown.status, unknown.body.error], [400, 'invalid_grant']);
    const missing = await postToken(server, { grant_type: 'authorization_code', redirect_uri: WEB_APP.callback }, { authorization: appAuth });
    assert.deepEqual([missing.status, missing.body.error], [400, 'invalid_request']);
    const noGrantType = await postToken(server, { code: 'x' }, { authorization: appAuth });
    assert.deepEqual([noGrantType.status, noGrantType.body.error], [400, 'invalid_request']);
    for (const grantType of ['foo', 'password', 'implicit']) {
      const response = await postToken(server, { grant_type: grantType }, { authorization: appAuth });
      assert.deepEqual([response.status, response.body.error], [400, 'unsupported_grant_type']);
    }
    const get = await fetch(`${server.issuer}oauth/token`);
    assert.equal(get.status, 405);
    assert.equal(((await get.json()) as { error: string }).error, 'invalid_request');
  });

  it('B1.1 B1.2 a second redemption fails and revokes what the first issued', async () => {
    const result = await obtainCode(server);
    const first = await redeemCode(server, result);
    assert.equal((await getUserinfo(server, first.body.access_token as string)).status, 200);

    const second = await redeemCode(server, result);
    assert.deepEqual([second.status, second.body.error], [400, 'invalid_grant']);
    const after = await getUserinfo(server, first.body.access_token as string);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('B1.2 a replay with a wrong verifier or wrong client revokes nothing', async () => {
    const result = await obtainCode(server);
    const first = await redeemCode(server, result);
    const wrongVerifier = await redeemCode(server, result, { code_verifier: pkcePair().verifier });
    assert.equal(wrongVerifier.body.error, 'invalid_grant');
    const wrongClient = await postToken(server, {
      grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: result.verifier,
      client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret,
    });
    assert.equal(wrongClient.body.error, 'invalid_grant');
    const wrongSecret = await postToken(server, { grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: result.verifier }, { authorization: basicAuth(WEB_APP.client_id, 'nope') });
    assert.equal(wrongSecret.status, 401);
    assert.equal((await getUserinfo(server, first.body.access_token as string)).status, 200);
  });

  it('B1.3 B2.1 a missing or wrong code_verifier is invalid_grant', async () => {
    const result = await obtainCode(server);
    const { code_verifier: _ignored, ...withoutVerifier } = { grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: '' };
    const missing = await postToken(server, withoutVerifier, { authorization: appAuth });
    assert.equal(missing.body.error, 'invalid_grant');
    const wrong = await redeemCode(server, result, { code_verifier: pkcePair().verifier });
    assert.equal(wrong.body.error, 'invalid_grant');
    const malformed = await redeemCode(server, result, { code_verifier: 'short' });
    assert.equal(malformed.body.error, 'invalid_grant');
  });

  it('B2.2 a code issued without a challenge refuses a code_verifier (no downgrade)', async () => {
    const result = await obtainCode(server, { pkce: false });
    const response = await redeemCode(server, result);
    assert.deepEqual([response.status, response.body.error], [400, 'invalid_grant']);
    const { code_verifier: _ignored, ...form } = { grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: '' };
    assert.equal((await postToken(server, form, { authorization: appAuth })).status, 200);
  });

  it('C3.1 a code expires after 60 seconds', async () => {
    const result = await obtainCode(server);
    clock.advance(61);
    const response = await redeemCode(server, result);
    assert.deepEqual([response.status, response.body.error], [400, 'invalid_grant']);
  });

  it('a public client redeems with its client_id and the verifier', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const response = await authorizeInBrowser(browser, server.issuer, {
      response_type: 'code', client_id: PUBLIC_APP.client_id, redirect_uri: PUBLIC_APP.callback, scope: 'openid',
      code_challenge: challenge, code_challenge_method: 'S256',
    }, ALICE);
    const code = new URL(response.location!).searchParams.get('code')!;
    const withSecret = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: PUBLIC_APP.callback, code_verifier: verifier, client_id: PUBLIC_APP.client_id, client_secret: 'x'.repeat(40) });
    assert.equal(withSecret.status, 401, 'a public client has no secret to present');
    const token = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: PUBLIC_APP.callback, code_verifier: verifier, client_id: PUBLIC_APP.client_id });
    assert.equal(token.status, 200);
  });

  it('A2.5 a grant type the client may not use is unauthorized_client', async () => {
    await server.storage.clients.upsert({
      client_id: 'no-code', client_secret_hash: (await import('../../src/crypto/random.js')).hashSecret('no-code-secret-at-least-32-characters'),
      name: 'No code', app_type: 'regular_web', callbacks: ['https://x.test/cb'], allowed_logout_urls: [], grant_types: ['refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic', is_first_party: true,
    });
    const response = await postToken(server, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://x.test/cb' }, { authorization: basicAuth('no-code', 'no-code-secret-at-least-32-characters') });
    assert.deepEqual([response.status, response.body.error], [400, 'unauthorized_client']);
  });

  it('RFC 6749 §3.1 a repeated parameter is invalid_request', async () => {
    const result = await obtainCode(server);
    const response = await fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: appAuth },
      body: `grant_type=authorization_code&code=${result.code}&code=${result.code}&redirect_uri=${encodeURIComponent(WEB_APP.callback)}`,
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  it('B15.2 malformed, oversized, mistyped and non-string bodies get OAuth errors and the server keeps serving', async () => {
    const send = async (body: string | Buffer, contentType: string) => {
      const response = await fetch(`${server.issuer}oauth/token`, { method: 'POST', headers: { 'content-type': contentType, authorization: appAuth }, body });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as { error: string }, cacheControl: response.headers.get('cache-control') };
    };
    const cases: [string | Buffer, string, number][] = [
      ['grant_type=%ZZ', 'application/x-www-form-urlencoded', 400],
      ['grant_type=%C3%28', 'application/x-www-form-urlencoded', 400],
      ['grant_type=authorization_code&code=%00', 'application/x-www-form-urlencoded', 400],
      ['{"grant_type": "authorization_code", "code": ', 'application/json', 400],
      ['{"grant_type": ["authorization_code"]}', 'application/json', 400],
      ['{"grant_type": "authorization_code", "code": {"$ne": 1}}', 'application/json', 400],
      ['[1,2]', 'application/json', 400],
      ['grant_type=authorization_code', 'text/plain', 415],
      [`grant_type=authorization_code&code=${'a'.repeat(1024 * 1024)}`, 'application/x-www-form-urlencoded', 413],
      [`grant_type=authorization_code&code=${'a'.repeat(5000)}`, 'application/x-www-form-urlencoded', 400],
    ];
    for (const [body, type, status] of cases) {
      const response = await send(body, type);
      assert.equal(response.status, status, `${type} ${String(body).slice(0, 40)}`);
      assert.equal(response.body.error, 'invalid_request');
      assert.equal(response.cacheControl, 'no-store');
    }
    const result = await obtainCode(server);
    assert.equal((await redeemCode(server, result)).status, 200);
  });

  it('B13.3 errors never echo the secret that was sent', async () => {
    const secret = 'very-secret-value-that-must-not-leak-123';
    const response = await postToken(server, { grant_type: 'authorization_code', code: 'x' }, { authorization: basicAuth(WEB_APP.client_id, secret) });
    assert.ok(!JSON.stringify(response.body).includes(secret));
  });
});
