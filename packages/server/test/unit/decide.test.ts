import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAuthorizationStep, scopesNeedingConsent } from '../../src/protocol/authorization/decide.js';
import { AuthorizationError } from '../../src/protocol/errors.js';
import type { AuthorizationRequest, Client, LoginSession } from '../../src/protocol/model.js';

const request: AuthorizationRequest = {
  client_id: 'c', redirect_uri: 'https://rp.test/cb', redirect_uri_given: true, response_type: 'code', response_mode: 'query',
  scope: ['openid', 'email'], prompt: [], state: 's',
};
const firstParty: Client = {
  client_id: 'c', client_secret_hash: 'h', name: 'C', app_type: 'regular_web', callbacks: [], allowed_logout_urls: [],
  grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic', is_first_party: true,
};
const thirdParty: Client = { ...firstParty, is_first_party: false };
const session: LoginSession = { id_hash: 'h', sid: 'sid', user_id: 'u1', auth_time: 1000, created_at: 1000, last_active_at: 1000, expires_at: 9999 };
const state = { session, authenticatedInTransaction: false, consent: undefined, consentedInTransaction: false, now: 1100 };

describe('decideAuthorizationStep', () => {
  it('asks to sign in without a session, and fails prompt=none with login_required', () => {
    assert.deepEqual(decideAuthorizationStep(request, firstParty, { ...state, session: undefined }), { step: 'login' });
    assert.throws(
      () => decideAuthorizationStep({ ...request, prompt: ['none'] }, firstParty, { ...state, session: undefined }),
      (e: AuthorizationError) => e.error === 'login_required' && e.state === 's',
    );
  });

  it('answers at once for a first-party client with a session', () => {
    assert.deepEqual(decideAuthorizationStep(request, firstParty, state), { step: 'issue' });
  });

  it('prompt=login, an exceeded max_age, or a hint for another user force a sign-in', () => {
    assert.deepEqual(decideAuthorizationStep({ ...request, prompt: ['login'] }, firstParty, state), { step: 'login' });
    assert.deepEqual(decideAuthorizationStep({ ...request, max_age: 50 }, firstParty, state), { step: 'login' });
    assert.deepEqual(decideAuthorizationStep({ ...request, max_age: 100 }, firstParty, state), { step: 'issue' });
    assert.deepEqual(decideAuthorizationStep(request, firstParty, { ...state, hintSubject: 'u2' }), { step: 'login' });
    assert.deepEqual(decideAuthorizationStep({ ...request, prompt: ['login'] }, firstParty, { ...state, authenticatedInTransaction: true }), { step: 'issue' });
  });

  it('third-party clients need consent for what was not granted; prompt=none turns it into consent_required', () => {
    assert.deepEqual(decideAuthorizationStep(request, thirdParty, state), { step: 'consent', missingScopes: ['openid', 'email'] });
    const consent = { user_id: 'u1', client_id: 'c', audience: '', scopes: ['openid'] };
    assert.deepEqual(decideAuthorizationStep(request, thirdParty, { ...state, consent }), { step: 'consent', missingScopes: ['email'] });
    assert.throws(() => decideAuthorizationStep({ ...request, prompt: ['none'] }, thirdParty, { ...state, consent }), (e: AuthorizationError) => e.error === 'consent_required');
    assert.deepEqual(decideAuthorizationStep(request, thirdParty, { ...state, consent: { ...consent, scopes: ['openid', 'email'] } }), { step: 'issue' });
  });

  it('prompt=consent asks again for every scope, even for a first-party client', () => {
    assert.deepEqual(scopesNeedingConsent({ ...request, prompt: ['consent'] }, firstParty, undefined), ['openid', 'email']);
    assert.deepEqual(scopesNeedingConsent(request, firstParty, undefined), []);
  });
});
