// The quickstart in a real browser (Debian's Chromium through playwright-core): cookies, SameSite,
// the CSP's form-action on the login and logout redirects, and Latchkey's pages, exactly as a user
// meets them. The example app is registered as a third-party application here (in the demo tenant
// it is first-party), so the journey includes Latchkey's consent page:
// Login → sign in → consent → profile → Call API → Logout → prompt=none no longer signs in.
// A screenshot of each step is kept in test-artifacts/browser/ at the repository root.
import * as assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ALICE, API } from '@latchkey/testing';
import { chromiumSkipReason, launchChromium, type RunningChromium } from '@latchkey/testing/chromium';
import { DEMO_CLIENT } from '../src/config.js';
import { ALICE_NAME, startStack, type Stack } from './helpers/stack.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/browser/', import.meta.url));

describe('regular web app in Chromium', { skip: chromiumSkipReason() }, () => {
  let stack: Stack;
  let chromium: RunningChromium;

  before(async () => {
    stack = await startStack({ firstParty: false });
    chromium = await launchChromium();
    await rm(ARTIFACTS, { recursive: true, force: true });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it('logs in with consent, shows the profile, calls the API, logs out, and prompt=none then needs a login', async (t) => {
    const { context } = chromium;
    const page = context.pages()[0] ?? (await context.newPage());
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    let step = 0;
    const screenshot = async (name: string) => {
      const path = `${ARTIFACTS}${String(++step).padStart(2, '0')}-${name}.png`;
      await page.screenshot({ path, fullPage: true });
      t.diagnostic(`screenshot: ${path}`);
    };

    // 1. The home page, logged out.
    await page.goto(`${stack.origin}/`);
    await screenshot('home');
    await page.getByRole('button', { name: 'Log in' }).last().click();

    // 2. Latchkey's login page.
    await page.waitForURL((url) => url.pathname === '/u/login');
    assert.equal(new URL(page.url()).origin, new URL(stack.latchkey.issuer).origin);
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await screenshot('login');
    await page.getByRole('button', { name: 'Continue' }).click();

    // 3. The consent page of a third-party app names the app, the permission and the API.
    await page.waitForURL((url) => url.pathname === '/u/consent');
    assert.match((await page.locator('h1').textContent()) ?? '', /Authorize Regular Web App/);
    assert.match((await page.locator('ul.scopes').textContent()) ?? '', /Read messages\s+read:messages/);
    await screenshot('consent');
    await page.getByRole('button', { name: 'Accept' }).click();

    // 4. Back in the app: the profile, with the user and the ID token's claims.
    await page.waitForURL(`${stack.origin}/profile`);
    assert.equal(await page.locator('#user-email').textContent(), ALICE.email);
    assert.equal(await page.locator('#user-name').textContent(), ALICE_NAME, 'shown as text, not markup');
    assert.ok((await page.locator('table.claims').textContent())?.includes(stack.latchkey.issuer), 'the iss claim');
    const session = (await context.cookies(stack.origin)).find((c) => c.name === 'appSession');
    assert.ok(session, 'session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    await screenshot('profile');

    // 5. Call API: the server calls the example API with the access token and shows its answer.
    await page.getByRole('button', { name: 'Call API' }).click();
    await page.waitForURL(`${stack.origin}/call-api`);
    assert.match((await page.locator('#api-answer').textContent()) ?? '', /Hello from a protected API\./);
    await screenshot('api-answer');
    await page.getByRole('link', { name: 'Back to the profile' }).click();

    // While Latchkey's session lasts, prompt=none signs in silently (the consent is remembered)...
    const silent = await authorizeWithPromptNone(page, stack);
    assert.ok(silent.searchParams.get('code'), `a code while signed in, not ${silent.search}`);

    // 6. Log out: through Latchkey's end_session_endpoint and back to the home page.
    await page.goto(`${stack.origin}/profile`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.origin === stack.origin && url.pathname === '/');
    await page.getByRole('button', { name: 'Log in' }).first().waitFor();
    assert.equal((await context.cookies(stack.origin)).some((c) => c.name === 'appSession'), false);
    await screenshot('logged-out');

    // 7. ...and after logout it no longer does (OpenID Connect Core §3.1.2.6).
    const refused = await authorizeWithPromptNone(page, stack);
    assert.equal(refused.searchParams.get('error'), 'login_required', refused.search);
    assert.equal(refused.searchParams.get('code'), null);
    assert.equal(refused.searchParams.get('iss'), stack.latchkey.issuer, 'RFC 9207');
    await screenshot('prompt-none-login-required');

    assert.deepEqual(violations, []);
  });
});

/**
 * Navigates to Latchkey's /authorize with prompt=none for the example app, follows Latchkey's
 * redirect to the app's callback, and returns that URL. The app refuses the response, since it did
 * not start this login (no transaction cookie), so its own login state is left alone.
 */
async function authorizeWithPromptNone(page: Page, stack: Stack): Promise<URL> {
  const callback = `${stack.origin}/callback`;
  const state = crypto.randomUUID();
  const authorize = new URL('authorize', stack.latchkey.issuer);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO_CLIENT.clientID,
    redirect_uri: callback,
    scope: 'openid profile email read:messages',
    audience: API,
    state,
    prompt: 'none',
  }).toString();
  await page.goto(authorize.href);
  const url = new URL(page.url());
  assert.equal(`${url.origin}${url.pathname}`, callback);
  assert.equal(url.searchParams.get('state'), state);
  assert.equal(await page.locator('#error-code').textContent(), 'ERR_MISSING_TRANSACTION');
  return url;
}
