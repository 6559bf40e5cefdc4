import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAuthorizationRequest } from '../../src/protocol/authorization/validate-request.js';
import { AuthorizationError } from '../../src/protocol/errors.js';
import type { Client, ResourceServer } from '../../src/protocol/model.js';

const client: Client = {
  client_id: 'c1',
  client_secret_hash: 'h',
  name: 'C1',
  app_type: 'regular_web',
  callbacks: ['https://rp.test/cb'],
  allowed_logout_urls: [],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
  is_first_party: true,
};
const publicClient: Client = { ...client, client_id: 'pub', client_secret_hash: null, token_endpoint_auth_method: 'none' };
const api: ResourceServer = {
  identifier: 'https://api.test/', name: 'API', scopes: [{ value: 'read:x', description: 'Read x' }],
  allow_offline_access: false, token_lifetime: 600, signing_alg: 'RS256',
};
const lookups = {
  findClient: async (id: string) => [client, publicClient].find((c) => c.client_id === id),
  findResourceServer: async (id: string) => (id === api.identifier ? api : undefined),
};
const base = { response_type: 'code', client_id: 'c1', redirect_uri: 'https://rp.test/cb', scope: 'openid', state: 's' };
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

async function rejection(raw: Record<string, unknown>): Promise<AuthorizationError> {
  try {
    await validateAuthorizationRequest(raw, lookups);
  } catch (error) {
    assert.ok(error instanceof AuthorizationError);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('validateAuthorizationRequest', () => {
  it('returns the normalised request', async () => {
    const request = await validateAuthorizationRequest({ ...base, scope: 'openid read:x bogus', audience: api.identifier, prompt: 'login', max_age: '60', code_challenge: challenge, code_challenge_method: 'S256' }, lookups);
    assert.deepEqual(request.scope, ['openid', 'read:x']);
    assert.equal(request.audience, api.identifier);
    assert.deepEqual(request.prompt, ['login']);
    assert.equal(request.max_age, 60);
    assert.equal(request.redirect_uri_given, true);
    assert.equal(request.response_mode, 'query');
  });

  it('defaults the redirect_uri to the only registered one, and remembers it was not sent', async () => {
    const { redirect_uri: _ignored, ...raw } = base;
    const request = await validateAuthorizationRequest(raw, lookups);
    assert.equal(request.redirect_uri, 'https://rp.test/cb');
    assert.equal(request.redirect_uri_given, false);
  });

  it('page errors (no redirect target) until the client and redirect_uri are verified', async () => {
    for (const raw of [
      { ...base, client_id: undefined },
      { ...base, client_id: 'unknown' },
      { ...base, client_id: ['c1', 'c1'] },
      { ...base, redirect_uri: 'https://rp.test/cb/' },
      { ...base, redirect_uri: ['https://rp.test/cb', 'https://rp.test/cb'] },
    ]) {
      const error = await rejection(raw);
      assert.equal(error.redirectUri, undefined);
    }
  });

  it('redirect errors carry the state and the response mode', async () => {
    const error = await rejection({ ...base, response_type: 'token', response_mode: 'form_post' });
    assert.equal(error.error, 'unsupported_response_type');
    assert.equal(error.redirectUri, 'https://rp.test/cb');
    assert.equal(error.state, 's');
    assert.equal(error.responseMode, 'form_post');
  });

  it('PKCE: S256 only, required for public clients', async () => {
    assert.equal((await rejection({ ...base, client_id: 'pub' })).error, 'invalid_request');
    assert.equal((await rejection({ ...base, code_challenge: challenge, code_challenge_method: 'plain' })).error, 'invalid_request');
    assert.equal((await rejection({ ...base, code_challenge: challenge })).error, 'invalid_request');
    const ok = await validateAuthorizationRequest({ ...base, client_id: 'pub', code_challenge: challenge, code_challenge_method: 'S256' }, lookups);
    assert.equal(ok.code_challenge, challenge);
  });

  it('prompt: none alone; select_account means login', async () => {
    assert.equal((await rejection({ ...base, prompt: 'none consent' })).error, 'invalid_request');
    const request = await validateAuthorizationRequest({ ...base, prompt: 'select_account consent' }, lookups);
    assert.deepEqual(request.prompt, ['login', 'consent']);
  });

  it('machine-to-machine clients and clients without the code grant cannot use /authorize', async () => {
    const m2m = { ...client, client_id: 'm2m', app_type: 'non_interactive' as const };
    const noCode = { ...client, client_id: 'nocode', grant_types: ['refresh_token' as const] };
    const local = { ...lookups, findClient: async (id: string) => [m2m, noCode].find((c) => c.client_id === id) };
    for (const id of ['m2m', 'nocode']) {
      await assert.rejects(validateAuthorizationRequest({ ...base, client_id: id }, local), (e: AuthorizationError) => e.error === 'unauthorized_client' && e.redirectUri !== undefined);
    }
  });
});
