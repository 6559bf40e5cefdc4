import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { basicAuth, getUserinfo, postToken } from '../helpers/flows.js';
import {
  introspect,
  lifecycleTenant,
  m2mAuth,
  postForm,
  refresh,
  revoke,
  signInForTokens,
  SPA,
} from '../helpers/lifecycle.js';
import { API, startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

/** The partner app authenticates with client_secret_post. */
const asPartner = (server: RunningLatchkey, path: string, token: string) =>
  postForm(server, path, { token, client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret });

describe('token revocation (RFC 7009)', () => {
  let server: RunningLatchkey;

  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant() });
  });
  after(() => server.close());

  it('A8.1 revoking a refresh token revokes its family and access tokens, whatever the token_type_hint', async () => {
    const signedIn = await signInForTokens(server);
    const response = await revoke(server, signedIn.refreshToken!, undefined, { token_type_hint: 'access_token' });
    assert.equal(response.status, 200);
    assert.equal(response.text, '');
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const refreshed = await refresh(server, signedIn.refreshToken!);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
    assert.equal((await getUserinfo(server, signedIn.accessToken)).status, 401);
    assert.deepEqual((await introspect(server, signedIn.accessToken)).body, { active: false });
  });

  it('A8.1 an unknown or malformed token gives 200; a missing one is invalid_request', async () => {
    assert.equal((await revoke(server, 'never-issued')).status, 200);
    assert.equal((await revoke(server, 'a.b.c')).status, 200);
    const missing = await postForm(server, 'oauth/revoke', {}, basicAuth(WEB_APP.client_id, WEB_APP.client_secret));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  it('A8.2 without or with bad client authentication: 401 invalid_client, and the token survives', async () => {
    const signedIn = await signInForTokens(server);
    const anonymous = await postForm(server, 'oauth/revoke', { token: signedIn.refreshToken! });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'invalid_client');
    const wrong = await revoke(server, signedIn.refreshToken!, basicAuth(WEB_APP.client_id, 'not-the-secret-not-the-secret-not-the'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.ok(wrong.headers.get('www-authenticate')?.startsWith('Basic'));
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
  });

  it("A8.2 a client cannot revoke another client's refresh or access token", async () => {
    const signedIn = await signInForTokens(server);
    for (const token of [signedIn.refreshToken!, signedIn.accessToken]) {
      const refused = await asPartner(server, 'oauth/revoke', token);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'unauthorized_client');
    }
    assert.equal((await introspect(server, signedIn.accessToken)).body.active, true);
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
  });

  it('A8.4 a revoked access token is refused at userinfo and by introspection; its refresh token lives on', async () => {
    const signedIn = await signInForTokens(server);
    assert.equal((await getUserinfo(server, signedIn.accessToken)).status, 200);
    assert.equal((await revoke(server, signedIn.accessToken)).status, 200);
    const userinfo = await getUserinfo(server, signedIn.accessToken);
    assert.equal(userinfo.status, 401);
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.deepEqual((await introspect(server, signedIn.accessToken)).body, { active: false });
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
  });

  it('revokes a client credentials access token through the deny list', async () => {
    const issued = await postToken(server, { grant_type: 'client_credentials', audience: API }, { authorization: m2mAuth() });
    const token = issued.body.access_token as string;
    assert.equal((await introspect(server, token)).body.active, true);
    assert.equal((await revoke(server, token, m2mAuth())).status, 200);
    assert.deepEqual((await introspect(server, token)).body, { active: false });
  });

  it('a public client revokes its own refresh token with its client_id', async () => {
    const signedIn = await signInForTokens(server, { client: SPA });
    const response = await postForm(server, 'oauth/revoke', { token: signedIn.refreshToken!, client_id: SPA.client_id });
    assert.equal(response.status, 200);
    const refreshed = await refresh(server, signedIn.refreshToken!, {}, SPA.client_id);
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  it('accepts POST only', async () => {
    const response = await fetch(`${server.issuer}oauth/revoke`);
    assert.equal(response.status, 405);
  });
});

describe('token introspection (RFC 7662)', () => {
  let server: RunningLatchkey;  const clock = new TestClock();

  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant(), clock });
  });
  after(() => server.close());

  it('A8.3 B13.1 an active access token is described with scope, client_id, sub and exp', async () => {
    const signedIn = await signInForTokens(server);
    const response = await asPartner(server, 'oauth/introspect', signedIn.accessToken);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const { body } = response;
    assert.equal(body.active, true);
    assert.equal(body.scope, 'openid profile offline_access read:messages');
    assert.equal(body.client_id, WEB_APP.client_id);
    assert.match(body.sub as string, /^auth0\|/);
    assert.equal(body.exp, clock.now() + 3600);
    assert.equal(body.iss, server.issuer);
    assert.equal(body.token_type, 'Bearer');
  });

  it('A8.3 without client authentication, or as a public client: 401', async () => {
    const signedIn = await signInForTokens(server);
    const anonymous = await postForm(server, 'oauth/introspect', { token: signedIn.accessToken });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'invalid_client');
    const publicClient = await postForm(server, 'oauth/introspect', { token: signedIn.accessToken, client_id: SPA.client_id });
    assert.equal(publicClient.status, 401);
    assert.equal(publicClient.body.error, 'invalid_client');
  });

  it('A8.3 garbage, ID tokens and unknown tokens are {"active":false} and nothing else', async () => {
    const signedIn = await signInForTokens(server);
    for (const token of ['garbage', 'a.b.c', signedIn.idToken!]) {
      const response = await introspect(server, token);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { active: false });
    }
  });

  it('C3.2 after expires_in the access token is inactive and refused at userinfo', async () => {
    const signedIn = await signInForTokens(server);
    clock.advance(3599);
    assert.equal((await introspect(server, signedIn.accessToken)).body.active, true);
    clock.advance(1);
    assert.deepEqual((await introspect(server, signedIn.accessToken)).body, { active: false });
    const userinfo = await getUserinfo(server, signedIn.accessToken);
    assert.equal(userinfo.status, 401);
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('describes a refresh token to its own client only, and a rotated one as inactive', async () => {
    const signedIn = await signInForTokens(server);
    const own = await introspect(server, signedIn.refreshToken!, undefined, { token_type_hint: 'refresh_token' });
    assert.equal(own.body.active, true);
    assert.equal(own.body.token_type, 'refresh_token');
    assert.equal(own.body.client_id, WEB_APP.client_id);
    assert.equal(own.body.scope, 'openid profile offline_access read:messages');
    assert.deepEqual((await asPartner(server, 'oauth/introspect', signedIn.refreshToken!)).body, { active: false });

    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
    assert.deepEqual((await introspect(server, signedIn.refreshToken!)).body, { active: false });
  });
});
