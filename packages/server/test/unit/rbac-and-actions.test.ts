import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeActionRun } from '../../src/actions/describe-run.js';
import { loadConfig } from '../../src/config/config.js';
import { mergeEvent } from '../../src/actions/sample-events.js';
import { signContinueToken, verifyContinueToken } from '../../src/protocol/actions/continue-token.js';
import { customClaimProblem } from '../../src/protocol/actions/custom-claims.js';
import { applyTokenCommand, customizedAccessTokenScope, emptyCustomization } from '../../src/protocol/actions/token-customization.js';
import { scopesNeedingConsent } from '../../src/protocol/authorization/decide.js';
import type { AuthorizationRequest, Client, ResourceServer } from '../../src/protocol/model.js';
import { effectiveScopes } from '../../src/protocol/rbac/effective-scopes.js';
import type { RunningLatchkey } from '../../src/server.js';
import { startTestServer, TestClock } from '../helpers/test-server.js';

const api: ResourceServer = {
  identifier: 'https://api.test/',
  name: 'API',
  scopes: [{ value: 'read', description: 'Read' }, { value: 'write', description: 'Write' }],
  allow_offline_access: false,
  token_lifetime: 600,
  signing_alg: 'RS256',
};
const held = (...names: string[]) => names.map((permission_name) => ({ resource_server_identifier: api.identifier, permission_name }));

describe('effectiveScopes (Auth0 RBAC)', () => {
  it('with RBAC off, keeps the requested scopes the API defines', () => {
    assert.deepEqual(effectiveScopes(['openid', 'read', 'write', 'other'], api, []), ['openid', 'read', 'write']);
  });

  it('with RBAC on, keeps OpenID Connect scopes and the API scopes the user holds', () => {
    const rbac = { ...api, enforce_policies: true };
    assert.deepEqual(effectiveScopes(['openid', 'profile', 'read', 'write'], rbac, held('write')), ['openid', 'profile', 'write']);
    assert.deepEqual(effectiveScopes(['read'], rbac, []), []);
  });

  it('ignores permissions of another API and permissions the API no longer defines', () => {
    const rbac = { ...api, enforce_policies: true };
    const elsewhere = [{ resource_server_identifier: 'https://other.test/', permission_name: 'read' }];
    assert.deepEqual(effectiveScopes(['read', 'gone'], rbac, [...elsewhere, ...held('gone')]), []);
  });
});

describe('scopesNeedingConsent', () => {
  const request: AuthorizationRequest = {
    client_id: 'c', redirect_uri: 'https://rp.test/cb', redirect_uri_given: true, response_type: 'code', response_mode: 'query',
    scope: ['openid', 'profile', 'read', 'write'], prompt: [],
  };
  const firstParty: Client = {
    client_id: 'c', client_secret_hash: 'h', name: 'C', app_type: 'regular_web', callbacks: [], allowed_logout_urls: [],
    grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic', is_first_party: true,
  };

  it('lets a first-party client skip consent for an API that allows it (the default)', () => {
    assert.deepEqual(scopesNeedingConsent(request, firstParty, undefined, api), []);
  });

  it('asks a first-party client for the API scopes only when the API does not allow skipping', () => {
    const strict = { ...api, skip_consent_for_verifiable_first_party_clients: false };
    assert.deepEqual(scopesNeedingConsent(request, firstParty, undefined, strict), ['read', 'write']);
    const granted = { user_id: 'u', client_id: 'c', audience: api.identifier, scopes: ['read'] };
    assert.deepEqual(scopesNeedingConsent(request, firstParty, granted, strict), ['write']);
  });

  it('asks a third-party client for what it was not granted yet, and for everything with prompt=consent', () => {
    const thirdParty = { ...firstParty, is_first_party: false };
    const granted = { user_id: 'u', client_id: 'c', audience: api.identifier, scopes: ['openid', 'profile', 'read'] };
    assert.deepEqual(scopesNeedingConsent(request, thirdParty, granted, api), ['write']);
    assert.deepEqual(scopesNeedingConsent({ ...request, prompt: ['consent'] }, thirdParty, granted, api), request.scope);
  });
});

