import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, SQLITE_CACHE_KIB } from '../../src/storage/kysely/database.js';

const cacheSize = async (url: string) => {
  const { db } = openDatabase(url);
  try {
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
    return rows[0]?.cache_size;
  } finally {
    await db.destroy();
  }
};

describe('SQLite page cache', () => {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-page-cache-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("is bounded for a file, below better-sqlite3's 16 MiB", async () => {
    assert.equal(await cacheSize(`sqlite:${join(folder, 'db.sqlite')}`), -SQLITE_CACHE_KIB);
    assert.ok(SQLITE_CACHE_KIB < 16_000);
  });

  it('is left alone for an in-memory database, which lives in it', async () => {
    assert.equal(await cacheSize('sqlite::memory:'), -16_000);
  });
});
