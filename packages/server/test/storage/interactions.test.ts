import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Interaction, PostLoginState } from '../../src/protocol/model.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { createTestDatabase, serviceSkipReason, type TestBackend, type TestDatabase } from '../helpers/test-database.js';

const customization = { id_token_claims: {}, access_token_claims: {}, add_scopes: [], remove_scopes: [] };
const redirected: PostLoginState = { status: 'redirected', action_index: 0, action_name: 'terms', nonce: 'n-1', customization };

for (const backend of ['sqlite', 'postgres'] as const satisfies readonly TestBackend[]) {
  const skip = backend === 'postgres' ? await serviceSkipReason('postgres') : undefined;

  describe(`login transactions on ${backend}`, { skip }, () => {
    let database: TestDatabase;
    let storage: KyselyStorage;
    const interaction: Interaction = {
      id: 'tx-1',
      request: {
        client_id: 'app1', redirect_uri: 'https://rp.test/cb', redirect_uri_given: true, response_type: 'code',
        response_mode: 'query', scope: ['openid'], prompt: [],
      },
      user_id: 'auth0|alice',
      session_sid: 'sid-1',
      auth_time: 1,
      created_at: 1,
      expires_at: 4_000_000_000,
    };
    before(async () => {
      database = await createTestDatabase(backend);
      storage = await KyselyStorage.open(database.url);
      await storage.interactions.create(interaction);
      await storage.interactions.setPostLogin(interaction.id, redirected);
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    it('lets exactly one of several racing callers resume a paused post-login', async () => {
      const results = await Promise.all([1, 2, 3].map(() => storage.interactions.replacePostLogin(interaction.id, redirected, null)));
      assert.deepEqual(results.sort(), [false, false, true]);
      assert.equal((await storage.interactions.find(interaction.id))?.post_login ?? null, null);
    });

    it('refuses a replacement when the state is no longer the one expected', async () => {
      await storage.interactions.setPostLogin(interaction.id, { ...redirected, nonce: 'n-2' });
      assert.equal(await storage.interactions.replacePostLogin(interaction.id, redirected, null), false);
      assert.equal((await storage.interactions.find(interaction.id))?.post_login?.status, 'redirected');
    });
  });
}
