// The SDK against Latchkey itself, in-process: login through its /u/login page, callback,
// profile, access token (and refresh), user info, logout; through both adapters.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startLatchkey, type RunningLatchkey } from '@latchkey/server';
import { ALICE, API, Browser, listen, WEB_APP, webAppTenant, type Page } from '@latchkey/testing';
import type { WebAuthOptions } from '../src/core/config.js';
import { adapters, type AppFactory, type TestApp } from './helpers/apps.js';


interface World {
  latchkey: RunningLatchkey;
  app: TestApp;
  metadata: Record<string, unknown>;
  advance(seconds: number): void;
  close(): Promise<void>;
}

async function world(factory: AppFactory, options: Partial<WebAuthOptions> = {}): Promise<World> {
  const listening = await listen();
  const latchkey = await startLatchkey({
    port: 0,
    database: 'sqlite::memory:',
    tenant: webAppTenant({ appOrigin: listening.origin }),
  });
  let offset = 0;
  const app = await factory(listening, {
    issuerBaseURL: latchkey.issuer,
    baseURL: listening.origin,
    clientID: WEB_APP.clientId,
    clientSecret: WEB_APP.clientSecret,
    secret: 'the session secret of the Latchkey integration test',
    authorizationParams: { audience: API, scope: 'openid profile email offline_access read:messages' },
    now: () => Date.now() + offset,
    ...options,
  });
  const metadata = (await (
    await fetch(new URL('.well-known/openid-configuration', latchkey.issuer))
  ).json()) as Record<string, unknown>;
  return {
    latchkey,
    app,
    metadata,
    advance: (seconds) => {
      offset += seconds * 1000;
    },
    close: async () => {
      await app.close();
      await latchkey.close();
    },
  };
}

function json(page: Page): Record<string, unknown> {
  assert.match(page.headers.get('content-type') ?? '', /application\/json/, `${page.status} ${page.body}`);
  return JSON.parse(page.body) as Record<string, unknown>;
}

/** Logs in through Latchkey's login page (and consent page, if shown). */
async function logIn(browser: Browser, w: World, path = '/profile'): Promise<Page> {
  const toApp = (next: URL) => next.origin === w.app.origin;
  const loginPage = await browser.navigate(`${w.app.origin}${path}`, { stopAt: toApp });
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  assert.equal(loginPage.url.pathname, '/u/login');
  let page = await browser.submit(loginPage, { email: ALICE.email, password: ALICE.password }, { stopAt: toApp });
  if (!page.stoppedAt && page.url.pathname === '/u/consent') {
    page = await browser.submit(page, { action: 'accept' }, { stopAt: toApp });
  }
  assert.ok(page.stoppedAt, `expected a redirect to the app, got ${page.status} at ${page.url.href}`);
  assert.equal(page.stoppedAt.pathname, '/callback');
  return browser.navigate(page.stoppedAt);
}

/** Latchkey's metadata must announce the feature a test relies on: a missing one is a failure. */
function supports(what: string, present: boolean): boolean {
  assert.ok(present, `Latchkey's discovery does not announce ${what}`);
  return present;
}

for (const [name, factory] of adapters) {
  describe(`${name} adapter against Latchkey`, () => {
    let w: World;
    before(async () => {
      w = await world(factory);
    });
    after(() => w.close());

    it('sends the login to Latchkey with PKCE, state, nonce and audience', async () => {
      const page = await new Browser().request(`${w.app.origin}/login`);
      assert.equal(page.status, 302);
      const location = new URL(page.headers.get('location')!);
      assert.equal(location.href.split('?')[0], w.metadata.authorization_endpoint);
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(location.searchParams.get('audience'), API);
      assert.ok(location.searchParams.get('state'));
      assert.ok(location.searchParams.get('nonce'));
    });

    it('logs in through /u/login and shows the profile', async () => {
      const browser = new Browser();
      const profile = await logIn(browser, w);
      assert.equal(profile.status, 200);
      assert.equal(profile.url.pathname, '/profile');
      const body = json(profile) as { user: Record<string, unknown>; idTokenClaims: Record<string, unknown> };
      assert.equal(body.user.email, ALICE.email);
      assert.equal(body.idTokenClaims.iss, w.latchkey.issuer);
      assert.equal(body.idTokenClaims.aud, WEB_APP.clientId);
      assert.equal(typeof body.user.sub, 'string');
      assert.ok(
        browser.cookieNames().some((n) => n.startsWith('latchkey.')),
        'Latchkey keeps its own latchkey.* cookies',
      );
      assert.ok(browser.cookie('appSession'), 'and the app its own session cookie');
    });

    it('gets an access token for the API (RFC 9068 JWT)', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const token = json(await browser.request(`${w.app.origin}/token`));
      const claims = decodeJwt(token.access_token as string);
      assert.equal(claims.iss, w.latchkey.issuer);
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      assert.ok(audience.includes(API), `aud ${JSON.stringify(claims.aud)}`);
      assert.match(String(claims.scope), /read:messages/);
    });

    it('fetches the user info with the access token', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const userinfo = json(await browser.request(`${w.app.origin}/userinfo`));
      assert.equal(userinfo.email, ALICE.email);
    });

    it('refreshes the access token once it has expired', async () => {
      const grants = (w.metadata.grant_types_supported as string[] | undefined) ?? [];
      if (!supports('the refresh_token grant', grants.includes('refresh_token'))) return;
      const browser = new Browser();
      await logIn(browser, w);
      const first = json(await browser.request(`${w.app.origin}/token`));
      w.advance(3600 + 60);
      const second = json(await browser.request(`${w.app.origin}/token`));
      assert.notEqual(second.access_token, first.access_token);
      assert.equal(json(await browser.request(`${w.app.origin}/token`)).access_token, second.access_token);
    });

    it('logs out at Latchkey and comes back to the app', async () => {
      if (!supports('RP-initiated logout (end_session_endpoint)', Boolean(w.metadata.end_session_endpoint))) {
        return;
      }
      const browser = new Browser();
      await logIn(browser, w);
      const page = await browser.request(`${w.app.origin}/logout`);
      assert.equal(page.status, 302);
      const location = new URL(page.headers.get('location')!);
      assert.equal(location.href.split('?')[0], w.metadata.end_session_endpoint);
      assert.ok(location.searchParams.get('id_token_hint'));
      assert.equal(location.searchParams.get('post_logout_redirect_uri'), `${w.app.origin}/`);
      assert.equal(location.searchParams.get('client_id'), WEB_APP.clientId);
      let back = await browser.navigate(location);
      if (back.url.origin !== w.app.origin && /<form/i.test(back.body)) back = await browser.submit(back, {});
      assert.equal(back.url.href, `${w.app.origin}/`);
      assert.equal(json(back).authenticated, false);
      // The Latchkey session is over too: a new login shows the login page again.
      const again = await browser.navigate(`${w.app.origin}/login`);
      assert.equal(again.url.pathname, '/u/login');
    });
  });
}
