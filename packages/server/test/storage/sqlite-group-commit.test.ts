import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { GroupCommitSqliteDialect } from '../../src/storage/kysely/sqlite-group-commit.js';

interface TestDatabase {
  items: { id: string; note: string };
}

describe('SQLite group commit', () => {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-group-commit-'));
  let file: string;
  let db: Kysely<TestDatabase>;
  /** Another connection to the same file: it sees committed rows only. */
  let observer: SQLite.Database;
  let files = 0;
  const committed = () => (observer.prepare('select id from items order by id').all() as { id: string }[]).map((row) => row.id);
  const insert = (id: string) => db.insertInto('items').values({ id, note: '' }).execute();

  beforeEach(async () => {
    file = join(folder, `db-${++files}.sqlite`);
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table items (id text primary key, note text not null)');
    db = new Kysely<TestDatabase>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    observer = new SQLite(file, { readonly: true });
  });
  after(async () => {
    await db.destroy();
    observer.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('commits the writes of one turn of the event loop together, and settles each only once committed', async () => {
    const settledSeeing: string[][] = [];
    const writes = ['a', 'b', 'c'].map((id) => insert(id).then(() => settledSeeing.push(committed())));
    assert.deepEqual(committed(), [], 'nothing is committed within the turn');
    await Promise.all(writes);
    assert.deepEqual(settledSeeing, [['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]);

    await insert('d');
    assert.deepEqual(committed(), ['a', 'b', 'c', 'd'], 'a later write gets a batch of its own');
  });

  it('reads its own batch: the same connection sees a write before its commit', async () => {
    const write = insert('a');
    const rows = await db.selectFrom('items').select('id').execute();
    assert.deepEqual(rows, [{ id: 'a' }]);
    await write;
  });

  it('refuses a failing write alone: the rest of its batch commits', async () => {
    await insert('taken');
    const results = await Promise.allSettled([insert('a'), insert('taken'), insert('b')]);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE constraint failed/);
    assert.deepEqual(committed(), ['a', 'b', 'taken']);
  });

  it('refuses every write of a batch that SQLite rolls back whole', async () => {
    // A trigger that ends the whole transaction stands for a disk that fails mid-batch.
    await sql`create trigger doom before insert on items when new.id = 'doom' begin select raise(rollback, 'the transaction is lost'); end`.execute(db);
    const results = await Promise.allSettled([insert('a'), insert('b'), insert('doom')]);
    assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(committed(), []);
    await insert('c');
    assert.deepEqual(committed(), ['c'], 'the next batch starts afresh');
  });

  it('refuses every write of a batch whose commit fails, rolls it back, and commits the next', async () => {
    // A deferred foreign key is checked at COMMIT: a batch holding one dangling reference cannot commit.
    await sql`pragma foreign_keys = on`.execute(db);
    await sql`create table links (id text primary key, item text references items(id) deferrable initially deferred)`.execute(db);
    const link = (id: string, item: string) => sql`insert into links (id, item) values (${id}, ${item})`.execute(db);
    const results = await Promise.allSettled([insert('a'), link('l1', 'a'), link('l2', 'missing')]);
    assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected', 'rejected']);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /FOREIGN KEY constraint failed/);
    assert.deepEqual(committed(), []);
    await Promise.all([insert('b'), link('l3', 'b')]);
    assert.deepEqual(committed(), ['b'], 'the failed batch was rolled back, and the next one commits');
  });

  it('runs a Kysely transaction alone: the open batch commits first, other queries wait for its end', async () => {
    const before = insert('before');
    let outsideDone = false;
    let outside: Promise<unknown> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 'inside', note: '' }).execute();
      outside = insert('outside').then(() => (outsideDone = true));
      await nextTurn();
      await nextTurn();
      assert.equal(outsideDone, false, 'a write from outside waits for the transaction');
      assert.deepEqual(committed(), ['before'], 'the batch open at the start was committed first');
    });
    await before;
    await outside;
    assert.equal(outsideDone, true);
    assert.deepEqual(committed(), ['before', 'inside', 'outside']);
  });

  it('holds the write lock for the whole of a Kysely transaction, so its read-then-write sees no newer commit', async () => {
    // A connection of its own, as another process (a second worker, a management command) has.
    const otherProcess = new SQLite(file);
    otherProcess.pragma('busy_timeout = 0');
    await insert('existing');
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('items').select('id').execute();
      assert.throws(() => otherProcess.prepare("insert into items (id, note) values ('theirs', '')").run(), /database is locked/);
      await trx.updateTable('items').set({ note: 'read, then written' }).where('id', '=', 'existing').execute();
    });
    otherProcess.prepare("insert into items (id, note) values ('theirs', '')").run();
    otherProcess.close();
    assert.deepEqual(committed(), ['existing', 'theirs']);
  });

  it('refuses a Kysely transaction another process keeps from its lock, and serves the next', async () => {
    const sqlite = new SQLite(file);
    sqlite.pragma('busy_timeout = 0');
    const impatient = new Kysely<TestDatabase>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    const otherProcess = new SQLite(file);
    otherProcess.exec('begin immediate');
    const inTransaction = () =>
      impatient.transaction().execute((trx) => trx.insertInto('items').values({ id: 'inside', note: '' }).execute());
    await assert.rejects(inTransaction(), /database is locked/);
    otherProcess.exec('commit');
    otherProcess.close();
    await inTransaction();
    await impatient.insertInto('items').values({ id: 'after', note: '' }).execute();
    await impatient.destroy();
    assert.deepEqual(committed(), ['after', 'inside']);
  });

  it('undoes a Kysely transaction that throws, and nothing else', async () => {
    await insert('kept');
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 'undone', note: '' }).execute();
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    await insert('after');
    assert.deepEqual(committed(), ['after', 'kept']);
  });

  describe('with a second connection to the file in the same process', () => {
    let other: Kysely<TestDatabase>;
    const insertOther = (id: string) => other.insertInto('items').values({ id, note: '' }).execute();

    beforeEach(() => {
      const sqlite = new SQLite(file);
      // Were it to wait on the lock, it would wait this long and fail: the batch commits on this thread.
      sqlite.pragma('busy_timeout = 200');
      other = new Kysely<TestDatabase>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    });
    afterEach(() => other.destroy());

    it('commits the open batch before the other connection writes, and loses neither', async () => {
      const first = insert('a');
      const second = insertOther('b');
      await Promise.all([first, second]);
      assert.deepEqual(committed(), ['a', 'b']);
    });

    it('waits without blocking for the transaction of the other connection to end', async () => {
      let outside: Promise<unknown> | undefined;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 'inside', note: '' }).execute();
        outside = insertOther('outside');
        // The transaction goes on over several turns while the other connection waits.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await trx.insertInto('items').values({ id: 'inside-later', note: '' }).execute();
      });
      await outside;
      assert.deepEqual(committed(), ['inside', 'inside-later', 'outside']);
    });

    it('begins a transaction once the batch of the other connection is committed', async () => {
      const batched = insertOther('batched');
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 'inside', note: '' }).execute();
      });
      await batched;
      assert.deepEqual(committed(), ['batched', 'inside']);
    });
  });

  it('commits an open batch when Kysely is destroyed', async () => {
    const sqlite = new SQLite(join(folder, 'destroyed.sqlite'));
    sqlite.exec('create table items (id text primary key, note text not null)');
    const own = new Kysely<TestDatabase>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    const write = own.insertInto('items').values({ id: 'last', note: '' }).execute();
    // A read queued after the write runs after it, within the same turn: the batch is still open.
    await own.selectFrom('items').selectAll().execute();
    await own.destroy();
    await write;
    const reopened = new SQLite(join(folder, 'destroyed.sqlite'), { readonly: true });
    assert.deepEqual(reopened.prepare('select id from items').all(), [{ id: 'last' }]);
    reopened.close();
  });

  it('writes the pages of a batch to the log once: four writes cost what one does', async () => {
    const logBytes = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    const grows = async (write: () => Promise<unknown>) => {
      const start = logBytes();
      await write();
      return logBytes() - start;
    };
    await insert('warm-up');
    const one = await grows(() => insert('a'));
    assert.ok(one > 0);
    assert.equal(await grows(() => Promise.all(['b', 'c', 'd', 'e'].map(insert))), one, 'one commit for four writes');
    assert.equal(
      await grows(async () => {
        for (const id of ['f', 'g', 'h', 'i']) await insert(id);
      }),
      4 * one,
      'a commit per turn',
    );
  });
});
