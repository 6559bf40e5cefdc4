import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MIN_SECRET_LENGTH } from '../crypto/key-encryption.js';
import { randomToken } from '../crypto/random.js';

export interface ResolvedSecret {
  secret: string;
  /** environment: LATCHKEY_SECRET; file: read from the development file; generated: just written there; ephemeral: in memory only. */
  source: 'environment' | 'file' | 'generated' | 'ephemeral';
  /** The development file, for `file` and `generated`. */
  path?: string;
}

export class MissingSecretError extends Error {
  constructor() {
    super('LATCHKEY_SECRET is required when NODE_ENV=production: it encrypts the signing keys at rest (e.g. openssl rand -base64 32)');
    this.name = 'MissingSecretError';
  }
}

/** Where development keeps its generated secret: next to the SQLite file, else in ./data. */
export function developmentSecretPath(database: string): string {
  const file = database.startsWith('sqlite:') ? database.slice('sqlite:'.length) : '';
  return resolve(file && file !== ':memory:' ? join(dirname(file), 'latchkey.secret') : join('data', 'latchkey.secret'));
}

/**
 * The secret that encrypts the signing keys. Production must set LATCHKEY_SECRET. Development
 * without it uses a generated one kept in a file readable by this user only (mode 0600), so the
 * keys survive restarts; an in-memory database gets a secret that lives as long as it does.
 */
export function resolveSecret(input: { secret: string | undefined; production: boolean; database: string }): ResolvedSecret {
  if (input.secret !== undefined) return { secret: input.secret, source: 'environment' };
  if (input.production) throw new MissingSecretError();
  if (input.database === 'sqlite::memory:') return { secret: randomToken(32), source: 'ephemeral' };

  const path = developmentSecretPath(input.database);
  const existing = readSecretFile(path);
  if (existing !== undefined) return { secret: existing, source: 'file', path };
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomToken(32);
  try {
    // 'wx': when another process wrote it first, theirs wins.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    const written = readSecretFile(path);
    if (written !== undefined) return { secret: written, source: 'file', path };
    throw error;
  }
  return { secret, source: 'generated', path };
}

function readSecretFile(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text.length < MIN_SECRET_LENGTH) throw new Error(`${path}: the secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return text;
}
