import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import { makeCertificates } from '../helpers/certificates.js';
import { ALICE, API, startTestServer, testTenant } from '../helpers/test-server.js';

const WEB = { client_id: 'auth0-sdk-web', client_secret: 'auth0-sdk-web-secret-at-least-32-chars', callback: 'https://app.example.test/callback' };
const M2M = { client_id: 'auth0-sdk-m2m', client_secret: 'auth0-sdk-m2m-secret-at-least-32-chars' };

/** The test tenant plus the two applications the SDK uses: it authenticates with client_secret_post only. */
function tenant() {
  const base = testTenant();
  return {
    ...base,
    clients: [
      ...base.clients,
      {
        client_id: WEB.client_id,
        client_secret: WEB.client_secret,
        name: 'Auth0 SDK web app',
        app_type: 'regular_web',
        callbacks: [WEB.callback],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
        is_first_party: true,
      },
      {
        client_id: M2M.client_id,
        client_secret: M2M.client_secret,
        name: 'Auth0 SDK machine',
        app_type: 'non_interactive',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    clientGrants: [{ client_id: M2M.client_id, audience: API, scope: ['read:messages'] }],
  };
}

/**
 * Auth0's own Node SDK (`auth0` on npm) against Latchkey. It only speaks https to the root of a
 * host (`https://<domain>/`), so Latchkey serves https itself with a certificate made for the test;
 * the SDK runs in a child process that trusts the test's CA through NODE_EXTRA_CA_CERTS.
 */
describe("Auth0's Node SDK over https", () => {
  let dir: string;
  let server: RunningLatchkey;
  let result: Record<string, Record<string, unknown> | undefined>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-auth0-sdk-'));
    const certificates = await makeCertificates(dir);
    server = await startTestServer({ tenant: tenant(), operations: { tls: { cert: certificates.certFile, key: certificates.keyFile } } });
    const domain = new URL(server.issuer).host;
    // Asynchronously: the server answering the SDK runs in this process.
    const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', new URL('../fixtures/auth0-sdk-client.ts', import.meta.url).pathname], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certificates.caFile,
        AUTH0_DOMAIN: domain,
        WEB_CLIENT_ID: WEB.client_id,
        WEB_CLIENT_SECRET: WEB.client_secret,
        WEB_CALLBACK: WEB.callback,
        M2M_CLIENT_ID: M2M.client_id,
        M2M_CLIENT_SECRET: M2M.client_secret,
        API_AUDIENCE: API,
        USER_EMAIL: ALICE.email,
        USER_PASSWORD: ALICE.password,
      },
    });
    result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as typeof result;
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https at the root of the host, as the issuer', () => {
    assert.match(server.issuer, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('exchanges a code with PKCE, the SDK validating the ID token (RS256, JWKS over https, iss, aud, nonce)', () => {
    const tokens = result.tokens!;
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.has_id_token, true);
    assert.equal(tokens.scope, 'openid profile email offline_access read:messages');
    const idToken = decodeJwt(tokens.id_token as string);
    assert.equal(idToken.iss, server.issuer);
    assert.equal(idToken.aud, WEB.client_id);
    assert.equal(idToken.nonce, 'auth0-sdk-nonce');
    const audience = decodeJwt(tokens.access_token as string).aud;
    assert.equal(Array.isArray(audience) ? audience[0] : audience, API);
  });

  it("reads the profile with the SDK's UserInfoClient", () => {
    const profile = result.profile!;
    assert.equal(profile.email, ALICE.email);
    assert.equal(profile.sub, decodeJwt(result.tokens!.id_token as string).sub);
  });

  it('refreshes (rotating the refresh token), revokes it, and is refused afterwards', () => {
    assert.deepEqual(result.refreshed, { has_access_token: true, rotated: true, has_id_token: true });
    assert.equal(result.afterRevocation?.error, 'invalid_grant');
    assert.equal(result.afterRevocation?.status, 400);
    assert.equal(result.replayedCode?.error, 'invalid_grant');
  });

  it('gets a machine-to-machine token with client credentials, and a wrong secret is invalid_client', () => {
    const machine = result.machine!;
    assert.equal(machine.token_type, 'Bearer');
    const claims = decodeJwt(machine.access_token as string);
    assert.equal(claims.sub, `${M2M.client_id}@clients`);
    assert.equal(claims.aud, API);
    assert.equal(claims.scope, 'read:messages');
    assert.equal(result.wrongSecret?.error, 'invalid_client');
    assert.equal(result.wrongSecret?.status, 401);
  });
});
