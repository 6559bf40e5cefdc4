import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashSecret } from '../../src/crypto/random.js';
import type { RunningLatchkey } from '../../src/server.js';
import type { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { basicAuth, decodeJwt, getUserinfo, postToken } from '../helpers/flows.js';
import {
  introspect,
  lifecycleTenant,
  NO_REFRESH_APP,
  ONLINE_API,
  refresh,
  signInForTokens,
  SPA,
} from '../helpers/lifecycle.js';
import { pkcePair, authorizeInBrowser, Browser } from '../helpers/browser.js';
import { ALICE, startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

describe('refresh tokens', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();

  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant(), clock });
  });
  after(() => server.close());

  it('A6.1 B13.1 a refresh gives a new access token and an ID token keeping iss, sub, aud, azp and auth_time, with a new iat', async () => {
    const signedIn = await signInForTokens(server);
    const first = decodeJwt(signedIn.idToken!).payload;
    clock.advance(10);

    const refreshed = await refresh(server, signedIn.refreshToken!);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.headers.get('cache-control'), 'no-store');
    assert.equal(refreshed.headers.get('pragma'), 'no-cache');
    assert.equal(refreshed.body.token_type, 'Bearer');
    assert.notEqual(refreshed.body.access_token, signedIn.accessToken);
    assert.equal((await getUserinfo(server, refreshed.body.access_token as string)).status, 200);

    const second = decodeJwt(refreshed.body.id_token as string).payload;
    for (const claim of ['iss', 'sub', 'aud', 'auth_time', 'sid'] as const) assert.deepEqual(second[claim], first[claim], claim);
    assert.equal(second.azp, first.azp);
    assert.equal(second.iat, (first.iat as number) + 10);
    assert.equal(second.nonce, undefined);
  });

  it('B8.1 every refresh rotates the refresh token, for a public client too', async () => {
    const confidential = await signInForTokens(server);
    const rotated = await refresh(server, confidential.refreshToken!);
    assert.equal(rotated.status, 200);
    assert.equal(typeof rotated.body.refresh_token, 'string');
    assert.notEqual(rotated.body.refresh_token, confidential.refreshToken);

    const spa = await signInForTokens(server, { client: SPA });
    const spaRotated = await refresh(server, spa.refreshToken!, {}, SPA.client_id);
    assert.equal(spaRotated.status, 200, JSON.stringify(spaRotated.body));
    assert.notEqual(spaRotated.body.refresh_token, spa.refreshToken);
    const again = await refresh(server, spaRotated.body.refresh_token as string, {}, SPA.client_id);
    assert.equal(again.status, 200);
  });

  it("A6.2 another client's refresh token is invalid_grant and revokes nothing", async () => {
    const signedIn = await signInForTokens(server);
    const stolen = await postToken(server, {
      grant_type: 'refresh_token',
      refresh_token: signedIn.refreshToken!,
      client_id: THIRD_PARTY_APP.client_id,
      client_secret: THIRD_PARTY_APP.client_secret,
    });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
  });

  it('A6.2 a confidential client refreshing without authentication is invalid_client', async () => {
    const signedIn = await signInForTokens(server);
    const call = await postToken(server, { grant_type: 'refresh_token', refresh_token: signedIn.refreshToken!, client_id: WEB_APP.client_id });
    assert.equal(call.status, 401);
    assert.equal(call.body.error, 'invalid_client');
    assert.equal((await refresh(server, signedIn.refreshToken!)).status, 200);
  });

  it('A6.3 a wider scope is invalid_scope and keeps the token usable; a narrower one is honoured', async () => {
    const signedIn = await signInForTokens(server);
    const wider = await refresh(server, signedIn.refreshToken!, { scope: 'openid read:messages write:messages' });
    assert.equal(wider.status, 400);
    assert.equal(wider.body.error, 'invalid_scope');

    const narrower = await refresh(server, signedIn.refreshToken!, { scope: 'read:messages' });
    assert.equal(narrower.status, 200, JSON.stringify(narrower.body));
    assert.equal(narrower.body.scope, 'read:messages');
    assert.equal(decodeJwt(narrower.body.access_token as string).payload.scope, 'read:messages');
    assert.equal(narrower.body.id_token, undefined);

    // RFC 6749 §6: the new refresh token keeps the scope of the grant.
    const full = await refresh(server, narrower.body.refresh_token as string);
    assert.equal(full.status, 200);
    assert.equal(full.body.scope, 'openid profile offline_access read:messages');
  });

  it('A6.3 an unknown refresh token, or none, is refused', async () => {
    const unknown = await refresh(server, 'not-a-token-we-issued');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'invalid_grant');
    const missing = await postToken(server, { grant_type: 'refresh_token' }, { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  it('B8.2 replaying a rotated refresh token revokes the family and its access tokens', async () => {
    const signedIn = await signInForTokens(server);
    const second = await refresh(server, signedIn.refreshToken!);
    assert.equal(second.status, 200);
    const latestAccessToken = second.body.access_token as string;
    assert.equal((await introspect(server, latestAccessToken)).body.active, true);

    const replay = await refresh(server, signedIn.refreshToken!);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');

    const descendant = await refresh(server, second.body.refresh_token as string);
    assert.equal(descendant.status, 400);
    assert.equal(descendant.body.error, 'invalid_grant');
    assert.deepEqual((await introspect(server, latestAccessToken)).body, { active: false });
    assert.deepEqual((await introspect(server, signedIn.accessToken)).body, { active: false });
    assert.equal((await getUserinfo(server, latestAccessToken)).status, 401);
  });

  it('B8.2 two concurrent refreshes with one token: exactly one succeeds', async () => {
    const signedIn = await signInForTokens(server);
    const calls = await Promise.all(Array.from({ length: 4 }, () => refresh(server, signedIn.refreshToken!)));
    const statuses = calls.map((c) => c.status).sort();
    assert.deepEqual(statuses, [200, 400, 400, 400]);
    for (const call of calls.filter((c) => c.status === 400)) assert.equal(call.body.error, 'invalid_grant');
  });

  it('B1.2 after a code is replayed, the access and refresh tokens of its first use are refused', async () => {
    const { verifier, challenge } = pkcePair();
    const browser = new Browser();
    const response = await authorizeInBrowser(
      browser,
      server.issuer,
      {
        response_type: 'code',
        client_id: WEB_APP.client_id,
        redirect_uri: WEB_APP.callback,
        scope: 'openid offline_access',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      ALICE,
    );
    const code = new URL(response.location!).searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: WEB_APP.callback, code_verifier: verifier };
    const auth = { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) };
    const first = await postToken(server, form, auth);
    assert.equal(first.status, 200);
    assert.equal((await postToken(server, form, auth)).body.error, 'invalid_grant');

    assert.equal((await getUserinfo(server, first.body.access_token as string)).status, 401);
    const refreshed = await refresh(server, first.body.refresh_token as string);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  it('C3.5 refresh tokens are 256-bit random values stored only as hashes', async () => {
    const signedIn = await signInForTokens(server);
    assert.ok(Buffer.from(signedIn.refreshToken!, 'base64url').length >= 32);
    const { db } = server.storage as KyselyStorage;
    const rows = await db.selectFrom('refresh_tokens').selectAll().execute();
    assert.ok(rows.some((row) => row.token_hash === hashSecret(signedIn.refreshToken!)));
    assert.ok(!JSON.stringify(rows).includes(signedIn.refreshToken!));
  });

  it('is issued only for offline_access, to a client allowed the refresh_token grant, for an API allowing offline access', async () => {
    const online = await signInForTokens(server, { scope: 'openid profile read:messages' });
    assert.equal(online.refreshToken, undefined);

    const noOfflineApi = await signInForTokens(server, { scope: 'openid offline_access read:stuff', audience: ONLINE_API });
    assert.equal(noOfflineApi.refreshToken, undefined);

    const noGrant = await signInForTokens(server, { client: NO_REFRESH_APP, scope: 'openid offline_access' });
    assert.equal(noGrant.refreshToken, undefined);

    const withoutAudience = await signInForTokens(server, { scope: 'openid offline_access', audience: null });
    assert.equal(typeof withoutAudience.refreshToken, 'string');
  });
});

describe('refresh token lifetimes and reuse leeway', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();

  before(async () => {
    const refreshToken = { leeway: 30, token_lifetime: 7200, idle_token_lifetime: 3600 };
    server = await startTestServer({ tenant: lifecycleTenant({ refreshToken }), clock });
  });
  after(() => server.close());

  it('C3.3 an unused refresh token expires after the idle lifetime', async () => {
    const signedIn = await signInForTokens(server);
    clock.advance(3599);
    const stillIdle = await signInForTokens(server);
    clock.advance(1);
    const expired = await refresh(server, signedIn.refreshToken!);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'invalid_grant');
    assert.equal((await refresh(server, stillIdle.refreshToken!)).status, 200);
  });

  it('C3.3 rotation starts the idle lifetime again but never extends the absolute one', async () => {
    const signedIn = await signInForTokens(server);
    clock.advance(3000);
    const second = await refresh(server, signedIn.refreshToken!);
    assert.equal(second.status, 200);
    clock.advance(3000);
    const third = await refresh(server, second.body.refresh_token as string);
    assert.equal(third.status, 200, 'used within the idle lifetime of the rotated token');
    clock.advance(1200);
    const beyondAbsolute = await refresh(server, third.body.refresh_token as string);
    assert.equal(beyondAbsolute.status, 400);
    assert.equal(beyondAbsolute.body.error, 'invalid_grant');
  });

  it('B8.2 a retry inside the reuse leeway succeeds; a replay after it revokes the family', async () => {
    const signedIn = await signInForTokens(server);
    const second = await refresh(server, signedIn.refreshToken!);
    assert.equal(second.status, 200);
    clock.advance(29);
    const retried = await refresh(server, signedIn.refreshToken!);
    assert.equal(retried.status, 200, 'a retried request within the leeway');
    clock.advance(1);
    const replay = await refresh(server, signedIn.refreshToken!);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await refresh(server, retried.body.refresh_token as string)).status, 400);
    assert.equal((await refresh(server, second.body.refresh_token as string)).status, 400);
  });
});
