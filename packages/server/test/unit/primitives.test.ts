import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedFormError, parseForm } from '../../src/http/form-parsing.js';
import { OAuthError } from '../../src/protocol/errors.js';
import { readParams } from '../../src/protocol/params.js';
import { isValidCodeVerifier, s256Challenge, verifyS256 } from '../../src/protocol/pkce.js';
import { parseScope } from '../../src/protocol/scope.js';
import { leftHalfHash } from '../../src/protocol/tokens/claims.js';
import { authenticateClient, InvalidClientError, readClientCredentials } from '../../src/protocol/token/client-authentication.js';
import { hashSecret } from '../../src/crypto/random.js';
import type { Client } from '../../src/protocol/model.js';

describe('PKCE (RFC 7636)', () => {
  it('matches the RFC 7636 Appendix B example', () => {
    assert.equal(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.ok(verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
    assert.ok(!verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  });
  it('accepts 43 to 128 unreserved characters only', () => {
    assert.ok(isValidCodeVerifier('a'.repeat(43)));
    assert.ok(isValidCodeVerifier('a'.repeat(128)));
    assert.ok(!isValidCodeVerifier('a'.repeat(42)));
    assert.ok(!isValidCodeVerifier('a'.repeat(129)));
    assert.ok(!isValidCodeVerifier(`${'a'.repeat(42)}+`));
  });
});

describe('readParams (RFC 6749 §3.1)', () => {
  it('refuses repeated and non-string parameters, drops empty ones', () => {
    assert.deepEqual({ ...readParams({ a: '1', b: '' }) }, { a: '1' });
    assert.throws(() => readParams({ a: ['1', '2'] }), (e: OAuthError) => e.error === 'invalid_request');
    assert.throws(() => readParams({ a: 1 }), (e: OAuthError) => e.error === 'invalid_request');
    assert.throws(() => readParams({ a: 'x\u0000' }), (e: OAuthError) => e.error === 'invalid_request');
    assert.throws(() => readParams('text'), (e: OAuthError) => e.error === 'invalid_request');
  });
  it('does not let __proto__ reach the prototype', () => {
    const params = readParams(JSON.parse('{"__proto__": "x", "a": "1"}'));
    assert.equal(({} as Record<string, unknown>).a, undefined);
    assert.equal(params.a, '1');
  });
});

describe('parseForm', () => {
  it('decodes + and percent-escapes, and keeps repeats', () => {
    assert.deepEqual({ ...parseForm('a=b+c&d=%26&a=2') }, { a: ['b c', '2'], d: '&' });
  });
  it('refuses malformed escapes and invalid UTF-8', () => {
    assert.throws(() => parseForm('a=%ZZ'), MalformedFormError);
    assert.throws(() => parseForm('a=%C3%28'), MalformedFormError);
  });
});

describe('scope and hashes', () => {
  it('parses space-delimited scopes without duplicates', () => {
    assert.deepEqual(parseScope('openid  email openid'), ['openid', 'email']);
    assert.deepEqual(parseScope(undefined), []);
  });
  it('computes at_hash as the left half of SHA-256 (OpenID Connect Core §3.1.3.6)', () => {
    // Example from OpenID Connect Core Appendix A.3/A.4 (access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").
    assert.equal(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
  });
});

describe('client authentication (RFC 6749 §2.3)', () => {
  const secret = 'a secret: with +special/chars%';
  const client: Client = {
    client_id: 'id:with space', client_secret_hash: hashSecret(secret), name: 'c', app_type: 'regular_web', callbacks: [],
    allowed_logout_urls: [], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic', is_first_party: true,
  };
  const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

  it('form-decodes the Basic credentials before comparing', () => {
    const header = `Basic ${Buffer.from(`${form(client.client_id)}:${form(secret)}`).toString('base64')}`;
    const presented = readClientCredentials(header, {});
    assert.equal(presented.clientId, client.client_id);
    assert.equal(presented.clientSecret, secret);
    assert.equal(authenticateClient(client, presented), client);
  });

  it('refuses a wrong secret, an unknown client and a method the client did not register', () => {
    assert.throws(() => authenticateClient(client, { method: 'client_secret_basic', clientId: client.client_id, clientSecret: 'x' }), InvalidClientError);
    assert.throws(() => authenticateClient(undefined, { method: 'client_secret_basic', clientId: 'nobody', clientSecret: secret }), InvalidClientError);
    assert.throws(() => authenticateClient(client, { method: 'client_secret_post', clientId: client.client_id, clientSecret: secret }), InvalidClientError);
    assert.throws(() => authenticateClient(client, { method: 'none', clientId: client.client_id }), InvalidClientError);
  });

  it('refuses two methods at once', () => {
    assert.throws(() => readClientCredentials('Basic YTpi', { client_secret: 'b' }), (e: OAuthError) => e.error === 'invalid_request');
  });
});
