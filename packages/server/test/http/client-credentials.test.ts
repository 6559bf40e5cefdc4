import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import { basicAuth, getUserinfo, postToken } from '../helpers/flows.js';
import { lifecycleTenant, M2M, M2M_NO_GRANT, m2mAuth, ONLINE_API, signInForTokens, webAppAuth } from '../helpers/lifecycle.js';
import { API, startTestServer, WEB_APP } from '../helpers/test-server.js';

describe('client credentials (machine to machine)', () => {
  let server: RunningLatchkey;

  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant() });
  });
  after(() => server.close());

  const clientCredentials = (extra: Record<string, string>, authorization = m2mAuth()) =>
    postToken(server, { grant_type: 'client_credentials', ...extra }, { authorization });

  it('A9.3 gives an access token for the API with the granted scopes, and no ID or refresh token', async () => {
    const call = await clientCredentials({ audience: API });
    assert.equal(call.status, 200, JSON.stringify(call.body));
    assert.equal(call.headers.get('cache-control'), 'no-store');
    assert.equal(call.body.token_type, 'Bearer');
    assert.equal(call.body.expires_in, 3600);
    assert.equal(call.body.scope, 'read:messages write:messages');
    assert.equal(call.body.id_token, undefined);
    assert.equal(call.body.refresh_token, undefined);

    const jwks = createLocalJWKSet((await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(call.body.access_token as string, jwks, {
      issuer: server.issuer,
      audience: API,
      typ: 'at+jwt',
    });
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.equal(payload.sub, `${M2M.client_id}@clients`);
    assert.equal(payload.gty, 'client-credentials');
    assert.equal(payload.client_id, M2M.client_id);
    assert.equal(payload.aud, API);
    assert.equal(typeof payload.jti, 'string');
  });

  it('honours a narrower scope and refuses one that was not granted', async () => {
    const narrower = await clientCredentials({ audience: API, scope: 'read:messages' });
    assert.equal(narrower.status, 200);
    assert.equal(narrower.body.scope, 'read:messages');
    const wider = await clientCredentials({ audience: API, scope: 'read:messages delete:messages' });
    assert.equal(wider.status, 400);
    assert.equal(wider.body.error, 'invalid_scope');
  });

  it('answers 403 access_denied to a client without a grant for the audience, or for an unknown audience', async () => {
    const noGrant = await clientCredentials({ audience: API }, basicAuth(M2M_NO_GRANT.client_id, M2M_NO_GRANT.client_secret));
    assert.equal(noGrant.status, 403);
    assert.equal(noGrant.body.error, 'access_denied');
    const otherApi = await clientCredentials({ audience: ONLINE_API });
    assert.equal(otherApi.status, 403);
    assert.equal(otherApi.body.error, 'access_denied');
    const unknown = await clientCredentials({ audience: 'https://unknown.example.test/' });
    assert.equal(unknown.status, 403);
    assert.equal(unknown.body.error, 'access_denied');
    const missing = await clientCredentials({});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  it('A2.5 a client whose grant_types lack the grant gets 400 unauthorized_client, for every grant type', async () => {
    const webApp = await clientCredentials({ audience: API }, webAppAuth());
    assert.equal(webApp.status, 400);
    assert.equal(webApp.body.error, 'unauthorized_client');

    const signedIn = await signInForTokens(server);
    const forms: Record<string, string>[] = [
      { grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_APP.callback },
      { grant_type: 'refresh_token', refresh_token: signedIn.refreshToken! },
    ];
    for (const form of forms) {
      const call = await postToken(server, form, { authorization: m2mAuth() });
      assert.equal(call.status, 400, form.grant_type);
      assert.equal(call.body.error, 'unauthorized_client', form.grant_type);
    }
  });

  it('B9.2 a client credentials access token is refused at userinfo', async () => {
    const call = await clientCredentials({ audience: API });
    const userinfo = await getUserinfo(server, call.body.access_token as string);
    assert.equal(userinfo.status, 401);
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('a wrong secret is invalid_client', async () => {
    const call = await clientCredentials({ audience: API }, basicAuth(M2M.client_id, 'wrong-secret-wrong-secret-wrong-secret'));
    assert.equal(call.status, 401);
    assert.equal(call.body.error, 'invalid_client');
  });
});
