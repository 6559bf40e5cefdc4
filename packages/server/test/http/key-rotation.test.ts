import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { KeyEncryption } from '../../src/crypto/key-encryption.js';
import { generateStoredKey, rotateSigningKeys } from '../../src/crypto/keys.js';
import { startLatchkey, type RunningLatchkey } from '../../src/server.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { Browser } from '../helpers/browser.js';
import { decodeJwt, getUserinfo, postToken } from '../helpers/flows.js';
import { introspect, lifecycleTenant, M2M, m2mAuth, refresh, signInForTokens } from '../helpers/lifecycle.js';
import { createPostgresDatabase, testBackend, type TestDatabase } from '../helpers/test-database.js';
import { API, startTestServer, TestClock, WEB_APP } from '../helpers/test-server.js';

const SECRET = 'test-secret-for-signing-keys-0123456789abcdef';
const ES256_API = 'https://es256.example.test/';
const EDDSA_API = 'https://eddsa.example.test/';

function tenantWithAlgorithms() {
  const tenant = lifecycleTenant();
  return {
    ...tenant,
    resourceServers: [
      ...tenant.resourceServers,
      { identifier: ES256_API, name: 'ES256 API', signing_alg: 'ES256', scopes: [{ value: 'read', description: 'Read' }] },
      { identifier: EDDSA_API, name: 'EdDSA API', signing_alg: 'EdDSA', scopes: [{ value: 'read', description: 'Read' }] },
    ],
    clientGrants: [
      ...tenant.clientGrants,
      { client_id: M2M.client_id, audience: ES256_API, scope: ['read'] },
      { client_id: M2M.client_id, audience: EDDSA_API, scope: ['read'] },
    ],
  };
}

