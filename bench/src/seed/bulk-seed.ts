// Bulk seeding of a Latchkey SQLite database for benchmarks on a large tenant (e.g. 1,000,000
// users, 10,000 clients, 1,000,000 refresh tokens). Kept apart from the load benchmark: it writes
// Latchkey's tables directly, so it depends on the server's schema. The schema itself always comes
// from Latchkey (it migrates the file at start-up); this module only checks that every required
// column is one it fills, and fails with the column's name when the schema grew one it does not.
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { ARGON2ID_OPTIONS } from '../argon2-params.js';
import { freePort } from '../process/free-port.js';
import { startServerProcess } from '../process/server-process.js';
import { latchkeyMain } from '../targets/latchkey.js';

export interface SeedOptions {
  /** The SQLite file; created (and migrated by Latchkey) when missing. */
  readonly file: string;
  readonly users: number;
  readonly clients: number;
  /** One grant per refresh token, spread over the users and clients round-robin. */
  readonly refreshTokens: number;
  /** Every client secret and refresh token is derived from it, so a benchmark can recompute them. */
  readonly secret: string;
  readonly log?: (line: string) => void;
}

export interface SeedSummary {
  readonly users: number;
  readonly clients: number;
  readonly refreshTokens: number;
  readonly seconds: number;
}

/** Every seeded user's password (one argon2id hash is computed and shared: hashing a million would take hours). */
export const SEEDED_PASSWORD = 'correct horse battery staple';
export const SEEDED_CALLBACK = 'http://127.0.0.1:9/callback';
export const SEEDED_SCOPE = ['openid', 'profile', 'email', 'offline_access'] as const;

export const seededUserId = (i: number) => `auth0|${i.toString(16).padStart(24, '0')}`;
export const seededEmail = (i: number) => `user${i}@seed.test`;
export const seededClientId = (i: number) => `seed-client-${i}`;
export const seededClientSecret = (secret: string, i: number) => derive(secret, `client-secret:${i}`);
export const seededRefreshToken = (secret: string, i: number) => derive(secret, `refresh-token:${i}`);
/** The client and user a seeded refresh token belongs to. */
export const seededGrantOwner = (i: number, options: Pick<SeedOptions, 'users' | 'clients'>) => ({
  client: i % options.clients,
  user: i % options.users,
});

function derive(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('base64url');
}

/** As Latchkey stores codes, tokens and client secrets: SHA-256, base64url. */
function storedHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

const BATCH = 50_000;
const DAY = 86_400;

export async function seedLatchkeyDatabase(options: SeedOptions): Promise<SeedSummary> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  if (options.users < 1 || options.clients < 1) throw new Error('seed at least one user and one client');
  await createSchema(options.file);

  const db = new Database(options.file);
  try {
    // Durability does not matter while seeding; speed does.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    const now = Math.floor(Date.now() / 1000);

    log(`hashing the shared password (argon2id)`);
    const passwordHash = await hash(SEEDED_PASSWORD, ARGON2ID_OPTIONS);

    insertRows(db, 'users', options.users, log, (i) => ({
      user_id: seededUserId(i),
      email: seededEmail(i),
      email_verified: 1,
      password_hash: passwordHash,
      name: `Seed User ${i}`,
      created_at: now,
      updated_at: now,
    }));
    insertRows(db, 'clients', options.clients, log, (i) => ({
      client_id: seededClientId(i),
      client_secret_hash: storedHash(seededClientSecret(options.secret, i)),
      name: `Seed client ${i}`,
      app_type: 'regular_web',
      callbacks: JSON.stringify([SEEDED_CALLBACK]),
      allowed_logout_urls: '[]',
      grant_types: JSON.stringify(['authorization_code', 'refresh_token']),
      token_endpoint_auth_method: 'client_secret_basic',
      is_first_party: 1,
      created_at: now,
      updated_at: now,
    }));
    insertRows(db, 'grants', options.refreshTokens, log, (i) => {
      const owner = seededGrantOwner(i, options);
      return {
        id: `seed-grant-${i}`,
        client_id: seededClientId(owner.client),
        user_id: seededUserId(owner.user),
        scope: JSON.stringify(SEEDED_SCOPE),
        auth_time: now,
        created_at: now,
      };
    });
    insertRows(db, 'refresh_tokens', options.refreshTokens, log, (i) => ({
      token_hash: storedHash(seededRefreshToken(options.secret, i)),
      grant_id: `seed-grant-${i}`,
      client_id: seededClientId(seededGrantOwner(i, options).client),
      created_at: now,
      expires_at: now + 30 * DAY,
      absolute_expires_at: now + 365 * DAY,
    }));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return {
    users: options.users,
    clients: options.clients,
    refreshTokens: options.refreshTokens,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Lets Latchkey create (migrate) the database file: start `latchkey serve` on it and stop it. */
async function createSchema(file: string): Promise<void> {
  const main = latchkeyMain();
  if (!existsSync(main)) throw new Error(`Latchkey is not built (${main} is missing): run npm run build`);
  const workDir = await mkdtemp(join(tmpdir(), 'latchkey-seed-'));
  try {
    const port = await freePort();
    const server = await startServerProcess({
      name: 'Latchkey (migrating the seed database)',
      args: [main, 'serve'],
      cwd: workDir,
      env: { PORT: String(port), LATCHKEY_ISSUER: `http://127.0.0.1:${port}/`, LATCHKEY_DATABASE: `sqlite:${file}` },
      logFile: join(workDir, 'latchkey.log'),
    });
    await server.stop();
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

type Row = Readonly<Record<string, string | number | null>>;

/**
 * Inserts `count` rows made by `row(i)` in transactions of BATCH rows, after checking the table
 * has every column given and that every NOT NULL column without a default is given.
 */
function insertRows(db: Database.Database, table: string, count: number, log: (line: string) => void, row: (i: number) => Row): void {
  if (count === 0) return;
  const columns = Object.keys(row(0));
  const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; notnull: number; dflt_value: unknown; pk: number }[];
  if (info.length === 0) throw new Error(`Latchkey's schema has no table ${table}`);
  const known = new Set(info.map((c) => c.name));
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`Latchkey's ${table} table has no column ${unknown.join(', ')}: update the seed`);
  const missing = info.filter((c) => c.notnull === 1 && c.dflt_value === null && !columns.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new Error(`Latchkey's ${table} table requires ${missing.join(', ')}, which the seed does not fill: update the seed`);

  const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(row(i));
  });
  for (let from = 0; from < count; from += BATCH) {
    batch(from, Math.min(count, from + BATCH));
    log(`${table}: ${Math.min(count, from + BATCH).toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`);
  }
}
