import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { hashPassword, needsRehash, verifyPassword } from '../../src/crypto/passwords.js';
import { importTenant, parseTenant, TenantFileError } from '../../src/tenant/import-tenant.js';
import { registerUser, RegistrationDeniedError } from '../../src/protocol/users/register-user.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { TestClock } from '../helpers/test-server.js';
import { checkPassword, commonPasswords, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/protocol/users/password-policy.js';

describe('password policy (ASVS 6.2)', () => {
  it('B11.3 needs 8 characters, accepts 64 and up to 256, counting code points, with no composition rules', () => {
    assert.equal(PASSWORD_MIN_LENGTH, 8);
    assert.ok(PASSWORD_MAX_LENGTH >= 128);
    assert.equal(checkPassword('seven c'), 'too_short');
    assert.equal(checkPassword('eight ch'), undefined, 'lower-case letters and a space are enough');
    assert.equal(checkPassword('x'.repeat(64)), undefined);
    assert.equal(checkPassword('long passphrase '.repeat(16)), undefined, '256 characters');
    assert.equal(checkPassword('long passphrase '.repeat(16) + 'x'), 'too_long');
    // Seven emoji are fourteen UTF-16 units but seven characters.
    assert.equal(checkPassword('🔑'.repeat(7)), 'too_short');
    assert.equal(checkPassword('🔑'.repeat(8)), undefined);
    assert.equal(checkPassword('ünïcødé pässwörd'), undefined);
  });

  it('B11.3 refuses the common passwords of the shipped list, whatever their case', () => {
    const list = commonPasswords();
    assert.ok(list.size > 3000, `the deny list has ${list.size} entries`);
    for (const password of ['password', '12345678', 'iloveyou', 'trustno1', 'password1', 'qwertyuiop']) {
      assert.equal(checkPassword(password), 'common', password);
    }
    assert.equal(checkPassword('PassWord1'), 'common', 'compared case-insensitively');
    assert.equal(checkPassword('correct horse battery staple'), undefined);
    // The first two entries of the list, joined by a newline: not an entry.
    assert.equal(checkPassword('password\n12345678'), undefined);
  });

  it('B11.3 refuses the email address as the password', () => {
    assert.equal(checkPassword('Alice@Example.test', { email: 'alice@example.test' }), 'same_as_email');
    assert.equal(checkPassword('alice@example.test', { email: 'bob@example.test' }), undefined);
  });

  it('B11.3 the tenant file and `latchkey users create` (which reads users through it) obey the policy', () => {
    const user = (password: string) => ({ users: [{ email: 'carol@example.test', password }] });
    assert.throws(() => parseTenant(user('short')), (error: unknown) => error instanceof TenantFileError && /users\[0\]\.password: must be at least 8/.test(error.message));
    assert.throws(() => parseTenant(user('Password1')), /users\[0\]\.password: is one of the most common passwords/);
    assert.throws(() => parseTenant(user('x'.repeat(257))), /users\[0\]\.password: must be at most 256/);
    assert.throws(() => parseTenant(user('carol@example.test')), /users\[0\]\.password: must not be the email address/);
    assert.equal(parseTenant(user('a long passphrase')).users[0]!.password, 'a long passphrase');
  });

  it('B11.3 registering a user obeys the policy too, before anything is stored', async () => {
    const storage = await KyselyStorage.open('sqlite::memory:');
    try {
      const ctx = { storage, clock: new TestClock(), settings: { issuer: 'https://login.example.test/' } };
      await assert.rejects(
        registerUser(ctx, { email: 'dave@example.test', password: 'iloveyou1' }),
        (error: unknown) => error instanceof RegistrationDeniedError && error.reason === 'password_policy' && /most common passwords/.test(error.userMessage),
      );
      assert.equal(await storage.users.findByEmail('dave@example.test'), undefined);
      const { user } = await registerUser(ctx, { email: 'dave@example.test', password: 'a long passphrase of dave' });
      assert.match(user.password_hash!, /^\$argon2id\$/);
    } finally {
      await storage.close();
    }
  });
});

describe('password hashing (ASVS 11.4.2)', () => {
  it('hashes with argon2id at the OWASP parameters; only the exact password verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(stored, 'correct horse battery stapl'), false, 'a truncated password fails');
    assert.equal(await verifyPassword(stored, 'Correct horse battery staple'), false, 'a case-changed password fails');
    assert.equal(await verifyPassword('not a hash', 'anything'), false);
  });

  it('tells a hash of older parameters or another algorithm from a current one', async () => {
    assert.equal(needsRehash(await hashPassword('a long passphrase')), false);
    const weaker = await hash('a long passphrase', { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    assert.equal(needsRehash(weaker), true);
    const argon2i = await hash('a long passphrase', { algorithm: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    assert.equal(needsRehash(argon2i), true);
    assert.equal(needsRehash('$2b$12$abcdefghijklmnopqrstuv'), true);
  });
});

describe('tenant users with a password hash (Auth0 custom_password_hash)', () => {
  const withHash = (value: string, extra: Record<string, unknown> = {}) => ({
    users: [{ email: 'erin@example.test', custom_password_hash: { algorithm: 'argon2', hash: { value, encoding: 'utf8' } }, ...extra }],
  });

  it('stores an argon2 hash as is, so the password it was made from signs in; the file wins at every import', async () => {
    const storage = await KyselyStorage.open('sqlite::memory:');
    try {
      const first = await hashPassword('a long passphrase of erin');
      await importTenant(storage, parseTenant(withHash(first)));
      const user = await storage.users.findByEmail('erin@example.test');
      assert.equal(user?.password_hash, first);
      assert.equal(await verifyPassword(user!.password_hash!, 'a long passphrase of erin'), true);
      assert.equal(needsRehash(first), false, 'a hash of the current parameters stays as it is');

      const second = await hash('another passphrase of erin', { algorithm: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
      await importTenant(storage, parseTenant(withHash(second)));
      assert.equal((await storage.users.findByEmail('erin@example.test'))?.password_hash, second, 'argon2i is accepted too');
    } finally {
      await storage.close();
    }
  });

  it('refuses another algorithm, anything but an argon2 PHC string, and a hash beside a password', async () => {
    const valid = await hashPassword('a long passphrase of erin');
    assert.throws(
      () => parseTenant({ users: [{ email: 'erin@example.test', custom_password_hash: { algorithm: 'bcrypt', hash: { value: valid } } }] }),
      /users\[0\]\.custom_password_hash\.algorithm: only 'argon2' is supported/,
    );
    for (const value of ['$2b$10$abcdefghijklmnopqrstuuJ7Nd8Hk1K1ZxpB0Yb3u4sQF8XGZb1ru', 'correct horse battery staple', `${valid}$`, valid.replace('$m=', '$x=')]) {
      assert.throws(() => parseTenant(withHash(value)), /users\[0\]\.custom_password_hash\.hash\.value: must be an argon2 hash in PHC string format/, value);
    }
    assert.throws(
      () => parseTenant({ users: [{ email: 'erin@example.test', custom_password_hash: { algorithm: 'argon2', hash: { value: valid, encoding: 'base64' } } }] }),
      /custom_password_hash\.hash\.encoding: only 'utf8' is supported/,
    );
    assert.throws(
      () => parseTenant({ users: [{ email: 'erin@example.test', custom_password_hash: { algorithm: 'argon2', hash: { value: valid, salt: { value: 'x' } } } }] }),
      /custom_password_hash\.hash/,
      'a separate salt is refused: argon2 carries its salt in the PHC string',
    );
    assert.throws(() => parseTenant(withHash(valid, { password: 'a long passphrase of erin' })), /users\[0\]\.custom_password_hash: give either password or custom_password_hash, not both/);
  });
});