async function jwks(server: RunningLatchkey): Promise<JSONWebKeySet> {
  return (await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet;
}

const kidOf = (token: string) => decodeJwt(token).header.kid as string;

describe('signing key rotation', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();

  before(async () => {
    server = await startTestServer({ tenant: tenantWithAlgorithms(), clock, secret: SECRET });
  });
  after(() => server.close());

  it('C1.1 C1.2 after a rotation JWKS has the new kid beside the old, new tokens use it, and older tokens keep working', async () => {
    const signedIn = await signInForTokens(server, { scope: 'openid offline_access read:messages' });
    const oldKid = kidOf(signedIn.accessToken);
    assert.equal(kidOf(signedIn.idToken!), oldKid);

    const { kid: newKid, retired } = await rotateSigningKeys(server.storage.signingKeys, 'RS256', {
      encryption: KeyEncryption.fromSecret(SECRET),
      now: clock.now(),
    });
    assert.deepEqual(retired, [oldKid]);
    assert.notEqual(newKid, oldKid);
    await server.ctx.keys.reload(); // what the 30-second reload does

    const kids = (await jwks(server)).keys.map((k) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(newKid), JSON.stringify(kids));
    assert.equal(new Set(kids).size, kids.length, 'every kid is unique');

    // Tokens signed before the rotation: userinfo, id_token_hint and refresh still accept them.
    assert.equal((await getUserinfo(server, signedIn.accessToken)).status, 200);
    const silent = await signedIn.browser.get(
      `${server.issuer}authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: WEB_APP.client_id,
        redirect_uri: WEB_APP.callback,
        scope: 'openid',
        prompt: 'none',
        id_token_hint: signedIn.idToken!,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
    );
    assert.ok(new URL(silent.location!).searchParams.get('code'), silent.location);

    const refreshed = await refresh(server, signedIn.refreshToken!);
    assert.equal(refreshed.status, 200);
    assert.equal(kidOf(refreshed.body.access_token as string), newKid);
    assert.equal(kidOf(refreshed.body.id_token as string), newKid);
    const verified = await jwtVerify(refreshed.body.id_token as string, createLocalJWKSet(await jwks(server)), { issuer: server.issuer });
    assert.equal(verified.protectedHeader.kid, newKid);

    // C1.1: once every token the old key signed has expired (the longest lifetime is a day), it leaves JWKS.
    clock.advance(86_400);
    await server.ctx.keys.reload();
    assert.ok(!(await jwks(server)).keys.some((k) => k.kid === oldKid));
    assert.equal((await getUserinfo(server, signedIn.accessToken)).status, 401);
  });

  it('A9.3 every token names its kid; APIs set to ES256 or EdDSA get tokens signed with those algorithms', async () => {
    const keySet = createLocalJWKSet(await jwks(server));
    for (const [audience, alg] of [[API, 'RS256'], [ES256_API, 'ES256'], [EDDSA_API, 'EdDSA']] as const) {
      const call = await postToken(server, { grant_type: 'client_credentials', audience }, { authorization: m2mAuth() });
      assert.equal(call.status, 200, JSON.stringify(call.body));
      const { protectedHeader } = await jwtVerify(call.body.access_token as string, keySet, { issuer: server.issuer, audience, typ: 'at+jwt' });
      assert.equal(protectedHeader.alg, alg);
      assert.equal(typeof protectedHeader.kid, 'string');
    }
    const discovery = (await (await fetch(`${server.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual([...(discovery.id_token_signing_alg_values_supported as string[])].sort(), ['ES256', 'EdDSA', 'RS256']);
  });

  it('keeps private keys encrypted at rest, and publishes no private member', async () => {
    const rows = await (server.storage as KyselyStorage).db.selectFrom('signing_keys').selectAll().execute();
    assert.ok(rows.length >= 3);
    for (const row of rows) {
      assert.equal(row.private_jwk.split('.').length, 5, 'a compact JWE');
      assert.ok(!row.private_jwk.includes('"d"'));
    }
    for (const key of (await jwks(server)).keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal((key as Record<string, unknown>)[member], undefined);
    }
  });
});

describe('signing keys shared by several server processes', () => {
  let dir: string;
  let database: TestDatabase;
  let first: RunningLatchkey;
  let second: RunningLatchkey | undefined;
  /** A key an earlier version stored in clear, before the first server started. */
  let plain: Awaited<ReturnType<typeof generateStoredKey>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-keys-'));
    database = testBackend() === 'postgres'
      ? await createPostgresDatabase()
      : { url: `sqlite:${join(dir, 'shared.db')}`, drop: async () => {} };
    const storage = await KyselyStorage.open(database.url);
    plain = await generateStoredKey('RS256');
    await storage.signingKeys.insert(plain);
    await storage.close();
    first = await startLatchkey({ tenant: lifecycleTenant(), database: database.url, secret: SECRET });
  });
  after(async () => {
    await second?.close();
    await first.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('encrypts keys stored in clear by an earlier version, and refuses to start with another secret', async () => {
    const row = await (first.storage as KyselyStorage).db.selectFrom('signing_keys').selectAll().where('kid', '=', plain.kid).executeTakeFirstOrThrow();
    assert.notEqual(row.private_jwk, plain.private_jwk);
    assert.equal(row.private_jwk.split('.').length, 5);

    await assert.rejects(
      startLatchkey({ database: database.url, secret: 'another-secret-of-at-least-32-characters' }),
      /cannot be decrypted: LATCHKEY_SECRET/,
    );
  });

  it('C1.1 a server trusts a key another process added as soon as a token names it', async () => {
    second = await startLatchkey({ database: database.url, secret: SECRET, issuer: first.issuer });
    const { kid } = await rotateSigningKeys(second.storage.signingKeys, 'RS256', { encryption: KeyEncryption.fromSecret(SECRET) });
    await second.ctx.keys.reload();
    assert.ok(!(await jwks(first)).keys.some((k) => k.kid === kid), 'the first server has not reloaded yet');

    // The second process shares the first one's issuer; requests go to where it listens.
    const issued = await postToken({ ...second, issuer: second.url }, { grant_type: 'client_credentials', audience: API }, { authorization: m2mAuth() });
    assert.equal(kidOf(issued.body.access_token as string), kid);
    const described = await introspect(first, issued.body.access_token as string);
    assert.equal(described.body.active, true, JSON.stringify(described.body));
    assert.ok((await jwks(first)).keys.some((k) => k.kid === kid));

    // Its own new tokens are signed with the new key from now on.
    const browser = new Browser();
    const signedIn = await signInForTokens(first, { browser });
    assert.equal(kidOf(signedIn.accessToken), kid);
  });
});