describe('custom claims and scope changes', () => {
  it('allows namespaced claims and unregistered names, and refuses registered ones', () => {
    assert.equal(customClaimProblem('https://example.com/roles'), undefined);
    assert.equal(customClaimProblem('favourite_colour'), undefined);
    for (const name of ['sub', 'iss', 'aud', 'exp', 'scope', 'permissions', 'email', 'nonce', 'azp', 'client_id']) {
      assert.match(customClaimProblem(name) ?? '', /registered or reserved claim/, name);
    }
    assert.match(customClaimProblem('https://') ?? '', /not a valid URL/);
    assert.match(customClaimProblem('') ?? '', /1 to 512/);
  });

  it('applies addScope and removeScope in call order', () => {
    let c = emptyCustomization();
    c = applyTokenCommand(c, { type: 'accessToken.addScope', scope: 'extra' });
    c = applyTokenCommand(c, { type: 'accessToken.removeScope', scope: 'read' });
    c = applyTokenCommand(c, { type: 'accessToken.removeScope', scope: 'extra' });
    c = applyTokenCommand(c, { type: 'accessToken.addScope', scope: 'read' });
    assert.deepEqual(customizedAccessTokenScope(['openid', 'read'], c), ['openid', 'read']);
    assert.deepEqual(customizedAccessTokenScope(['openid', 'read', 'extra'], c), ['openid', 'read']);
    assert.throws(() => applyTokenCommand(emptyCustomization(), { type: 'idToken.setCustomClaim', name: 'sub', value: 'x' }), TypeError);
  });

  it('describes a run as `latchkey actions test` prints it', () => {
    const report = describeActionRun({
      ok: true,
      commands: [
        { type: 'accessToken.addScope', scope: 'a' },
        { type: 'accessToken.removeScope', scope: 'a' },
        { type: 'user.setUserMetadata', name: 'x', value: null },
        { type: 'redirect.sendUserTo', url: 'https://mfa.example/' },
      ],
    });
    assert.equal(report.outcome, 'redirect');
    assert.deepEqual(report.accessToken, { customClaims: {}, addedScopes: [], removedScopes: ['a'] });
    assert.deepEqual(report.user.user_metadata, { x: null });
    assert.deepEqual(mergeEvent({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] }), { a: { b: 1, c: 3 }, d: [2] });
  });
});

describe('action limits in the configuration', () => {
  it('defaults to 5 s and 128 MiB, and refuses a limit out of range naming the variable', () => {
    const config = loadConfig({});
    assert.equal(config.actionTimeoutMs, 5000);
    assert.equal(config.actionMemoryMb, 128);
    assert.equal(loadConfig({ LATCHKEY_ACTION_TIMEOUT_MS: '250' }).actionTimeoutMs, 250);
    assert.throws(() => loadConfig({ LATCHKEY_ACTION_TIMEOUT_MS: '10' }), /invalid setting LATCHKEY_ACTION_TIMEOUT_MS/);
    assert.throws(() => loadConfig({ LATCHKEY_ACTION_MEMORY_MB: 'lots' }), /invalid setting LATCHKEY_ACTION_MEMORY_MB/);
  });
});

describe('continue tokens', () => {
  const clock = new TestClock(1_900_000_000);
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ clock, database: 'sqlite::memory:' });
  });
  after(() => server.close());
  const claims = { interactionId: 'tx-1', nonce: 'n-1', userId: 'auth0|u' };

  it('round-trips, and expires after ten minutes or with the transaction, whichever comes first', async () => {
    const token = await signContinueToken(server.ctx, claims, clock.now() + 3600);
    assert.deepEqual(await verifyContinueToken(server.ctx, token), claims);
    clock.advance(601);
    assert.equal(await verifyContinueToken(server.ctx, token), undefined);
    const short = await signContinueToken(server.ctx, claims, clock.now() + 30);
    clock.advance(31);
    assert.equal(await verifyContinueToken(server.ctx, short), undefined);
  });

  it('refuses another token of ours (an access token has another typ and audience)', async () => {
    const accessToken = await server.ctx.keys.sign(
      { iss: server.issuer, aud: `${server.issuer}continue`, sub: 'auth0|u', jti: 'n-1', interaction: 'tx-1', exp: clock.now() + 60 },
      { typ: 'at+jwt' },
    );
    assert.equal(await verifyContinueToken(server.ctx, accessToken), undefined);
  });
});
