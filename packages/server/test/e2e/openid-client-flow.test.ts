import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser } from '../helpers/browser.js';
import { ALICE, API, startTestServer, WEB_APP } from '../helpers/test-server.js';

/**
 * The whole Authorization Code Flow with PKCE, state and nonce, run by openid-client (a certified
 * relying party) against a freshly started server, with a browser stand-in for the user.
 */
describe('openid-client completes the authorization code flow', () => {
  let server: RunningLatchkey;
  let config: oidc.Configuration;

  before(async () => {
    server = await startTestServer();
    config = await oidc.discovery(new URL(server.issuer), WEB_APP.client_id, WEB_APP.client_secret, oidc.ClientSecretBasic(WEB_APP.client_secret), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  after(() => server.close());

  it('signs in, validates the ID token and reads userinfo', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.callback,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const browser = new Browser();
    const final = await authorizeInBrowser(browser, server.issuer, Object.fromEntries(url.searchParams), ALICE);
    assert.equal(final.status, 303);
    assert.ok(final.location?.startsWith(WEB_APP.callback), final.location);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(final.location!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.aud, WEB_APP.client_id);
    assert.equal(claims.email, ALICE.email);
    assert.equal(claims.name, 'Alice');
    assert.match(claims.sub, /^auth0\|[0-9a-f]{24}$/);
    assert.equal(typeof claims.auth_time, 'number');
    assert.equal(typeof claims.sid, 'string');
    assert.equal(tokens.token_type, 'bearer');

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.email, ALICE.email);
    assert.equal(userinfo.email_verified, true);
  });

  it('gets an access token for an API with audience, and the session signs in again silently', async () => {
    const browser = new Browser();
    const first = oidc.buildAuthorizationUrl(config, { redirect_uri: WEB_APP.callback, scope: 'openid', state: 's1' });
    const signedIn = await authorizeInBrowser(browser, server.issuer, Object.fromEntries(first.searchParams), ALICE);
    assert.ok(signedIn.location?.startsWith(WEB_APP.callback));

    const verifier = oidc.randomPKCECodeVerifier();
    const second = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.callback,
      scope: 'openid read:messages unknown:scope',
      audience: API,
      prompt: 'none',
      state: 's2',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const silent = await browser.get(second.href);
    assert.equal(silent.status, 302);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(silent.location!), { pkceCodeVerifier: verifier, expectedState: 's2' });
    assert.equal(tokens.scope, 'openid read:messages');
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    assert.equal(header.typ, 'at+jwt');
    assert.deepEqual(payload.aud, [API, `${server.issuer}userinfo`]);
    assert.equal(payload.client_id, WEB_APP.client_id);
    assert.equal(payload.scope, 'openid read:messages');
  });
});
