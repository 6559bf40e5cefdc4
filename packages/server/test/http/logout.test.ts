import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, readForm } from '../helpers/browser.js';
import { decodeJwt } from '../helpers/flows.js';
import { lifecycleTenant, signInForTokens } from '../helpers/lifecycle.js';
import { BOB, startTestServer, WEB_APP } from '../helpers/test-server.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const LOGOUT_URL = 'http://127.0.0.1:3000/';

/** A relying party's back-channel logout endpoint: records every logout token, answers with `statuses` in turn. */
class BackchannelReceiver {
  readonly received: string[] = [];
  statuses: number[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        this.received.push(new URLSearchParams(body).get('logout_token') ?? '');
        response.statusCode = this.statuses.shift() ?? 200;
        response.end();
        for (const waiter of this.waiters.filter((w) => this.received.length >= w.count)) waiter.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/backchannel-logout`;
  }

  /** Resolves once `count` logout tokens have arrived. */
  receivedAtLeast(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('logout (RP-Initiated Logout 1.0, Back-Channel Logout 1.0, Auth0 /v2/logout)', () => {
  let server: RunningLatchkey;
  const receiver = new BackchannelReceiver();

  before(async () => {
    await receiver.start();
    server = await startTestServer({
      tenant: lifecycleTenant({ backchannelLogoutUri: receiver.url }),
      backchannel: { retryDelaysMs: [20, 20], timeoutMs: 2000, waitMs: 2000 },
    });
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  /** Whether the browser still has a login session: prompt=none answers with a code, or login_required. */
  async function silentSignIn(browser: Browser): Promise<'code' | string> {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: WEB_APP.client_id,
      redirect_uri: WEB_APP.callback,
      scope: 'openid',
      prompt: 'none',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    const response = await browser.get(`${server.issuer}authorize?${params}`);
    const location = new URL(response.location!);
    return location.searchParams.get('code') ? 'code' : location.searchParams.get('error')!;
  }

  const logoutUrl = (params: Record<string, string>, path = 'oidc/logout') => `${server.issuer}${path}?${new URLSearchParams(params)}`;

  it('A7.1 A5.3 A7.4 discovery lists end_session, revocation and introspection, the grants and back-channel support', async () => {
    const discovery = (await (await fetch(`${server.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(discovery.end_session_endpoint, `${server.issuer}oidc/logout`);
    assert.equal(discovery.revocation_endpoint, `${server.issuer}oauth/revoke`);
    assert.equal(discovery.introspection_endpoint, `${server.issuer}oauth/introspect`);
    assert.deepEqual(discovery.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
    assert.equal(discovery.backchannel_logout_supported, true);
    assert.equal(discovery.backchannel_logout_session_supported, true);
  });

  it('A7.1 B7.3 A7.4 a valid id_token_hint logs out, notifies by back-channel before redirecting with state, and ends the session', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const sid = decodeJwt(signedIn.idToken!).payload.sid;
    assert.equal(typeof sid, 'string');
    assert.equal(await silentSignIn(signedIn.browser), 'code');
    const before = receiver.received.length;

    const response = await signedIn.browser.get(
      logoutUrl({ id_token_hint: signedIn.idToken!, post_logout_redirect_uri: LOGOUT_URL, state: 'S-1' }),
    );
    assert.equal(response.status, 302);
    assert.equal(response.location, `${LOGOUT_URL}?state=S-1`);
    assert.equal(receiver.received.length, before + 1, 'the logout token arrived before the redirect');
    assert.equal(await silentSignIn(signedIn.browser), 'login_required');

    const token = receiver.received.at(-1)!;
    const jwks = createLocalJWKSet((await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: server.issuer, audience: WEB_APP.client_id, typ: 'logout+jwt' });
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.equal(payload.sid, sid);
    assert.equal(payload.sub, decodeJwt(signedIn.idToken!).payload.sub);
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.nonce, undefined);
    assert.ok(payload.exp! - payload.iat! <= 120);
  });

  it('A7.1 without state the redirect carries none', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const response = await signedIn.browser.get(logoutUrl({ id_token_hint: signedIn.idToken!, post_logout_redirect_uri: LOGOUT_URL }));
    assert.equal(response.status, 302);
    assert.equal(response.location, LOGOUT_URL);
  });

  it('A7.2 B3.4 an unregistered post_logout_redirect_uri, or a registered one with a query added, is never redirected to', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    for (const uri of ['https://evil.example.test/', `${LOGOUT_URL}?foo=bar`]) {
      const response = await signedIn.browser.get(logoutUrl({ id_token_hint: signedIn.idToken!, post_logout_redirect_uri: uri, state: 'S' }));
      assert.equal(response.status, 400, uri);
      assert.equal(response.location, undefined);
      assert.match(response.text, /not registered/);
    }
    assert.equal(await silentSignIn(signedIn.browser), 'code', 'still signed in');
  });

  it('A7.2 B14.1 an id_token_hint altered to alg none, or signed with a foreign key, is refused without a redirect', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const [header, payload] = signedIn.idToken!.split('.');
    const kid = JSON.parse(Buffer.from(header!, 'base64url').toString()).kid as string;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${payload}.`;
    const foreignKey = (await generateKeyPair('RS256')).privateKey;
    const foreign = await new SignJWT(decodeJwt(signedIn.idToken!).payload).setProtectedHeader({ alg: 'RS256', kid }).sign(foreignKey);
    for (const hint of [none, foreign]) {
      const response = await signedIn.browser.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: LOGOUT_URL }));
      assert.equal(response.status, 400);
      assert.equal(response.location, undefined);
    }
    assert.equal(await silentSignIn(signedIn.browser), 'code', 'still signed in');
  });

  it('A7.2 without a hint the user confirms first, then goes to the registered URI with state', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const page = await signedIn.browser.get(logoutUrl({ client_id: WEB_APP.client_id, post_logout_redirect_uri: LOGOUT_URL, state: 'S-2' }));
    assert.equal(page.status, 200);
    assert.equal(page.location, undefined);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(await silentSignIn(signedIn.browser), 'code', 'nothing happens before the user confirms');

    const { action, fields } = readForm(page.text);
    const confirmed = await signedIn.browser.post(new URL(action, server.issuer).href, { ...fields, action: 'logout' }, {
      origin: new URL(server.issuer).origin,
    });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.location, `${LOGOUT_URL}?state=S-2`);
    assert.equal(await silentSignIn(signedIn.browser), 'login_required');
  });

  it('A7.2 the confirmation needs its CSRF token and a same-origin POST', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const page = await signedIn.browser.get(logoutUrl({}));
    const { action, fields } = readForm(page.text);
    const target = new URL(action, server.issuer).href;
    const origin = new URL(server.issuer).origin;
    const withoutToken = await signedIn.browser.post(target, { ...fields, _csrf: '', action: 'logout' }, { origin });
    assert.equal(withoutToken.status, 403);
    const crossSite = await signedIn.browser.post(target, { ...fields, action: 'logout' }, { origin: 'https://evil.example.test' });
    assert.equal(crossSite.status, 403);
    assert.equal(await silentSignIn(signedIn.browser), 'code', 'still signed in');
  });

  it('A7.3 with no parameters the user confirms and sees a signed-out page; cancelling keeps the session', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const origin = new URL(server.issuer).origin;
    const first = readForm((await signedIn.browser.get(logoutUrl({ state: 'only-state' }))).text);
    const cancelled = await signedIn.browser.post(new URL(first.action, server.issuer).href, { ...first.fields, action: 'cancel' }, { origin });
    assert.equal(cancelled.status, 200);
    assert.match(cancelled.text, /still signed in/);
    assert.equal(await silentSignIn(signedIn.browser), 'code');

    const second = readForm((await signedIn.browser.get(logoutUrl({}))).text);
    const done = await signedIn.browser.post(new URL(second.action, server.issuer).href, { ...second.fields, action: 'logout' }, { origin });
    assert.equal(done.status, 200);
    assert.equal(done.location, undefined);
    assert.match(done.text, /signed out/);
    assert.equal(await silentSignIn(signedIn.browser), 'login_required');
  });

  it('a hint naming another user than the signed-in one asks the user to confirm', async () => {
    const alice = await signInForTokens(server, { scope: 'openid' });
    const otherBrowser = new Browser();
    // Bob signs in in another browser, then that browser is sent to logout with Alice's hint.
    const params = { response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid' };
    await authorizeInBrowser(otherBrowser, server.issuer, { ...params, code_challenge: CHALLENGE, code_challenge_method: 'S256' }, BOB);
    const response = await otherBrowser.get(logoutUrl({ id_token_hint: alice.idToken!, post_logout_redirect_uri: LOGOUT_URL }));
    assert.equal(response.status, 200);
    assert.match(response.text, /Sign out\?/);
    assert.equal(await silentSignIn(otherBrowser), 'code');
  });

  it("Auth0's /v2/logout checks returnTo against allowed_logout_urls and confirms before redirecting", async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const refused = await signedIn.browser.get(logoutUrl({ client_id: WEB_APP.client_id, returnTo: 'https://evil.example.test/' }, 'v2/logout'));
    assert.equal(refused.status, 400);
    assert.equal(refused.location, undefined);
    const noClient = await signedIn.browser.get(logoutUrl({ returnTo: LOGOUT_URL }, 'v2/logout'));
    assert.equal(noClient.status, 400);

    const page = await signedIn.browser.get(logoutUrl({ client_id: WEB_APP.client_id, returnTo: LOGOUT_URL }, 'v2/logout'));
    assert.equal(page.status, 200);
    const { action, fields } = readForm(page.text);
    const done = await signedIn.browser.post(new URL(action, server.issuer).href, { ...fields, action: 'logout' }, {
      origin: new URL(server.issuer).origin,
    });
    assert.equal(done.status, 303);
    assert.equal(done.location, LOGOUT_URL);
    assert.equal(await silentSignIn(signedIn.browser), 'login_required');
  });

  it('A7.4 a failing back-channel receiver is retried in the background and never blocks the logout', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid' });
    const before = receiver.received.length;
    receiver.statuses = [500, 503];
    const response = await signedIn.browser.get(logoutUrl({ id_token_hint: signedIn.idToken!, post_logout_redirect_uri: LOGOUT_URL }));
    assert.equal(response.status, 302);
    assert.equal(response.location, LOGOUT_URL);
    await receiver.receivedAtLeast(before + 3);
    const tokens = receiver.received.slice(before);
    assert.equal(tokens.length, 3);
    assert.equal(new Set(tokens).size, 1, 'the same logout token is retried');
    assert.equal(await silentSignIn(signedIn.browser), 'login_required');
  });
});
