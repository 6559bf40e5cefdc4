// Compatibility: Auth0's own express-openid-connect (unmodified, from npm) as the web app in front
// of Latchkey, calling an API on Auth0's express-oauth2-jwt-bearer (unmodified too) with the access
// token. What works for an app and an API written against Auth0 must work against Latchkey.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import express from 'express';
import { auth as jwtBearer, requiredScopes } from 'express-oauth2-jwt-bearer';
import expressOpenidConnect from 'express-openid-connect';
import type { ConfigParams, RequestContext } from 'express-openid-connect';
import { startLatchkey, type RunningLatchkey } from '@latchkey/server';
import { ALICE, API, Browser, listen, WEB_APP, webAppTenant, type Listening, type Page } from '@latchkey/testing';

// A CommonJS package: its exports are on the default import.
const { auth, requiresAuth } = expressOpenidConnect;

/**
 * `req.oidc` as express-openid-connect types it (this test program also loads the Express types
 * of @latchkey/web, which declare `req.oidc` differently).
 */
const oidc = (req: express.Request) => (req as unknown as { oidc: RequestContext }).oidc;

interface World {
  latchkey: RunningLatchkey;
  origin: string;
  /** The API on express-oauth2-jwt-bearer. */
  apiOrigin: string;
  metadata: Record<string, unknown>;
  close(): Promise<void>;
}

async function world(config: Partial<ConfigParams>): Promise<World> {
  const listening: Listening = await listen();
  const latchkey = await startLatchkey({ port: 0, database: 'sqlite::memory:', tenant: webAppTenant({ appOrigin: listening.origin }) });
  const metadata = (await (
    await fetch(new URL('.well-known/openid-configuration', latchkey.issuer))
  ).json()) as Record<string, unknown>;

  // The API, configured as Auth0's quickstart says: issuerBaseURL and audience; strict checks the
  // RFC 9068 profile (typ at+jwt and its claims).
  const apiListening = await listen();
  const api = express();
  api.get(
    '/api/messages',
    jwtBearer({ issuerBaseURL: latchkey.issuer, audience: API, tokenSigningAlg: 'RS256', strict: true }),
    requiredScopes('read:messages'),
    (req, res) => {
      res.json({ messages: ['Hello from an Auth0 SDK API.'], sub: req.auth?.payload.sub });
    },
  );
  api.use((err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ message: err.message });
  });
  apiListening.server.on('request', api);

  const app = express();
  app.use(
    auth({
      issuerBaseURL: latchkey.issuer,
      baseURL: listening.origin,
      clientID: WEB_APP.clientId,
      clientSecret: WEB_APP.clientSecret,
      secret: 'the session secret of the express-openid-connect app',
      authRequired: false,
      ...config,
    }),
  );
  app.get('/', (req, res) => {
    res.json({ authenticated: oidc(req).isAuthenticated() });
  });
  app.get('/profile', requiresAuth(), (req, res) => {
    res.json({ user: oidc(req).user, claims: oidc(req).idTokenClaims });
  });
  app.get('/token', requiresAuth(), (req, res) => {
    res.json({ access_token: oidc(req).accessToken?.access_token ?? null });
  });
  // What a quickstart app does: call the API from the server with the user's access token.
  app.get('/call-api', requiresAuth(), async (req, res) => {
    const response = await fetch(`${apiListening.origin}/api/messages`, {
      headers: { authorization: `Bearer ${oidc(req).accessToken?.access_token}` },
    });
    res.json({ status: response.status, body: await response.json() });
  });
  app.use((err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ message: err.message });
  });
  listening.server.on('request', app);
  return {
    latchkey,
    origin: listening.origin,
    apiOrigin: apiListening.origin,
    metadata,
    close: async () => {
      await listening.close();
      await apiListening.close();
      await latchkey.close();
    },
  };
}

