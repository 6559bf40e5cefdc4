import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SecurityEvent } from '../../src/protocol/events/security-event.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { createTestDatabase, serviceSkipReason, type TestBackend, type TestDatabase } from '../helpers/test-database.js';

function event(overrides: Partial<SecurityEvent>): SecurityEvent {
  return {
    id: `evt-${Math.random().toString(36).slice(2)}`,
    date: 1_800_000_000,
    type: 's',
    description: 'Success Login',
    client_id: 'app1',
    client_name: 'Web App',
    user_id: 'auth0|alice',
    user_name: 'alice@example.test',
    ip: '203.0.113.7',
    user_agent: 'test-agent',
    details: null,
    ...overrides,
  };
}

for (const backend of ['sqlite', 'postgres'] as const satisfies readonly TestBackend[]) {
  const skip = backend === 'postgres' ? await serviceSkipReason('postgres') : undefined;

  describe(`security event log on ${backend}`, { skip }, () => {
    let database: TestDatabase;
    let storage: KyselyStorage;
    before(async () => {
      database = await createTestDatabase(backend);
      storage = await KyselyStorage.open(database.url);
      await storage.securityEvents.record(event({ id: 'a', date: 100, type: 'fp', user_id: 'auth0|alice', description: 'Wrong password', details: { attempt: 1 } }));
      await storage.securityEvents.record(event({ id: 'b', date: 200, type: 's' }));
      await storage.securityEvents.record(event({ id: 'c', date: 300, type: 'fu', user_id: null, user_name: 'nobody@example.test', ip: '198.51.100.1' }));
      await storage.securityEvents.record(event({ id: 'd', date: 400, type: 'seacft', client_id: 'partner', client_name: 'Partner' }));
      await storage.securityEvents.record(event({ id: 'e', date: 400, type: 'sccft', client_id: 'm2m', user_id: null, user_name: null }));
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    it('writes events in batches, in order, and flushes before reading', async () => {
      for (let i = 0; i < 450; i++) await storage.securityEvents.record(event({ id: `batch-${String(i).padStart(3, '0')}`, date: 50, type: 'sccft' }));
      const batch = await storage.securityEvents.list({ types: ['sccft'], to: 51, limit: 1000 });
      assert.equal(batch.length, 450);
      await storage.securityEvents.deleteBefore(51, 1000);
    });

    it('reports a lost background write to onWriteError instead of failing record()', async () => {
      const lost: string[] = [];
      const broken = await KyselyStorage.open(database.url);
      broken.securityEvents.onWriteError = (_error, events) => lost.push(...events.map((e) => e.id));
      await broken.db.destroy();
      await broken.securityEvents.record(event({ id: 'lost-1' }));
      await broken.securityEvents.flush();
      assert.deepEqual(lost, ['lost-1']);
    });

    it('lists newest first, keeping every field', async () => {
      const events = await storage.securityEvents.list();
      assert.deepEqual(events.map((e) => e.id), ['e', 'd', 'c', 'b', 'a']);
      const oldest = events.at(-1)!;
      assert.equal(oldest.type, 'fp');
      assert.equal(oldest.description, 'Wrong password');
      assert.deepEqual(oldest.details, { attempt: 1 });
      assert.equal(oldest.ip, '203.0.113.7');
      assert.equal(oldest.user_agent, 'test-agent');
      assert.equal(typeof oldest.date, 'number');
    });

    it('filters by type, user (id or email), client, IP and time, with a limit', async () => {
      const ids = async (filter: Parameters<typeof storage.securityEvents.list>[0]) =>
        (await storage.securityEvents.list(filter)).map((e) => e.id);
      assert.deepEqual(await ids({ types: ['fp', 'fu'] }), ['c', 'a']);
      assert.deepEqual(await ids({ user: 'nobody@example.test' }), ['c']);
      assert.deepEqual(await ids({ user: 'NOBODY@example.test' }), ['c']);
      assert.deepEqual(await ids({ user: 'auth0|alice' }), ['d', 'b', 'a']);
      assert.deepEqual(await ids({ clientId: 'partner' }), ['d']);
      assert.deepEqual(await ids({ ip: '198.51.100.1' }), ['c']);
      assert.deepEqual(await ids({ from: 200, to: 400 }), ['c', 'b']);
      assert.deepEqual(await ids({ limit: 2 }), ['e', 'd']);
    });

    it('deletes old events in bounded batches', async () => {
      assert.equal(await storage.securityEvents.deleteBefore(300, 1), 1);
      assert.equal(await storage.securityEvents.deleteBefore(300, 10), 1);
      assert.equal(await storage.securityEvents.deleteBefore(300, 10), 0);
      assert.deepEqual((await storage.securityEvents.list()).map((e) => e.id), ['e', 'd', 'c']);
    });
  });
}
