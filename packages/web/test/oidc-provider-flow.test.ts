// The SDK against node-oidc-provider, a certified OpenID Provider, through both adapters:
// real servers on 127.0.0.1, real HTTP, the provider's own login and consent pages.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { WebAuthOptions } from '../src/core/config.js';
import { DiscoveryError } from '../src/core/errors.js';
import { MemoryStore } from '../src/core/session/memory-store.js';
import { WebAuth } from '../src/core/web-auth.js';
import { Browser, closedPortOrigin, listen, type Page } from '@latchkey/testing';
import { adapters, type AppFactory, type TestApp } from './helpers/apps.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  signInAtProvider,
  startProvider,
  type TestProvider,
} from './helpers/provider.js';

const SECRET = 'a session secret of at least thirty-two characters';

interface World {
  app: TestApp;
  op: TestProvider;
  /** Moves the SDK's clock (not the provider's) forward. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

async function world(
  factory: AppFactory,
  options: Partial<WebAuthOptions> = {},
  provider: Parameters<typeof startProvider>[1] = {},
): Promise<World> {
  const listening = await listen();
  const op = await startProvider(listening.origin, provider);
  let offset = 0;
  const app = await factory(listening, {
    issuerBaseURL: op.issuer,
    baseURL: listening.origin,
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    secret: SECRET,
    now: () => Date.now() + offset,
    ...options,
  });
  return {
    app,
    op,
    advance: (seconds) => {
      offset += seconds * 1000;
    },
    close: async () => {
      await app.close();
      await op.close();
    },
  };
}

/** Logs in through the provider's pages; returns the page the app shows after the callback. */
async function logIn(browser: Browser, w: World, path = '/profile'): Promise<Page> {
  const loginPage = await browser.navigate(`${w.app.origin}${path}`);
  assert.equal(new URL(loginPage.url).origin, w.op.issuer, 'the login page is the provider');
  const callback = await signInAtProvider(browser, loginPage, w.app.origin);
  return browser.navigate(callback);
}

function json(page: Page): Record<string, unknown> {
  assert.match(page.headers.get('content-type') ?? '', /application\/json/, page.body);
  return JSON.parse(page.body) as Record<string, unknown>;
}

for (const [name, factory] of adapters) {
  describe(`${name} adapter against oidc-provider`, () => {
    let w: World;
    before(async () => {
      w = await world(factory, { authorizationParams: { audience: 'https://api.example.test/' } });
    });
    after(() => w.close());

    it('redirects to the authorization endpoint with PKCE S256, state and nonce', async () => {
      const browser = new Browser();
      const page = await browser.request(`${w.app.origin}/login?returnTo=/profile`);
      assert.equal(page.status, 302);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      const location = new URL(page.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, `${w.op.issuer}/auth`);
      const params = location.searchParams;
      assert.equal(params.get('response_type'), 'code');
      assert.equal(params.get('client_id'), CLIENT_ID);
      assert.equal(params.get('redirect_uri'), `${w.app.origin}/callback`);
      assert.equal(params.get('scope'), 'openid profile email');
      assert.equal(params.get('code_challenge_method'), 'S256');
      assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(params.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(params.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(params.get('audience'), 'https://api.example.test/');

      const setCookie = page.headers.getSetCookie().find((c) => c.startsWith('appTransaction='));
      assert.ok(setCookie !== undefined, 'the transaction cookie is set');
      assert.match(setCookie, /Path=\/callback/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      // Sealed: the verifier, state and nonce are not readable in the cookie.
      assert.equal(setCookie.split(';')[0]!.split('=')[1]!.split('.').length, 5);
      assert.ok(!setCookie.includes(params.get('state')!));
    });

    it('passes login-time authorization parameters through', async () => {
      const browser = new Browser();
      const page = await browser.request(`${w.app.origin}/login-silent`);
      const location = new URL(page.headers.get('location')!);
      assert.equal(location.searchParams.get('prompt'), 'none');
      assert.equal(location.searchParams.get('audience'), 'https://api.example.test/');
    });

    it('logs in through the provider pages and shows the user on a protected page', async () => {
      const browser = new Browser();
      const profile = await logIn(browser, w);
      assert.equal(profile.status, 200);
      assert.equal(profile.url.pathname, '/profile', 'returned to the page that asked for login');
      const body = json(profile) as { user: Record<string, unknown>; idTokenClaims: Record<string, unknown> };
      assert.equal(body.user.sub, 'alice');
      assert.equal(body.user.email, 'alice@example.test');
      assert.equal(body.user.name, 'User alice');
      assert.equal(body.user.nonce, undefined, 'protocol claims are not user claims');
      assert.equal(body.idTokenClaims.iss, w.op.issuer);
      assert.equal(body.idTokenClaims.aud, CLIENT_ID);
      assert.ok(body.idTokenClaims.nonce);

      assert.ok(browser.cookie('appSession'), 'session cookie');
      assert.equal(browser.cookie('appTransaction'), undefined, 'transaction cookie cleared');
      const home = json(await browser.request(`${w.app.origin}/`));
      assert.equal(home.authenticated, true);
    });

    it('refuses a callback without a login in progress', async () => {
      const browser = new Browser();
      const page = await browser.request(`${w.app.origin}/callback?code=abc&state=xyz&iss=${w.op.issuer}`);
      assert.equal(page.status, 400);
      const body = json(page);
      assert.equal(body.code, 'ERR_MISSING_TRANSACTION');
      assert.match(String(body.message), /No login is in progress/);
    });

    it('refuses a callback whose state does not match the login in progress', async () => {
      const browser = new Browser();
      const loginPage = await browser.navigate(`${w.app.origin}/login`);
      const callback = await signInAtProvider(browser, loginPage, w.app.origin);
      callback.searchParams.set('state', 'forged-state');
      const page = await browser.request(callback);
      assert.equal(page.status, 400);
      assert.equal(json(page).code, 'ERR_STATE_MISMATCH');
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, false);
    });

    it('refuses an authorization response from another issuer (RFC 9207)', async () => {
      const browser = new Browser();
      const loginPage = await browser.navigate(`${w.app.origin}/login`);
      const callback = await signInAtProvider(browser, loginPage, w.app.origin);
      assert.equal(callback.searchParams.get('iss'), w.op.issuer);
      callback.searchParams.set('iss', 'https://attacker.example.test');
      const page = await browser.request(callback);
      assert.equal(page.status, 400);
      const body = json(page);
      assert.equal(body.code, 'ERR_CALLBACK_VALIDATION');
      assert.match(String(body.message), /iss/);
    });

    it('reports error=... from the provider', async () => {
      const browser = new Browser();
      const page = await browser.navigate(`${w.app.origin}/login-silent`);
      assert.equal(page.status, 400);
      const body = json(page);
      assert.equal(body.code, 'ERR_AUTHORIZATION');
      assert.match(String(body.message), /error=login_required/);
    });

    it('treats a tampered session cookie as logged out', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const value = browser.cookie('appSession')!;
      const parts = value.split('.');
      const ciphertext = parts[3]!;
      parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
      browser.setCookie('appSession', parts.join('.'));

      const home = await browser.request(`${w.app.origin}/`);
      assert.equal(json(home).authenticated, false);
      assert.ok(
        home.headers.getSetCookie().some((c) => /^appSession=;/.test(c)),
        'the bad cookie is cleared',
      );
      const profile = await browser.request(`${w.app.origin}/profile`, { headers: { accept: 'text/html' } });
      assert.equal(profile.status, 302);
      assert.ok(profile.headers.get('location')!.startsWith(`${w.app.origin}/login`) ||
        profile.headers.get('location')!.startsWith(`${w.op.issuer}/auth`));
    });

    it('answers 401 instead of redirecting for API calls and non-GET requests', async () => {
      const browser = new Browser();
      const api = await browser.request(`${w.app.origin}/api/data`, {
        headers: { accept: 'application/json' },
      });
      assert.equal(api.status, 401);
      assert.equal(json(api).code, 'ERR_UNAUTHENTICATED');
      const post = await browser.request(`${w.app.origin}/api/data`, { method: 'POST' });
      assert.equal(post.status, 401);
      const page = await browser.request(`${w.app.origin}/api/data`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 302);
    });

    it('never redirects to another origin after login', async () => {
      const browser = new Browser();
      const loginPage = await browser.navigate(
        `${w.app.origin}/login?returnTo=${encodeURIComponent('https://evil.example.test/steal')}`,
      );
      const callback = await signInAtProvider(browser, loginPage, w.app.origin);
      const page = await browser.request(callback);
      assert.equal(page.status, 302);
      assert.equal(page.headers.get('location'), `${w.app.origin}/`);
    });

    it('logs in with response_mode=form_post', async () => {
      const browser = new Browser();
      const loginPage = await browser.navigate(`${w.app.origin}/login-form-post`);
      let page = await browser.submit(loginPage, { login: 'bob', password: 'x' });
      if (page.body.includes('name="prompt" value="consent"')) page = await browser.submit(page, {});
      // The provider answers with a self-submitting form that posts the response to the callback.
      const form = await browser.submit(page, {});
      assert.equal(form.url.pathname, '/profile');
      assert.equal((json(form) as { user: { sub: string } }).user.sub, 'bob');
    });

    it('logs out at the end_session_endpoint with id_token_hint, post_logout_redirect_uri and client_id', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const page = await browser.request(`${w.app.origin}/logout`);
      assert.equal(page.status, 302);
      const location = new URL(page.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, `${w.op.issuer}/session/end`);
      const hint = decodeJwt(location.searchParams.get('id_token_hint')!);
      assert.equal(hint.sub, 'alice');
      assert.equal(hint.aud, CLIENT_ID);
      assert.equal(hint.iss, w.op.issuer);
      assert.equal(location.searchParams.get('post_logout_redirect_uri'), `${w.app.origin}/`);
      assert.equal(location.searchParams.get('client_id'), CLIENT_ID);
      assert.equal(browser.cookie('appSession'), undefined, 'session cookie cleared');
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, false);

      // The provider asks for confirmation and then sends the browser back to the app.
      const confirm = await browser.navigate(location);
      const back = await browser.submit(confirm, { logout: 'yes' });
      assert.equal(back.url.href, `${w.app.origin}/`);
    });
  });

