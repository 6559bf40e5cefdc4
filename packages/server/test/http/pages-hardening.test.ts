import { createHash } from 'node:crypto';
/**
 * Every page Latchkey serves and every redirect that carries a code, checked for the headers that
 * defend them: no framing, no referrer, never cached, scripts and styles only with the response's
 * CSP nonce, and nothing loaded from elsewhere (RFC 9700 §4.2.4, §4.16; ASVS 3.4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair, readForm } from '../helpers/browser.js';
import { ALICE, startTestServer, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

interface Seen {
  name: string;
  status: number;
  headers: Headers;
  text: string;
}

const webParams = (extra: Record<string, string> = {}) => {
  const { challenge } = pkcePair();
  return {
    response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 'st',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  };
};

/** The headers every HTML page must carry. */
function assertHardenedPage(page: Seen) {
  const what = `${page.name} (${page.status})`;
  assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/, what);
  assert.equal(page.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(page.headers.get('cache-control'), 'no-store', what);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', what);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.match(csp, /default-src 'none'/, what);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, what);
  // Every inline script and style is allowed by its hash in the header; no handlers, no javascript: URLs.
  assert.doesNotMatch(csp, /'nonce-/, what);
  for (const tag of page.text.matchAll(/<(script|style)\b([^>]*)>([^<]*)<\/\1>/g)) {
    const hash = createHash('sha256').update(tag[3]!, 'utf8').digest('base64');
    const directive = csp.split(';').find((d) => d.trim().startsWith(`${tag[1]}-src `)) ?? '';
    assert.ok(directive.includes(`'sha256-${hash}'`), `${what}: <${tag[1]}> whose hash the policy does not list`);
    assert.doesNotMatch(tag[2]!, /\bsrc=/, `${what}: no external script`);
  }
  assert.doesNotMatch(page.text, /\son[a-z]+\s*=/i, `${what}: inline event handler`);
  assert.doesNotMatch(page.text, /javascript:/i, what);
  // Nothing is loaded from another origin (B13.2): no src or stylesheet link at all.
  assert.doesNotMatch(page.text, /<(img|iframe|link|script)[^>]+(src|href)=/i, `${what}: loads a resource`);
}

describe('headers of pages and redirects', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('B6.1 B13.2 every page has no framing, no referrer, no-store and hash-allowed inline code', async () => {
    const pages: Seen[] = [];
    const keep = (name: string, response: { status: number; headers: Headers; text: string }) => {
      pages.push({ name, ...response });
      return response;
    };
    const origin = new URL(server.issuer).origin;

    // Login page, then a failed sign-in re-rendering it.
    const browser = new Browser();
    const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams())}`);
    const login = keep('login page', await browser.get(start.location!));
    const form = readForm(login.text);
    keep('failed sign-in', await browser.post(new URL(form.action, server.issuer).href, { ...form.fields, email: ALICE.email, password: 'wrong password' }, { origin }));
    // Error pages: an unknown client, a CSRF failure, an expired transaction.
    keep('authorize error page', await browser.get(`${server.issuer}authorize?client_id=nope`));
    keep('CSRF refusal', await browser.post(new URL(form.action, server.issuer).href, { state: form.fields.state!, email: ALICE.email, password: ALICE.password }, { origin }));
    keep('unknown transaction', await browser.get(`${server.issuer}u/login?state=nope`));
    keep('foreign origin refusal', await browser.post(new URL(form.action, server.issuer).href, { ...form.fields }, { origin: 'https://evil.test' }));

    // Consent page of a third-party client, and the form_post response page carrying a code.
    const partner = new Browser();
    const consentStart = await authorizeInBrowser(partner, server.issuer, {
      response_type: 'code', client_id: THIRD_PARTY_APP.client_id, redirect_uri: THIRD_PARTY_APP.callback, scope: 'openid email', state: 'p',
    }, { ...ALICE, consent: 'accept' });
    assert.ok(consentStart.location?.startsWith(THIRD_PARTY_APP.callback));
    const again = await partner.get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'code', client_id: THIRD_PARTY_APP.client_id, redirect_uri: THIRD_PARTY_APP.callback, scope: 'openid email profile', state: 'p', prompt: 'consent',
    })}`);
    keep('consent page', await partner.get(again.location!));
    const formPost = keep('form_post response', await partner.get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'code', client_id: THIRD_PARTY_APP.client_id, redirect_uri: THIRD_PARTY_APP.callback, scope: 'openid email', state: 'p', response_mode: 'form_post',
    })}`));
    assert.match(formPost.text, /name="code"/);

    // Logout: the confirmation, the signed-out page and the stay-signed-in page.
    const confirm = keep('logout confirmation', await partner.get(`${server.issuer}oidc/logout`));
    const confirmForm = readForm(confirm.text);
    keep('stayed signed in', await partner.post(new URL(confirmForm.action, server.issuer).href, { ...confirmForm.fields, action: 'cancel' }, { origin }));
    const confirm2 = readForm((await partner.get(`${server.issuer}oidc/logout`)).text);
    keep('signed out', await partner.post(new URL(confirm2.action, server.issuer).href, { ...confirm2.fields, action: 'logout' }, { origin }));

    assert.equal(pages.length, 11);
    for (const page of pages) assertHardenedPage(page);
  });

  it('B13.2 B4.1 B3.4 redirects that carry a code or an error send no referrer, are never cached, and name the issuer', async () => {
    const browser = new Browser();
    const signedIn = await authorizeInBrowser(browser, server.issuer, webParams(), ALICE);
    const silent = await browser.get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'none' }))}`);
    const denied = await new Browser().get(`${server.issuer}authorize?${new URLSearchParams(webParams({ prompt: 'none' }))}`);
    for (const [name, response, key] of [['after sign-in (303)', signedIn, 'code'], ['prompt=none (302)', silent, 'code'], ['error', denied, 'error']] as const) {
      const location = new URL(response.location!);
      assert.ok(location.searchParams.get(key), name);
      assert.equal(location.searchParams.get('iss'), server.issuer, name);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', name);
      assert.equal(response.headers.get('cache-control'), 'no-store', name);
    }
    assert.equal(signedIn.status, 303, 'B3.4 the redirect after the login POST is 303, never 307');
  });

  it('B6.2 no endpoint grants CORS to another origin', async () => {
    for (const path of ['authorize', 'u/login?state=x', 'oauth/token', 'userinfo', '.well-known/openid-configuration', 'oidc/logout']) {
      for (const method of ['GET', 'OPTIONS']) {
        const response = await fetch(`${server.issuer}${path}`, {
          method,
          headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
          redirect: 'manual',
        });
        await response.body?.cancel();
        assert.equal(response.headers.get('access-control-allow-origin'), null, `${method} ${path}`);
        assert.equal(response.headers.get('access-control-allow-credentials'), null, `${method} ${path}`);
      }
    }
  });
});

