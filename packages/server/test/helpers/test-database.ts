import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Databases for tests. The HTTP and end-to-end suites run once on SQLite and once on PostgreSQL
 * (`LATCHKEY_TEST_DATABASE=postgres`); every server started on PostgreSQL gets a database of its
 * own, dropped when the server closes. Redis tests get a key prefix of their own.
 *
 * When PostgreSQL or Redis is down, a test that needs it fails in CI (`CI=true`) and is skipped
 * with the reason printed elsewhere.
 */
export const POSTGRES_ADMIN_URL = process.env.LATCHKEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestBackend = 'sqlite' | 'postgres';

/** The backend the suites run on in this process. */
export function testBackend(): TestBackend {
  const value = process.env.LATCHKEY_TEST_DATABASE ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`LATCHKEY_TEST_DATABASE must be sqlite or postgres, not ${value}`);
  return value;
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const PREFIX = 'latchkey_test_';
let staleDropped: Promise<void> | undefined;

/** A fresh, empty PostgreSQL database (migrations not applied). */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  staleDropped ??= dropStaleDatabases();
  await staleDropped;
  // The creation time in the name lets a later run drop what a crashed run left behind.
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.href,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The database URL a test server uses: in-memory SQLite, or a fresh PostgreSQL database. */
export async function createTestDatabase(backend: TestBackend = testBackend()): Promise<TestDatabase> {
  if (backend === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  return createPostgresDatabase();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropStaleDatabases(): Promise<void> {
  const sixHoursAgo = Math.floor(Date.now() / 1000) - 6 * 3600;
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
    for (const { datname } of rows) {
      const created = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (Number.isFinite(created) && created < sixHoursAgo) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  });
}

/** Deletes every Redis key of a test's prefix. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A key prefix no other test run shares. */
export function redisTestPrefix(): string {
  return `latchkey-test:${randomBytes(6).toString('hex')}:`;
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Why a test needing this service cannot run here, or undefined when it can. In CI a missing
 * service is an error, never a skip.
 */
export async function serviceSkipReason(service: 'postgres' | 'redis'): Promise<string | undefined> {
  const url = service === 'postgres' ? POSTGRES_ADMIN_URL : REDIS_URL;
  if (await reachable(url, service === 'postgres' ? 5432 : 6379)) return undefined;
  const reason = `${service === 'postgres' ? 'PostgreSQL' : 'Redis'} is not reachable at ${new URL(url).host}`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason} (required in CI)`);
  console.log(`skipped: ${reason}`);
  return reason;
}
