import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Pool } from 'pg';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { GroupCommitSqliteDialect } from './sqlite-group-commit.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
}

export interface DatabaseOptions {
  /** Most connections of a PostgreSQL pool (LATCHKEY_DATABASE_POOL_MAX), default 10. */
  poolMax?: number | undefined;
  /**
   * Checkpoint a SQLite file's write-ahead log from a thread of its own (see sqlite-checkpointer.ts):
   * for the serving process. A one-off command (`latchkey users create`) leaves it to SQLite, and
   * its log is checkpointed when it closes.
   */
  backgroundCheckpoints?: boolean | undefined;
}

/** The PostgreSQL pool behind a Kysely instance, for its metrics. */
const pools = new WeakMap<Kysely<Database>, Pool>();

/** Connections of the database's pool (PostgreSQL), or undefined (SQLite has one connection). */
export function poolStats(db: Kysely<Database>): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/**
 * Opens `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. The SQLite file's folder is created.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): OpenedDatabase {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error('LATCHKEY_DATABASE: sqlite: needs a path or :memory:');
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    // WAL lets readers proceed during writes; NORMAL sync is durable across application crashes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    let checkpointer: SqliteCheckpointer | undefined;
    if (path !== ':memory:') {
      // An in-memory database is its page cache: only a file's cache is bounded.
      sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
      // A serving process's log is checkpointed by a thread of its own; an in-memory database has no log.
      if (options.backgroundCheckpoints) {
        sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
        checkpointer = startSqliteCheckpointer(path);
      }
    }
    return { db: new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite, () => checkpointer?.stop()) }), dialect: 'sqlite' };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pg = loadPg();
    // Times are stored as bigint seconds; they fit a JavaScript number exactly.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: url, max: options.poolMax ?? 10 });
    // An idle connection the server dropped (restart, failover) is replaced on next use, not fatal.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    return { db, dialect: 'postgres' };
  }
  throw new Error(`LATCHKEY_DATABASE: unsupported database URL scheme in "${url.split(':')[0]}:" (use sqlite: or postgres://)`);
}

/**
 * The page cache of the serving connection, in KiB. better-sqlite3 builds SQLite with 16 MiB per
 * connection (SQLite's own default is 2 MiB), and the cache fills with every page the server
 * writes: the security event log alone grew it by 8 MiB over 30,000 tokens. The pages read on
 * every request (clients, keys, the latest codes and refresh tokens) fit in a few MiB; the rest
 * comes from the operating system's file cache: measured, random lookups in a 47 MB file took
 * 14 µs each with 4 MiB against 12.5 µs with 16 MiB.
 */
export const SQLITE_CACHE_KIB = 4096;

/**
 * node-postgres, loaded only when the database is PostgreSQL: a SQLite server does without its
 * modules (about 1.5 MB of heap). It is CommonJS, so `require` keeps `openDatabase` synchronous.
 */
function loadPg(): typeof import('pg') {
  return createRequire(import.meta.url)('pg') as typeof import('pg');
}

/** Names of the migrations applied to the database, in no particular order (none on a new database). */
async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === DEFAULT_MIGRATION_TABLE)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  return rows.map((row) => row.name);
}

/**
 * Applies the migrations this version knows and the database lacks. Migrations are additive and
 * independent, so they apply in any order (two written at the same time on different branches
 * both run). A database a newer version has migrated further is left as it is: during a rolling
 * update, or after a rollback, this version runs on the newer schema as long as its own migrations
 * are all there.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const known = Object.keys(await migrationProvider.getMigrations());
  const applied = await appliedMigrations(db);
  const newer = applied.filter((name) => !known.includes(name));
  if (newer.length > 0) {
    const missing = known.filter((name) => !applied.includes(name));
    if (missing.length > 0) {
      throw new Error(`database migration failed: the database has migrations this version does not know (${newer.join(', ')}) but lacks ${missing.join(', ')}`);
    }
    return [];
  }
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error('database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every migration this version knows has been applied (for readiness checks). */
export async function isMigrated(db: Kysely<Database>): Promise<boolean> {
  const applied = new Set(await appliedMigrations(db));
  return Object.keys(await migrationProvider.getMigrations()).every((name) => applied.has(name));
}
