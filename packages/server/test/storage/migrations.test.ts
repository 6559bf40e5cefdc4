import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { isMigrated, migrateToLatest, openDatabase } from '../../src/storage/kysely/database.js';
import { createTestDatabase, serviceSkipReason, type TestBackend } from '../helpers/test-database.js';

const migrationCount = async (url: string) => {
  const { db } = openDatabase(url);
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    return rows.map((r) => r.name);
  } finally {
    await db.destroy();
  }
};

for (const backend of ['sqlite', 'postgres'] as const satisfies readonly TestBackend[]) {
  const skip = backend === 'postgres' ? await serviceSkipReason('postgres') : undefined;

  describe(`migrations on ${backend}`, { skip }, () => {
    it('reports an empty database as not migrated, then migrated', async () => {
      const database = await createTestDatabase(backend);
      const { db } = openDatabase(database.url);
      try {
        assert.equal(await isMigrated(db), false);
        const applied = await migrateToLatest(db);
        assert.ok(applied.includes('2026-11-21T1600-security-events'), applied.join());
        assert.equal(await isMigrated(db), true);
        assert.deepEqual(await migrateToLatest(db), [], 'a second run applies nothing');
      } finally {
        await db.destroy();
        await database.drop();
      }
    });

    it('keeps running on a database a newer version migrated further (rolling update, rollback)', async () => {
      const database = await createTestDatabase(backend);
      const { db } = openDatabase(database.url);
      try {
        await migrateToLatest(db);
        await sql`insert into kysely_migration (name, timestamp) values ('2999-01-01T0000-from-a-newer-version', '2999-01-01T00:00:00.000Z')`.execute(db);
        assert.deepEqual(await migrateToLatest(db), []);
        assert.equal(await isMigrated(db), true);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });

    it('sees a database that lacks one of its migrations as not ready', async () => {
      const database = await createTestDatabase(backend);
      const { db } = openDatabase(database.url);
      try {
        await migrateToLatest(db);
        await sql`delete from kysely_migration where name = '2026-11-21T1600-security-events'`.execute(db);
        assert.equal(await isMigrated(db), false);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });

    if (backend === 'postgres') {
      it('lets several instances migrate one empty database at the same time', async () => {
        const database = await createTestDatabase(backend);
        const opened = [1, 2, 3, 4].map(() => openDatabase(database.url).db);
        try {
          const results = await Promise.all(opened.map((db) => migrateToLatest(db)));
          const names = await migrationCount(database.url);
          assert.equal(new Set(names).size, names.length, 'each migration recorded once');
          assert.equal(results.flat().length, names.length, 'each migration applied by exactly one instance');
        } finally {
          await Promise.all(opened.map((db) => db.destroy()));
          await database.drop();
        }
      });
    }
  });
}
