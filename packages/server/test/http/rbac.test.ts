import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { Browser } from '../helpers/browser.js';
import { postToken, decodeJwt } from '../helpers/flows.js';
import { reachConsentPage, signInForTokens } from '../helpers/sign-in.js';
import { ALICE, API, BOB, startTestServer, testTenant, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

const REPORTS = 'https://reports.example.test/';
const LEDGER = 'https://ledger.example.test/';
const CAROL = { email: 'carol@example.test', password: 'yet another long passphrase' } as const;

/**
 * APIs, permissions and roles with Auth0's RBAC semantics, against a running server: what scopes
 * and `permissions` the tokens carry with RBAC on and off, and what the consent page asks.
 */
function rbacTenant() {
  const base = testTenant();
  return {
    ...base,
    resourceServers: [
      ...base.resourceServers,
      {
        identifier: REPORTS,
        name: 'Reports API',
        scopes: [
          { value: 'read:reports', description: 'Read your reports' },
          { value: 'write:reports', description: 'Write reports' },
          { value: 'delete:reports', description: 'Delete reports' },
        ],
        enforce_policies: true,
        token_dialect: 'access_token_authz',
        allow_offline_access: true,
      },
      {
        identifier: LEDGER,
        name: 'Ledger API',
        scopes: [{ value: 'read:ledger', description: 'Read the ledger' }],
        skip_consent_for_verifiable_first_party_clients: false,
      },
    ],
    roles: [
      { name: 'reader', description: 'Reads reports', permissions: [{ resource_server_identifier: REPORTS, permission_name: 'read:reports' }] },
      {
        name: 'editor',
        permissions: [
          { resource_server_identifier: REPORTS, permission_name: 'read:reports' },
          { resource_server_identifier: REPORTS, permission_name: 'write:reports' },
        ],
      },
    ],
    users: [
      // Alice: a role, and one permission held directly.
      { ...base.users[0]!, roles: ['reader'], permissions: [{ resource_server_identifier: REPORTS, permission_name: 'delete:reports' }] },
      // Bob: nothing.
      base.users[1]!,
      { email: CAROL.email, password: CAROL.password, roles: ['editor', 'reader'] },
    ],
  };
}

describe('RBAC: APIs, permissions and roles', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ tenant: rbacTenant() });
  });
  after(() => server.close());

  it('with enforce_policies on, grants only the requested scopes the user holds (via a role or directly)', async () => {
    const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid read:reports write:reports delete:reports', audience: REPORTS }, ALICE);
    assert.equal(tokens.body.scope, 'openid read:reports delete:reports');
    assert.equal(tokens.access.scope, 'openid read:reports delete:reports');
    assert.deepEqual(tokens.access.aud, [REPORTS, `${server.issuer}userinfo`]);
  });

  it('gives a user without permissions none of the API scopes (and no error: RFC 6749 §3.3)', async () => {
    const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid read:reports write:reports', audience: REPORTS }, BOB);
    assert.equal(tokens.access.scope, 'openid');
    assert.deepEqual(tokens.access.permissions, []);
  });

  it('puts every permission the user holds for the API in `permissions` (access_token_authz), whatever was requested', async () => {
    const alice = await signInForTokens(server, WEB_APP, { scope: 'openid', audience: REPORTS }, ALICE);
    assert.equal(alice.access.scope, 'openid');
    assert.deepEqual(alice.access.permissions, ['delete:reports', 'read:reports']);
    // Two roles sharing a permission: it is listed once.
    const carol = await signInForTokens(server, WEB_APP, { scope: 'read:reports write:reports delete:reports', audience: REPORTS }, CAROL);
    assert.equal(carol.access.scope, 'read:reports write:reports');
    assert.deepEqual(carol.access.permissions, ['read:reports', 'write:reports']);
  });

  it('with enforce_policies off, grants the requested scopes the API defines, and adds no permissions claim', async () => {
    const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid read:messages write:messages nope', audience: API }, BOB);
    assert.equal(tokens.access.scope, 'openid read:messages write:messages');
    assert.equal('permissions' in tokens.access, false);
  });

  it('takes a removed permission away at the next refresh', async () => {
    const browser = new Browser();
    const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid offline_access read:reports delete:reports', audience: REPORTS }, ALICE, browser);
    assert.equal(tokens.access.scope, 'openid offline_access read:reports delete:reports');
    const alice = (await server.storage.users.findByEmail(ALICE.email))!;
    await server.storage.permissions.setDirect(alice.user_id, []);
    try {
      const refreshed = await postToken(
        server,
        { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string },
        { authorization: `Basic ${Buffer.from(`${WEB_APP.client_id}:${WEB_APP.client_secret}`).toString('base64')}` },
      );
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const access = decodeJwt(refreshed.body.access_token as string).payload;
      assert.equal(access.scope, 'openid offline_access read:reports');
      assert.deepEqual(access.permissions, ['read:reports']);
    } finally {
      await server.storage.permissions.setDirect(alice.user_id, [{ resource_server_identifier: REPORTS, permission_name: 'delete:reports' }]);
    }
  });

  it('asks a third-party client consent only for the scopes the user may get', async () => {
    const { page } = await reachConsentPage(server, new Browser(), THIRD_PARTY_APP, { scope: 'openid read:reports write:reports', audience: REPORTS }, ALICE);
    assert.ok(page, 'a consent page');
    assert.match(page.text, /Read your reports <code>read:reports<\/code>/);
    assert.doesNotMatch(page.text, /write:reports/);
  });
});