async function logIn(browser: Browser, w: World): Promise<Page> {
  const toApp = (next: URL) => next.origin === w.origin;
  const loginPage = await browser.navigate(`${w.origin}/profile`, { stopAt: toApp });
  assert.equal(loginPage.url.pathname, '/u/login', `${loginPage.status} ${loginPage.body.slice(0, 300)}`);
  let page = await browser.submit(loginPage, { email: ALICE.email, password: ALICE.password }, { stopAt: toApp });
  if (!page.stoppedAt && page.url.pathname === '/u/consent') {
    page = await browser.submit(page, { action: 'accept' }, { stopAt: toApp });
  }
  if (page.stoppedAt) return browser.navigate(page.stoppedAt);
  // response_mode=form_post: Latchkey answers with a form that posts the response to the app.
  assert.match(page.body, /<form/i, `${page.status} ${page.url.href}: ${page.body.slice(0, 300)}`);
  return browser.submit(page, {});
}

function json(page: Page): Record<string, unknown> {
  assert.match(page.headers.get('content-type') ?? '', /application\/json/, `${page.status} ${page.url.href} ${page.body}`);
  return JSON.parse(page.body) as Record<string, unknown>;
}

describe('express-openid-connect against Latchkey (authorization code flow)', () => {
  let w: World;
  before(async () => {
    w = await world({
      authorizationParams: {
        response_type: 'code',
        scope: 'openid profile email read:messages',
        audience: 'https://api.example.test/',
      },
      idpLogout: true,
    });
  });
  after(() => w.close());

  it('logs in and shows the profile', async () => {
    const browser = new Browser();
    const profile = await logIn(browser, w);
    assert.equal(profile.url.pathname, '/profile');
    const body = json(profile) as { user: Record<string, unknown>; claims: Record<string, unknown> };
    assert.equal(body.user.email, ALICE.email);
    assert.equal(body.user.name, 'Alice');
    assert.equal(body.claims.iss, w.latchkey.issuer);
    assert.equal(body.claims.aud, WEB_APP.clientId);
    assert.equal(json(await browser.request(`${w.origin}/`)).authenticated, true);
    const token = json(await browser.request(`${w.origin}/token`));
    assert.equal(typeof token.access_token, 'string');
  });

  it('calls an API on express-oauth2-jwt-bearer with the access token', async () => {
    const browser = new Browser();
    await logIn(browser, w);
    const answer = json(await browser.request(`${w.origin}/call-api`)) as { status: number; body: Record<string, unknown> };
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.messages, ['Hello from an Auth0 SDK API.']);
    assert.match(String(answer.body.sub), /^auth0\|/);
    assert.equal((await fetch(`${w.apiOrigin}/api/messages`)).status, 401, 'and refuses a call without a token');
  });

  it('logs out at Latchkey (idpLogout)', async () => {
    assert.ok(w.metadata.end_session_endpoint, "Latchkey's discovery announces end_session_endpoint");
    const browser = new Browser();
    await logIn(browser, w);
    const page = await browser.request(`${w.origin}/logout`);
    assert.equal(page.status, 302);
    const location = new URL(page.headers.get('location')!);
    assert.equal(location.href.split('?')[0], w.metadata.end_session_endpoint);
    assert.equal(decodeJwt(location.searchParams.get('id_token_hint')!).iss, w.latchkey.issuer);
    let back = await browser.navigate(location);
    if (back.url.origin !== w.origin && /<form/i.test(back.body)) back = await browser.submit(back, {});
    assert.equal(back.url.origin, w.origin);
    assert.equal(json(await browser.request(`${w.origin}/`)).authenticated, false);
  });
});

describe('express-openid-connect against Latchkey (its default: id_token with form_post)', () => {
  let w: World;
  before(async () => {
    w = await world({});
  });
  after(() => w.close());

  it('logs in and shows the profile', async () => {
    const browser = new Browser();
    const profile = await logIn(browser, w);
    assert.equal(profile.url.pathname, '/profile');
    const body = json(profile) as { user: Record<string, unknown> };
    assert.equal(body.user.email, ALICE.email);
  });
});
