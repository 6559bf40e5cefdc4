import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MissingSecretError, resolveSecret } from '../../../src/config/secret.js';
import { KeyDecryptionError, KeyEncryption } from '../../../src/crypto/key-encryption.js';

const SECRET = 'unit-test-secret-of-at-least-32-characters';

describe('KeyEncryption', () => {
  it('round-trips a private JWK as a compact JWE bound to its kid', async () => {
    const encryption = KeyEncryption.fromSecret(SECRET);
    const stored = await encryption.encrypt('{"kty":"OKP","d":"secret"}', 'kid-1');
    assert.equal(stored.split('.').length, 5);
    assert.ok(!stored.includes('secret'));
    assert.equal(await encryption.decrypt(stored, 'kid-1'), '{"kty":"OKP","d":"secret"}');
    await assert.rejects(encryption.decrypt(stored, 'kid-2'), KeyDecryptionError, 'moved to another key row');
    await assert.rejects(KeyEncryption.fromSecret(`${SECRET}-other`).decrypt(stored, 'kid-1'), KeyDecryptionError);
  });

  it('refuses a secret shorter than 32 characters', () => {
    assert.throws(() => KeyEncryption.fromSecret('too-short'), /at least 32/);
  });
});

describe('resolveSecret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-secret-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes LATCHKEY_SECRET when set, and requires it in production', () => {
    assert.deepEqual(resolveSecret({ secret: SECRET, production: true, database: 'sqlite::memory:' }), { secret: SECRET, source: 'environment' });
    assert.throws(() => resolveSecret({ secret: undefined, production: true, database: `sqlite:${join(dir, 'a.db')}` }), MissingSecretError);
  });

  it('in development, generates a secret next to the SQLite file (mode 0600) and reads it back', () => {
    const database = `sqlite:${join(dir, 'dev', 'latchkey.db')}`;
    const generated = resolveSecret({ secret: undefined, production: false, database });
    assert.equal(generated.source, 'generated');
    assert.equal(generated.path, join(dir, 'dev', 'latchkey.secret'));
    assert.equal(statSync(generated.path!).mode & 0o777, 0o600);
    assert.equal(readFileSync(generated.path!, 'utf8').trim(), generated.secret);
    const again = resolveSecret({ secret: undefined, production: false, database });
    assert.deepEqual(again, { secret: generated.secret, source: 'file', path: generated.path });
  });

  it('keeps an in-memory database secret in memory only', () => {
    const resolved = resolveSecret({ secret: undefined, production: false, database: 'sqlite::memory:' });
    assert.equal(resolved.source, 'ephemeral');
    assert.ok(resolved.secret.length >= 32);
  });
});
