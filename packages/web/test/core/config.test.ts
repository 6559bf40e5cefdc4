import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowInsecureIssuer, resolveConfig, type WebAuthOptions } from '../../src/core/config.js';
import { ConfigurationError } from '../../src/core/errors.js';

const valid: WebAuthOptions = {
  issuerBaseURL: 'https://login.example.test/',
  baseURL: 'https://app.example.test',
  clientID: 'app',
  clientSecret: 'client secret',
  secret: 'x'.repeat(32),
};

function rejects(options: Partial<WebAuthOptions> & Record<string | symbol, unknown>, message: RegExp): void {
  assert.throws(
    () => resolveConfig({ ...valid, ...options } as WebAuthOptions),
    (error: unknown) => error instanceof ConfigurationError && error.code === 'ERR_CONFIGURATION' && message.test(error.message),
  );
}

describe('resolveConfig', () => {
  it('fills in the defaults', () => {
    const config = resolveConfig(valid);
    assert.equal(config.baseURL.href, 'https://app.example.test/');
    assert.equal(config.redirectUri.href, 'https://app.example.test/callback');
    assert.deepEqual(config.routes, { login: '/login', callback: '/callback', logout: '/logout' });
    assert.equal(config.authorizationParams.scope, 'openid profile email');
    assert.equal(config.session.name, 'appSession');
    assert.equal(config.session.cookie.secure, true);
    assert.equal(config.session.cookie.sameSite, 'lax');
    assert.equal(config.session.rollingDuration, 86_400);
    assert.equal(config.session.absoluteDuration, 604_800);
    assert.equal(config.transaction.name, 'appTransaction');
    assert.equal(config.idpLogout, true);
    assert.ok(Object.isFrozen(config));
  });

  it('resolves the callback under the path of baseURL', () => {
    const config = resolveConfig({ ...valid, baseURL: 'https://example.test/app' });
    assert.equal(config.redirectUri.href, 'https://example.test/app/callback');
  });

  it('requires a secret of at least 32 characters', () => {
    rejects({ secret: 'short' }, /at least 32 characters/);
    rejects({ secret: [] }, /secret is required/);
    assert.equal(resolveConfig({ ...valid, secret: ['y'.repeat(40), 'x'.repeat(32)] }).secrets.length, 2);
  });

  it('refuses the cookie names of the authorization server', () => {
    rejects({ session: { name: 'latchkey.session' } }, /reserved/);
    rejects({ transaction: { name: 'Latchkey.tx' } }, /reserved/);
    rejects({ session: { name: 'bad name' } }, /not a valid cookie name/);
  });

  it('needs openid in the scope and refuses the parameters the SDK sets', () => {
    rejects({ authorizationParams: { scope: 'profile email' } }, /openid/);
    rejects({ authorizationParams: { state: 'fixed' } }, /set by the SDK/);
    rejects({ authorizationParams: { redirect_uri: 'https://evil.test/' } }, /set by the SDK/);
    rejects({ authorizationParams: { response_mode: 'fragment' as 'query' } }, /response_mode/);
  });

  it('allows plain http only for a loopback issuer unless explicitly allowed', () => {
    assert.equal(resolveConfig({ ...valid, issuerBaseURL: 'http://localhost:4000/' }).issuerBaseURL.port, '4000');
    assert.ok(resolveConfig({ ...valid, issuerBaseURL: 'http://127.0.0.1:4000/' }));
    rejects({ issuerBaseURL: 'http://login.example.test/' }, /not https/);
    const config = resolveConfig({
      ...valid,
      issuerBaseURL: 'http://latchkey:4000/',
      [allowInsecureIssuer]: true,
    });
    assert.equal(config.allowInsecureIssuer, true);
  });

  it('keeps secure cookies on an https app', () => {
    rejects({ session: { cookie: { secure: false } } }, /cannot be false/);
    const config = resolveConfig({ ...valid, baseURL: 'http://localhost:3000' });
    assert.equal(config.session.cookie.secure, false);
    assert.throws(
      () => resolveConfig({ ...valid, baseURL: 'http://localhost:3000', session: { cookie: { sameSite: 'none' } } }),
      ConfigurationError,
    );
  });

  it('validates URLs and the client', () => {
    rejects({ issuerBaseURL: 'not a url' }, /issuerBaseURL is not a valid URL/);
    rejects({ baseURL: 'ftp://app.example.test/' }, /http\(s\) URL/);
    rejects({ baseURL: 'https://app.example.test/?a=b' }, /query/);
    rejects({ clientID: '' }, /clientID is required/);
    rejects({ clientSecret: undefined }, /clientSecret is required/);
    rejects({ routes: { callback: 'callback' } }, /path starting with/);
  });
});
