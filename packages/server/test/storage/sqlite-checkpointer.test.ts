import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/kysely/database.js';
import { CHECKPOINT_INTERVAL_MS, FALLBACK_AUTOCHECKPOINT_PAGES, startSqliteCheckpointer } from '../../src/storage/kysely/sqlite-checkpointer.js';

describe('SQLite write-ahead log checkpoints', () => {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-checkpoint-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("are made by a background thread, far below the serving connection's own threshold", async () => {
    const file = join(folder, 'db.sqlite');
    const { db } = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: true });
    try {
      await sql`create table t (id integer primary key, v text)`.execute(db);
      const sizeBefore = statSync(file).size;
      // About 250 pages of log: far below the fallback, so only the thread can have moved them.
      for (let i = 0; i < 1000; i++) await sql`insert into t (v) values (${'x'.repeat(1000)})`.execute(db);
      const walPages = statSync(`${file}-wal`).size / 4096;
      assert.ok(walPages < FALLBACK_AUTOCHECKPOINT_PAGES, `the log holds ${walPages} pages`);
      let sizeAfter = statSync(file).size;
      for (let waited = 0; sizeAfter <= sizeBefore + 500_000 && waited < 10 * CHECKPOINT_INTERVAL_MS; waited += 100) {
        await sleep(100);
        sizeAfter = statSync(file).size;
      }
      assert.ok(sizeAfter > sizeBefore + 500_000, `the database file grew from ${sizeBefore} to ${sizeAfter} bytes`);
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
      assert.equal(rows[0]?.n, 1000);
    } finally {
      await db.destroy();
    }
  });

  it('report a thread that cannot open the file, and the server goes on', async () => {
    // The thread does not keep a process alive (a server does); this test does, while it waits.
    const keepAlive = setTimeout(() => {}, 10_000);
    try {
      const reported = new Promise<string>((resolve) => {
        startSqliteCheckpointer(join(folder, 'missing', 'db.sqlite'), resolve);
      });
      assert.match(await reported, /directory does not exist|unable to open|no such file/i);
    } finally {
      clearTimeout(keepAlive);
    }
  });

  it('are left to SQLite in a one-off command', async () => {
    const file = join(folder, 'command.sqlite');
    const { db } = openDatabase(`sqlite:${file}`);
    try {
      await sql`create table t (id integer primary key, v text)`.execute(db);
      const sizeBefore = statSync(file).size;
      for (let i = 0; i < 200; i++) await sql`insert into t (v) values (${'x'.repeat(1000)})`.execute(db);
      await sleep(3 * CHECKPOINT_INTERVAL_MS);
      assert.equal(statSync(file).size, sizeBefore, 'no thread moved the log into the file');
    } finally {
      await db.destroy();
    }
  });
});
