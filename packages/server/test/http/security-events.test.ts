import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SecurityEvent } from '../../src/protocol/events/security-event.js';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser } from '../helpers/browser.js';
import { basicAuth, obtainCode, postToken, redeemCode } from '../helpers/flows.js';
import { lifecycleTenant, m2mAuth, M2M, refresh, signInForTokens } from '../helpers/lifecycle.js';
import { ALICE, API, startTestServer, WEB_APP } from '../helpers/test-server.js';

/**
 * The security event log as Auth0 writes it: each sign-in, failure, token exchange and logout is
 * one entry with its type code, client, user, IP and user agent.
 */
describe('security event log', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant() });
  });
  after(() => server.close());

  /** The newest event of a type. */
  async function latest(type: SecurityEvent['type']): Promise<SecurityEvent> {
    const [event] = await server.storage.securityEvents.list({ types: [type], limit: 1 });
    assert.ok(event, `an event of type ${type}`);
    return event;
  }

  it('logs a sign-in (s) with the client, the user, the IP and the user agent', async () => {
    await obtainCode(server);
    const event = await latest('s');
    assert.equal(event.client_id, WEB_APP.client_id);
    assert.equal(event.client_name, 'Web App');
    assert.equal(event.user_name, ALICE.email);
    assert.match(event.user_id ?? '', /^auth0\|/);
    assert.equal(event.ip, '127.0.0.1');
    assert.equal(event.user_agent, 'node');
    assert.equal(event.description, 'Success Login');
  });

  it('tells a wrong password (fp) from an unknown email (fu), which the user cannot', async () => {
    const browser = new Browser();
    const params = { response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 's' };
    const wrong = await authorizeInBrowser(browser, server.issuer, params, { email: ALICE.email, password: 'not the password' });
    const unknown = await authorizeInBrowser(new Browser(), server.issuer, params, { email: 'Nobody@Example.test', password: 'whatever it is' });
    assert.equal(wrong.status, 400);
    assert.equal(unknown.status, 400);
    const fp = await latest('fp');
    assert.equal(fp.user_name, ALICE.email);
    assert.ok(fp.user_id);
    const fu = await latest('fu');
    assert.equal(fu.user_name, 'nobody@example.test');
    assert.equal(fu.user_id, null);
    assert.ok(!JSON.stringify([fp, fu]).includes('not the password'), 'no password in the log');
  });

  it('logs code exchanges (seacft), a replayed code (feacft), refreshes (sertft, fertft) and client credentials (sccft, fccft)', async () => {
    const code = await obtainCode(server);
    assert.equal((await redeemCode(server, code)).status, 200);
    const exchanged = await latest('seacft');
    assert.equal(exchanged.client_id, WEB_APP.client_id);
    assert.match(exchanged.user_id ?? '', /^auth0\|/);
    assert.deepEqual(exchanged.details, { grant_type: 'authorization_code' });

    assert.equal((await redeemCode(server, code)).status, 400);
    const replay = await latest('feacft');
    assert.equal(replay.client_id, WEB_APP.client_id);
    assert.equal(replay.description, 'authorization code already used');
    assert.deepEqual(replay.details, { grant_type: 'authorization_code', error: 'invalid_grant' });

    const signedIn = await signInForTokens(server);
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
    assert.equal((await latest('sertft')).user_id, (await latest('seacft')).user_id);
    assert.equal((await refresh(server, 'not-a-refresh-token')).status, 400);
    assert.equal((await latest('fertft')).details?.error, 'invalid_grant');

    assert.equal((await postToken(server, { grant_type: 'client_credentials', audience: API }, { authorization: m2mAuth() })).status, 200);
    const machine = await latest('sccft');
    assert.equal(machine.client_id, M2M.client_id);
    assert.equal(machine.user_id, null);
    const badSecret = await postToken(server, { grant_type: 'client_credentials', audience: API }, { authorization: basicAuth(M2M.client_id, 'wrong-secret-of-some-length-000000000') });
    assert.equal(badSecret.status, 401);
    const refused = await latest('fccft');
    assert.equal(refused.client_id, M2M.client_id);
    assert.equal(refused.details?.error, 'invalid_client');
  });

  it('logs a logout (slo) with the user whose session ended', async () => {
    const signedIn = await signInForTokens(server);
    const response = await signedIn.browser.get(`${server.issuer}oidc/logout?id_token_hint=${signedIn.idToken}`);
    assert.ok(response.status < 400, String(response.status));
    const event = await latest('slo');
    assert.equal(event.client_id, WEB_APP.client_id);
    assert.match(event.user_id ?? '', /^auth0\|/);
  });
});