  describe(`${name} adapter: access token refresh`, () => {
    let w: World;
    before(async () => {
      w = await world(factory);
    });
    after(() => w.close());

    it('refreshes an expired access token and keeps the new tokens in the session', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const first = json(await browser.request(`${w.app.origin}/token`));
      assert.equal(typeof first.access_token, 'string');
      assert.equal(first.token_type, 'bearer');
      const expiresAt = first.expires_at as number;
      assert.ok(expiresAt > Date.now() / 1000);

      // Still valid: the same token.
      assert.equal(json(await browser.request(`${w.app.origin}/token`)).access_token, first.access_token);

      w.advance(expiresAt - Math.floor(Date.now() / 1000) + 60);
      const second = json(await browser.request(`${w.app.origin}/token`));
      assert.notEqual(second.access_token, first.access_token, 'a new access token');
      assert.ok((second.expires_at as number) > expiresAt);

      // Persisted in the session cookie: the next request does not refresh again.
      assert.equal(json(await browser.request(`${w.app.origin}/token`)).access_token, second.access_token);
      // And the provider accepts it.
      const userinfo = json(await browser.request(`${w.app.origin}/userinfo`));
      assert.equal(userinfo.sub, 'alice');
    });

    it('ends the session after the rolling duration of inactivity', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, true);
      w.advance(86_400 + 1);
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, false);
    });
  });

  describe(`${name} adapter: no refresh token`, () => {
    let w: World;
    before(async () => {
      w = await world(factory, {}, { issueRefreshToken: async () => false });
    });
    after(() => w.close());

    it('reports an expired access token that cannot be refreshed', async () => {
      const browser = new Browser();
      await logIn(browser, w);
      const token = json(await browser.request(`${w.app.origin}/token`));
      w.advance((token.expires_at as number) - Math.floor(Date.now() / 1000) + 1);
      const page = await browser.request(`${w.app.origin}/token`);
      assert.equal(page.status, 401);
      assert.equal(json(page).code, 'ERR_ACCESS_TOKEN_EXPIRED');
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, true, 'still logged in');
    });
  });

  describe(`${name} adapter: server-side session store`, () => {
    const store = new MemoryStore();
    let w: World;
    before(async () => {
      w = await world(factory, { session: { store } });
    });
    after(() => w.close());

    it('keeps the tokens in the store and only a sealed id in the cookie', async () => {
      const browser = new Browser();
      const profile = await logIn(browser, w);
      assert.equal((json(profile) as { user: { sub: string } }).user.sub, 'alice');
      assert.equal(store.size, 1);
      const cookie = browser.cookie('appSession')!;
      assert.ok(cookie.length < 400, `small cookie (${cookie.length})`);
      assert.equal(typeof json(await browser.request(`${w.app.origin}/token`)).access_token, 'string');

      await browser.request(`${w.app.origin}/logout`);
      assert.equal(store.size, 0, 'logout destroys the stored session');
      // Replaying the old cookie finds nothing.
      browser.setCookie('appSession', cookie);
      assert.equal(json(await browser.request(`${w.app.origin}/`)).authenticated, false);
    });
  });

  describe(`${name} adapter: provider not reachable`, () => {
    let app: TestApp;
    let issuer: string;
    before(async () => {
      issuer = `${await closedPortOrigin()}/`;
      const listening = await listen();
      app = await factory(listening, {
        issuerBaseURL: issuer,
        baseURL: listening.origin,
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        secret: SECRET,
        httpTimeout: 2,
      });
    });
    after(() => app.close());

    it('answers the login with a discovery error naming the issuer URL', async () => {
      const page = await new Browser().request(`${app.origin}/login`);
      assert.equal(page.status, 502);
      const body = json(page);
      assert.equal(body.code, 'ERR_DISCOVERY');
      assert.ok(String(body.message).includes(issuer), String(body.message));
      assert.ok(String(body.message).includes('.well-known/openid-configuration'));
    });
  });
}

describe('discovery at start-up', () => {
  it('rejects with a DiscoveryError naming the issuer', async () => {
    const issuer = `${await closedPortOrigin()}/tenant/`;
    const auth = new WebAuth({
      issuerBaseURL: issuer,
      baseURL: 'http://127.0.0.1:3000',
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      secret: SECRET,
    });
    await assert.rejects(auth.discover(), (error: unknown) => {
      assert.ok(error instanceof DiscoveryError);
      assert.equal(error.code, 'ERR_DISCOVERY');
      assert.ok(error.message.includes(`${issuer}.well-known/openid-configuration`), error.message);
      assert.ok(error.cause);
      return true;
    });
  });

  it('rejects a provider whose metadata names another issuer', async () => {
    const listening = await listen();
    const op = await startProvider(listening.origin);
    try {
      const auth = new WebAuth({
        issuerBaseURL: `${op.issuer}/`.replace('127.0.0.1', 'localhost'),
        baseURL: listening.origin,
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        secret: SECRET,
      });
      await assert.rejects(auth.discover(), (error: unknown) => {
        assert.ok(error instanceof DiscoveryError);
        assert.match(error.message, /issuer/);
        return true;
      });
    } finally {
      await op.close();
      await listening.close();
    }
  });
});
