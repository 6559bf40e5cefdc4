import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair, readForm } from '../helpers/browser.js';
import { decodeJwt, obtainCode, postToken, redeemCode } from '../helpers/flows.js';
import { ALICE, API, BOB, startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

const webParams = (extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: WEB_APP.client_id,
  redirect_uri: WEB_APP.callback,
  scope: 'openid profile',
  state: 'st',
  ...extra,
});

const partnerParams = (extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: THIRD_PARTY_APP.client_id,
  redirect_uri: THIRD_PARTY_APP.callback,
  scope: 'openid email',
  state: 'pst',
  ...extra,
});

async function openLogin(server: RunningLatchkey, browser: Browser, params = webParams()) {
  const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(params)}`);
  const page = await browser.get(start.location!);
  return { page, form: readForm(page.text), origin: new URL(server.issuer).origin };
}

describe('login and consent pages', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it('renders a labelled login form with a CSRF token and no-store', async () => {
    const { page, form } = await openLogin(server, new Browser());
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.text, /<label for="email">Email<\/label>/);
    assert.match(page.text, /<label for="password">Password<\/label>/);
    assert.ok(form.fields._csrf && form.fields._csrf.length > 20);
    assert.ok(form.fields.state);
    // CSP hash-source: the page's only style block is allowed by its hash, and nothing else inline.
    const style = /<style>([^<]*)<\/style>/.exec(page.text)?.[1];
    const hash = style && createHash('sha256').update(style, 'utf8').digest('base64');
    assert.ok(hash && page.headers.get('content-security-policy')?.includes(`style-src 'self' 'sha256-${hash}'`));
  });

  it('B12.1 an unknown email and a wrong password give the same answer', async () => {
    const answers = [];
    for (const credentials of [{ email: 'nobody@example.test', password: 'whatever password' }, { email: ALICE.email, password: 'wrong password!' }]) {
      const browser = new Browser();
      const { form, origin } = await openLogin(server, browser);
      const response = await browser.post(new URL(form.action, server.issuer).href, { ...form.fields, ...credentials }, { origin });
      answers.push({ status: response.status, text: response.text.replace(/(value|nonce)="[^"]*"/g, ''), cookie: browser.cookies.has('latchkey.session') });
    }
    assert.equal(answers[0]!.status, 400);
    assert.equal(answers[0]!.status, answers[1]!.status);
    assert.equal(answers[0]!.cookie, false);
    assert.equal(answers[1]!.cookie, false);
    assert.match(answers[0]!.text, /Wrong email or password\./);
    assert.equal(answers[0]!.text, answers[1]!.text);
  });

  it('B5.1 a login POST without the CSRF token, with another transaction\'s token, or from another origin is refused', async () => {
    const browser = new Browser();
    const { form, origin } = await openLogin(server, browser);
    const other = await openLogin(server, browser);
    const url = new URL(form.action, server.issuer).href;
    const attempts: { form: Record<string, string>; headers: Record<string, string> }[] = [
      { form: { state: form.fields.state!, email: ALICE.email, password: ALICE.password }, headers: { origin } },
      { form: { ...form.fields, _csrf: other.form.fields._csrf!, email: ALICE.email, password: ALICE.password }, headers: { origin } },
      { form: { ...form.fields, email: ALICE.email, password: ALICE.password }, headers: { origin: 'https://evil.test' } },
    ];
    for (const attempt of attempts) {
      const response = await browser.post(url, attempt.form, attempt.headers);
      assert.equal(response.status, 403);
      assert.equal(response.location, undefined);
      assert.equal(browser.cookies.has('latchkey.session'), false);
    }
  });

  it('B7.1 B7.2 signing in issues a new HttpOnly, SameSite session cookie; a planted one is replaced', async () => {
    const browser = new Browser();
    browser.cookies.set('latchkey.session', 'attacker-chosen-value');
    const { form, origin } = await openLogin(server, browser);
    const response = await browser.request(new URL(form.action, server.issuer).href, {
      form: { ...form.fields, email: ALICE.email, password: ALICE.password },
      headers: { origin },
    });
    assert.equal(response.status, 303);
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('latchkey.session='))!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/); // plain-http issuer on loopback
    assert.notEqual(browser.cookies.get('latchkey.session'), 'attacker-chosen-value');

    const planted = new Browser();
    planted.cookies.set('latchkey.session', 'attacker-chosen-value');
    const silent = await planted.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'none' }))}`);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'login_required');
  });

  it('A1.13 with a session, prompt=none answers with a code at once, same sub and auth_time', async () => {
    const first = await obtainCode(server);
    const firstTokens = await redeemCode(server, first);
    const { verifier, challenge } = pkcePair();
    const silent = await first.browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ scope: 'openid', prompt: 'none', code_challenge: challenge, code_challenge_method: 'S256' }))}`);
    assert.equal(silent.status, 302);
    const code = new URL(silent.location!).searchParams.get('code')!;
    const second = await redeemCode(server, { ...first, code, verifier });
    const a = decodeJwt(firstTokens.body.id_token as string).payload;
    const b = decodeJwt(second.body.id_token as string).payload;
    assert.equal(b.sub, a.sub);
    assert.equal(b.auth_time, a.auth_time);
  });

  it('A1.14 A1.15 prompt=login and an exceeded max_age ask for the password again, and auth_time moves', async () => {
    const first = await obtainCode(server);
    const authTime1 = decodeJwt((await redeemCode(server, first)).body.id_token as string).payload.auth_time as number;
    clock.advance(30);

    const again = await first.browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'login' }))}`);
    assert.match(again.location!, /\/u\/login/);

    const kept = await obtainCode(server, { browser: first.browser, params: { max_age: '10000' } });
    const keptTime = decodeJwt((await redeemCode(server, kept)).body.id_token as string).payload.auth_time;
    assert.equal(keptTime, authTime1);

    const expired = await first.browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ max_age: '5' }))}`);
    assert.match(expired.location!, /\/u\/login/);
    const fresh = await obtainCode(server, { browser: first.browser, params: { max_age: '5' } });
    const freshTime = decodeJwt((await redeemCode(server, fresh)).body.id_token as string).payload.auth_time as number;
    assert.ok(freshTime > authTime1);
  });

  it('A1.16 cancelling the sign-in returns access_denied to the client', async () => {
    const browser = new Browser();
    const { form, origin } = await openLogin(server, browser);
    const response = await browser.post(new URL(form.action, server.issuer).href, { ...form.fields, action: 'cancel' }, { origin });
    assert.equal(response.status, 303);
    const location = new URL(response.location!);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'st');
    assert.equal(location.searchParams.get('iss'), server.issuer);
  });

  it('an expired or unknown transaction shows an error page', async () => {
    const browser = new Browser();
    const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams())}`);
    clock.advance(16 * 60);
    const page = await browser.get(start.location!);
    assert.equal(page.status, 400);
    assert.match(page.text, /expired/);
    const unknown = await browser.get(`${server.issuer}u/login?state=unknown`);
    assert.equal(unknown.status, 400);
  });

  it('third-party clients ask for consent; the page lists the scopes with descriptions, escaped', async () => {
    const browser = new Browser();
    const response = await authorizeInBrowser(browser, server.issuer, partnerParams(), { ...ALICE, consent: 'deny' });
    const location = new URL(response.location!);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'pst');

    const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(partnerParams())}`);
    assert.match(start.location!, /\/u\/consent/);
    const page = await browser.get(start.location!);
    assert.match(page.text, /Partner &lt;App&gt;/);
    assert.match(page.text, /Read your email address/);
    assert.ok(!page.text.includes('Partner <App>'));
  });

  it('consent is remembered, and asking for more asks for the difference only', async () => {
    const browser = new Browser();
    const granted = await authorizeInBrowser(browser, server.issuer, partnerParams({ audience: API, scope: 'openid read:messages' }), ALICE);
    assert.ok(new URL(granted.location!).searchParams.get('code'));

    const again = await browser.get(`${server.issuer}authorize?${new URLSearchParams(partnerParams({ audience: API, scope: 'openid read:messages', prompt: 'none' }))}`);
    assert.ok(new URL(again.location!).searchParams.get('code'), 'no second consent');

    const more = await browser.get(`${server.issuer}authorize?${new URLSearchParams(partnerParams({ audience: API, scope: 'openid read:messages write:messages' }))}`);
    const page = await browser.get(more.location!);
    assert.match(page.text, /Write messages/);
    assert.doesNotMatch(page.text, /Read messages/);

    const silent = await browser.get(`${server.issuer}authorize?${new URLSearchParams(partnerParams({ audience: API, scope: 'openid write:messages', prompt: 'none' }))}`);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'consent_required');
  });

  it('B5.1 the consent page refuses another browser, and consent cannot be given by GET', async () => {
    const browser = new Browser();
    const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(partnerParams({ scope: 'openid profile' }))}`);
    const login = await browser.get(start.location!);
    const { action, fields } = readForm(login.text);
    const origin = new URL(server.issuer).origin;
    const afterLogin = await browser.post(new URL(action, server.issuer).href, { ...fields, email: BOB.email, password: BOB.password }, { origin });
    assert.match(afterLogin.location!, /\/u\/consent/);

    const stranger = await new Browser().get(afterLogin.location!);
    assert.equal(stranger.status, 400);

    const viaGet = await browser.get(`${afterLogin.location!}&action=accept`);
    assert.equal(viaGet.status, 200, 'GET only shows the page');
    assert.equal(viaGet.location, undefined);
  });

  it('C3.4 a session past its idle timeout no longer signs in silently', async () => {
    const first = await obtainCode(server);
    clock.advance(3 * 86_400 + 1);
    const silent = await first.browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'none' }))}`);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'login_required');
  });

  it('C3.4 a session past its absolute lifetime no longer signs in silently, even when used daily', async () => {
    const first = await obtainCode(server);
    for (let day = 0; day < 7; day++) {
      clock.advance(86_400);
      const silent = await first.browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'none' }))}`);
      const params = new URL(silent.location!).searchParams;
      if (day < 6) assert.ok(params.get('code'), `day ${day + 1} still signed in`);
      else assert.equal(params.get('error'), 'login_required');
    }
  });

  it('response_type=id_token with form_post returns an ID token by auto-posted form', async () => {
    const browser = new Browser();
    const response = await authorizeInBrowser(browser, server.issuer, webParams({ response_type: 'id_token', response_mode: 'form_post', nonce: 'n-1' }), ALICE);
    assert.equal(response.status, 200);
    const form = readForm(response.text);
    assert.equal(form.action, WEB_APP.callback);
    const claims = decodeJwt(form.fields.id_token!).payload;
    assert.equal(claims.nonce, 'n-1');
    assert.equal(claims.aud, WEB_APP.client_id);
    assert.equal(form.fields.state, 'st');
    assert.equal(form.fields.iss, server.issuer);
    assert.equal(form.fields.code, undefined);
    const script = /<script>([^<]*)<\/script>/.exec(response.text)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    assert.ok(response.headers.get('content-security-policy')?.includes(`script-src 'self' 'sha256-${hash}'`));
  });

  it('B3.2 a registered callback with a query keeps its query', async () => {
    const browser = new Browser();
    const response = await authorizeInBrowser(browser, server.issuer, partnerParams({ redirect_uri: 'https://partner.example.test/cb?tenant=1', scope: 'openid email' }), ALICE);
    const location = new URL(response.location!);
    assert.equal(location.searchParams.get('tenant'), '1');
    assert.ok(location.searchParams.get('code'));
    const token = await postToken(server, { grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: 'https://partner.example.test/cb?tenant=1', client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret });
    assert.equal(token.status, 200);
  });
});