describe('an https issuer', () => {
  let server: RunningLatchkey;
  const issuer = 'https://login.example.test/';
  before(async () => {
    server = await startTestServer({ issuer });
  });
  after(() => server.close());
  // The server listens on plain http here (TLS ends at a proxy); URLs of the issuer are mapped to it.
  const local = (url: string) => url.replace(issuer, server.url);

  it('B7.2 B6.1 C3.5 names its cookies __Host-, marks them Secure and HttpOnly, and sends HSTS for a year', async () => {
    const browser = new Browser();
    const start = await browser.get(`${server.url}authorize?${new URLSearchParams(webParams())}`);
    const page = await browser.get(local(start.location!));
    const hsts = page.headers.get('strict-transport-security') ?? '';
    assert.ok(Number(/max-age=(\d+)/.exec(hsts)?.[1]) >= 31_536_000, hsts);
    const form = readForm(page.text);
    const signedIn = await browser.request(`${server.url}${form.action.replace(/^\//, '')}`, {
      form: { ...form.fields, email: ALICE.email, password: ALICE.password },
      headers: { origin: new URL(issuer).origin },
    });
    assert.equal(signedIn.status, 303);
    const cookies = [...page.headers.getSetCookie(), ...signedIn.headers.getSetCookie()];
    const names = cookies.map((line) => line.slice(0, line.indexOf('=')));
    assert.ok(names.includes('__Host-latchkey.session') && names.includes('__Host-latchkey.csrf'), names.join(', '));
    for (const line of cookies) {
      assert.ok(line.startsWith('__Host-'), line);
      assert.match(line, /; Secure/i);
      assert.match(line, /; HttpOnly/i);
      assert.match(line, /; Path=\//i);
      assert.match(line, /; SameSite=Lax/i);
      assert.doesNotMatch(line, /; Domain=/i, 'a __Host- cookie has no Domain');
    }
    const session = cookies.find((line) => line.startsWith('__Host-latchkey.session='))!;
    const value = decodeURIComponent(session.slice(session.indexOf('=') + 1, session.indexOf(';')));
    assert.ok(Buffer.from(value, 'base64url').length >= 32, 'C3.5 a session id of 256 random bits');
  });
});
