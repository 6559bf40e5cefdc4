import type { Config } from '../config/config.js';
import { resolveSecret } from '../config/secret.js';
import { KeyEncryption } from '../crypto/key-encryption.js';
import { isSigningAlg, KeySet } from '../crypto/keys.js';
import { migrateToLatest, openDatabase } from '../storage/kysely/database.js';
import { KyselyStorage } from '../storage/kysely/kysely-storage.js';

export interface Prepared {
  /** Migrations applied now (none when the database was up to date). */
  applied: string[];
  /** Signing keys in use, one per alg the server and its APIs sign with. */
  keys: { kid: string; alg: string }[];
}

/**
 * Readies a database for instances to start on it: the migrations (unless LATCHKEY_MIGRATE=false),
 * then a first signing key for each alg in use. `latchkey migrate` runs it before a deployment, and
 * `latchkey serve --workers` before forking, so instances starting together never each create a
 * first key of their own.
 */
export async function prepareDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Prepared> {
  const { db, dialect } = openDatabase(config.database, { poolMax: 2 });
  const storage = new KyselyStorage(db, dialect);
  try {
    const applied = options.migrate === false ? [] : await migrateToLatest(db);
    const { secret } = resolveSecret({ secret: config.secret, production: config.production, database: config.database });
    const keys = new KeySet(storage.signingKeys, { encryption: KeyEncryption.fromSecret(secret) });
    const apiAlgs = (await storage.resourceServers.list()).map((api) => api.signing_alg).filter(isSigningAlg);
    await keys.load(['RS256', ...new Set(apiAlgs)]);
    const active = (await storage.signingKeys.list()).filter((key) => key.retired_at === null);
    return { applied, keys: active.map(({ kid, alg }) => ({ kid, alg })) };
  } finally {
    await storage.close();
  }
}
