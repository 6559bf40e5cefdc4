import pg from 'pg';

/** Where the bench creates and drops its databases: a local server with trust authentication. */
export const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  /** The connection string of the new database, for LATCHKEY_DATABASE. */
  readonly url: string;
  /** Drops the database (and any connection still open on it). */
  drop(): Promise<void>;
}

/** PostgreSQL identifiers the bench makes itself: lower case letters, digits and underscores. */
const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Creates an empty database `name` through `adminUrl`, so every Latchkey start migrates and
 * loads a fresh one, as every SQLite start gets a fresh file.
 */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  if (!NAME.test(name)) throw new Error(`not a database name the bench makes: ${JSON.stringify(name)}`);
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE (PostgreSQL 13+) ends a connection a stopped server's pool may still hold.
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } catch (error) {
    throw new Error(`PostgreSQL at ${redact(adminUrl)}: ${statement} failed`, { cause: error });
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
