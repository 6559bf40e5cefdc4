// The example end to end, in-process: Latchkey, the example API and this app on ephemeral ports,
// driven over real HTTP like a browser: Login, Latchkey's login page, Profile, Call API, Logout.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, Browser, type Page } from '@latchkey/testing';
import { DEMO_CLIENT, loadWebAppConfig } from '../src/config.js';
import { startStack, type Stack } from './helpers/stack.js';

describe('regular web app against Latchkey and the example API', () => {
  let stack: Stack;
  let origin: string;

  before(async () => {
    stack = await startStack();
    origin = stack.origin;
  });
  after(() => stack.close());

  const toApp = (next: URL) => next.origin === origin;

  async function logIn(browser: Browser): Promise<Page> {
    const home = await browser.navigate(`${origin}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, />\s*Log in\s*</);
    // The Login button is a form to /login with returnTo=/profile.
    const loginPage = await browser.submit(home, {}, { actionContains: '/login', stopAt: toApp });
    assert.equal(loginPage.url.pathname, '/u/login', loginPage.body.slice(0, 300));
    let page = await browser.submit(loginPage, { email: ALICE.email, password: ALICE.password }, { stopAt: toApp });
    if (!page.stoppedAt && page.url.pathname === '/u/consent') {
      page = await browser.submit(page, { action: 'accept' }, { stopAt: toApp });
    }
    assert.ok(page.stoppedAt, `no redirect back to the app: ${page.status} ${page.url.href}`);
    return browser.navigate(page.stoppedAt);
  }

  it('logs in, shows the profile with escaped claims, calls the API, and logs out', async () => {
    const browser = new Browser();
    const profile = await logIn(browser);
    assert.equal(profile.status, 200);
    assert.equal(profile.url.pathname, '/profile');
    assert.match(profile.body, new RegExp(`id="user-email">${ALICE.email}<`));
    assert.ok(profile.body.includes('Alice &lt;script&gt;alert(1)&lt;/script&gt;'), 'the name is escaped');
    assert.ok(!profile.body.includes('<script>'), 'no script reaches the page');
    assert.match(profile.body, /<code>iss<\/code>/);
    assert.ok(profile.body.includes(stack.latchkey.issuer), 'the ID token claims are listed');
    const csp = profile.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'none'/);
    assert.ok(csp.includes(`form-action 'self' ${new URL(stack.latchkey.issuer).origin}`), csp);

    const answer = await browser.submit(profile, {}, { actionContains: '/call-api' });
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /HTTP 200/);
    assert.match(answer.body, /Hello from a protected API\./);

    // Log out goes through Latchkey's end_session_endpoint and back to the home page.
    const loggedOut = await browser.submit(profile, {}, { actionContains: '/logout', stopAt: toApp });
    assert.ok(loggedOut.stoppedAt, `back to the app after logout, not ${loggedOut.status} ${loggedOut.url.href}`);
    assert.equal(loggedOut.url.href.split('?')[0], stack.metadata.end_session_endpoint);
    const home = await browser.navigate(loggedOut.stoppedAt);
    assert.equal(home.url.href, `${origin}/`);
    assert.match(home.body, />\s*Log in\s*</, 'logged out');
    // Latchkey's session is over too: the next login asks for the password again.
    const again = await browser.submit(home, {}, { actionContains: '/login', stopAt: toApp });
    assert.equal(again.url.pathname, '/u/login');
  });

  it('answers Call API with 401 when not logged in', async () => {
    const page = await new Browser().request(`${origin}/call-api`, { method: 'POST' });
    assert.equal(page.status, 401);
    assert.match(page.body, /ERR_UNAUTHENTICATED/);
  });

  it('shows the SDK error for a callback without a login in progress', async () => {
    const page = await new Browser().request(`${origin}/callback?code=x&state=y`);
    assert.equal(page.status, 400);
    assert.match(page.body, /id="error-code">ERR_MISSING_TRANSACTION</);
  });

  it('reads its settings from the environment with the documented defaults', () => {
    const defaults = loadWebAppConfig({});
    assert.equal(defaults.port, 3000);
    assert.equal(defaults.baseURL, 'http://localhost:3000');
    assert.equal(defaults.issuerBaseURL, 'http://localhost:4000/');
    assert.equal(defaults.apiURL, 'http://localhost:3010');
    assert.equal(defaults.apiAudience, 'https://api.example.test/');
    assert.equal(defaults.clientID, DEMO_CLIENT.clientID);
    assert.equal(defaults.generatedSecret, true);
    assert.ok(defaults.secret.length >= 32);
    const custom = loadWebAppConfig({ PORT: '8080', SESSION_SECRET: 's'.repeat(40), API_URL: 'http://api:9000' });
    assert.equal(custom.baseURL, 'http://localhost:8080');
    assert.equal(custom.generatedSecret, false);
    assert.equal(custom.apiURL, 'http://api:9000');
    assert.throws(() => loadWebAppConfig({ PORT: 'eighty' }), /PORT/);
  });
});
