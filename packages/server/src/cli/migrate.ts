import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { prepareDatabase } from './prepare.js';

/**
 * `latchkey migrate`: applies the migrations this version knows and creates the first signing keys,
 * then exits. Run it once before starting (or upgrading) several instances, which can then start
 * with LATCHKEY_MIGRATE=false. Migrations only add, so instances of the previous version keep
 * running on the migrated database during a rolling update.
 */
export async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { database: { type: 'string' } } });
  const config = loadConfig(process.env, values.database !== undefined ? { database: values.database } : {});
  const { applied, keys } = await prepareDatabase(config);
  const kind = config.database.split(':')[0];
  if (applied.length === 0) console.log(`the ${kind} database is up to date`);
  else console.log(`applied ${applied.length} migration(s) to the ${kind} database:\n${applied.map((name) => `  ${name}`).join('\n')}`);
  console.log(`signing keys: ${keys.map((key) => `${key.alg} ${key.kid}`).join(', ')}`);
  return 0;
}