describe('consent for API permissions', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ tenant: rbacTenant() });
  });
  after(() => server.close());

  it('shows each permission with its description, and later asks only for what was not granted yet', async () => {
    const browser = new Browser();
    const first = await reachConsentPage(server, browser, THIRD_PARTY_APP, { scope: 'openid read:messages', audience: API }, BOB);
    assert.ok(first.page);
    assert.match(first.page.text, /Read messages <code>read:messages<\/code>/);
    assert.match(first.page.text, /on <strong>Example API<\/strong>/);
    await signInForTokens(server, THIRD_PARTY_APP, { scope: 'openid read:messages', audience: API }, { ...BOB, consent: 'accept' }, browser);

    // Asking for more: the page lists the difference only.
    const more = await reachConsentPage(server, browser, THIRD_PARTY_APP, { scope: 'openid read:messages write:messages', audience: API }, BOB);
    assert.ok(more.page, 'consent is asked again for the new scope');
    assert.match(more.page.text, /Write messages <code>write:messages<\/code>/);
    assert.doesNotMatch(more.page.text, /read:messages/);
    assert.doesNotMatch(more.page.text, /<code>openid<\/code>/);
    const tokens = await signInForTokens(server, THIRD_PARTY_APP, { scope: 'openid read:messages write:messages', audience: API }, { ...BOB, consent: 'accept' }, browser);
    assert.equal(tokens.access.scope, 'openid read:messages write:messages');

    // Everything granted: straight back to the client.
    const again = await reachConsentPage(server, browser, THIRD_PARTY_APP, { scope: 'read:messages write:messages', audience: API }, BOB);
    assert.equal(again.page, undefined);
    assert.ok(again.response.location?.startsWith(THIRD_PARTY_APP.callback), again.response.location);
    const consent = await server.storage.consents.find('auth0|bob0000000000000000000001', THIRD_PARTY_APP.client_id, API);
    assert.deepEqual(new Set(consent?.scopes), new Set(['openid', 'read:messages', 'write:messages']));
  });

  it('asks a first-party client for an API that does not allow skipping consent, for its permissions only', async () => {
    const browser = new Browser();
    const { page } = await reachConsentPage(server, browser, WEB_APP, { scope: 'openid profile read:ledger', audience: LEDGER }, ALICE);
    assert.ok(page, 'first-party, but skip_consent_for_verifiable_first_party_clients is false');
    assert.match(page.text, /Read the ledger <code>read:ledger<\/code>/);
    assert.doesNotMatch(page.text, /<code>openid<\/code>|<code>profile<\/code>/);
  });

  it('lets a first-party client skip consent for an API that allows it (the default)', async () => {
    const { page, response } = await reachConsentPage(server, new Browser(), WEB_APP, { scope: 'openid read:messages', audience: API }, ALICE);
    assert.equal(page, undefined);
    assert.ok(response.location?.startsWith(WEB_APP.callback));
  });
});
