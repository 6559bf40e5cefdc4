import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import type { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { Browser } from '../helpers/browser.js';
import { lifecycleTenant, revoke, signInForTokens } from '../helpers/lifecycle.js';
import { startTestServer, TestClock, WEB_APP } from '../helpers/test-server.js';

const TABLES = ['authorization_codes', 'interactions', 'sessions', 'refresh_tokens', 'revoked_access_tokens', 'grants'] as const;

describe('housekeeping', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();

  before(async () => {
    server = await startTestServer({ tenant: lifecycleTenant(), clock });
  });
  after(() => server.close());

  async function counts(): Promise<Record<(typeof TABLES)[number], number>> {
    const { db } = server.storage as KyselyStorage;
    const result = {} as Record<(typeof TABLES)[number], number>;
    for (const table of TABLES) {
      const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      result[table] = Number(row.n);
    }
    return result;
  }

  it('purges expired codes, login transactions, sessions, refresh tokens, revoked token ids and spent grants, and keeps live ones', async () => {
    const signedIn = await signInForTokens(server);
    assert.equal((await revoke(server, signedIn.accessToken)).status, 200);
    // A login transaction nobody finishes.
    const params = { response_type: 'code', client_id: WEB_APP.client_id, scope: 'openid' };
    const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    await new Browser().get(`${server.issuer}authorize?${new URLSearchParams({ ...params, ...pkce })}`);
    const before = await counts();
    for (const table of TABLES) assert.ok(before[table] > 0, table);

    // Nothing has expired yet.
    await server.purgeExpired();
    assert.deepEqual(await counts(), before);

    // Past every lifetime: 30 days for the refresh token, plus a day for the access tokens it brought.
    clock.advance(31 * 86_400 + 1);
    const live = await signInForTokens(server);
    const purged = await server.purgeExpired();
    assert.ok(Object.values(purged).every((n) => n >= 0));
    assert.deepEqual(await counts(), {
      authorization_codes: 1, // the live sign-in's code, kept for replay detection
      interactions: 0,
      sessions: 1,
      refresh_tokens: 1,
      revoked_access_tokens: 0,
      grants: 1,
    });
    assert.equal(purged.refresh_tokens, 1);
    assert.equal(purged.unused_grants, 1);
    assert.ok(typeof live.refreshToken === 'string');
  });
});
