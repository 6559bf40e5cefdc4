import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { resolveSecret } from '../config/secret.js';
import { KeyEncryption } from '../crypto/key-encryption.js';
import { isSigningAlg, rotateSigningKeys, SUPPORTED_SIGNING_ALGS } from '../crypto/keys.js';
import { KyselyStorage } from '../storage/kysely/kysely-storage.js';

function openStorageAndSecret(database: string | undefined) {
  const config = loadConfig(process.env, database !== undefined ? { database } : {});
  const resolved = resolveSecret({ secret: config.secret, production: config.production, database: config.database });
  if (resolved.source === 'generated' || resolved.source === 'file') {
    console.error(`LATCHKEY_SECRET is not set: using the development secret in ${resolved.path}`);
  }
  return { config, encryption: KeyEncryption.fromSecret(resolved.secret) };
}

/**
 * `latchkey keys rotate [--alg RS256|ES256|EdDSA]`: adds a signing key and retires the previous
 * key of that alg. Running servers sign with the new key after their next key reload (30 s by
 * default); the retired key stays in JWKS until every token it signed has expired.
 */
export async function rotateKeysCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { alg: { type: 'string' }, database: { type: 'string' } } });
  const alg = values.alg ?? 'RS256';
  if (!isSigningAlg(alg)) throw new Error(`keys rotate: --alg must be one of ${SUPPORTED_SIGNING_ALGS.join(', ')}`);
  const { config, encryption } = openStorageAndSecret(values.database);
  const storage = await KyselyStorage.open(config.database);
  try {
    const { kid, retired } = await rotateSigningKeys(storage.signingKeys, alg, { encryption });
    console.log(`new ${alg} signing key: ${kid}`);
    for (const old of retired) console.log(`retired: ${old} (published until the tokens it signed have expired)`);
    console.log('running servers pick the new key up within 30 seconds');
  } finally {
    await storage.close();
  }
  return 0;
}

/** `latchkey keys list`: every stored key, newest last, with its state. */
export async function listKeysCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { database: { type: 'string' } } });
  const config = loadConfig(process.env, values.database !== undefined ? { database: values.database } : {});
  const storage = await KyselyStorage.open(config.database);
  try {
    for (const key of await storage.signingKeys.list()) {
      const state = key.retired_at === null ? 'active' : `retired ${new Date(key.retired_at * 1000).toISOString()}`;
      console.log(`${key.kid}  ${key.alg.padEnd(5)}  created ${new Date(key.created_at * 1000).toISOString()}  ${state}`);
    }
  } finally {
    await storage.close();
  }
  return 0;
}
