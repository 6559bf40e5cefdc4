import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const SECRET = 'cli-test-secret-of-at-least-32-characters';

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'development', ...env },
    timeout: 30_000,
  });
}

describe('LATCHKEY_SECRET and `latchkey keys`', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-keys-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start in production without LATCHKEY_SECRET', () => {
    const database = join(dir, 'production.db');
    const result = run(['serve', '--port', '0'], { NODE_ENV: 'production', LATCHKEY_DATABASE: `sqlite:${database}`, LATCHKEY_SECRET: '' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /LATCHKEY_SECRET is required when NODE_ENV=production/);
    assert.ok(!existsSync(join(dir, 'latchkey.secret')), 'no secret is generated in production');
  });

  it('in development generates a secret next to the database and says where it keeps it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--port', '0'], {
      env: { ...process.env, NODE_ENV: 'development', LATCHKEY_SECRET: '', LATCHKEY_DATABASE: `sqlite:${join(dir, 'dev', 'latchkey.db')}` },
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('listening on') && output.includes('LATCHKEY_SECRET')) resolve();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    child.kill('SIGTERM');
    const path = join(dir, 'dev', 'latchkey.secret');
    assert.ok(output.includes(path), output);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('`keys rotate` adds a key, retires the previous one of its alg, and stores it encrypted', async () => {
    const database = `sqlite:${join(dir, 'keys.db')}`;
    const env = { LATCHKEY_SECRET: SECRET, LATCHKEY_DATABASE: database };
    const first = run(['keys', 'rotate', '--alg', 'ES256'], env);
    assert.equal(first.status, 0, first.stderr);
    const firstKid = /new ES256 signing key: (\S+)/.exec(first.stdout)?.[1];
    const second = run(['keys', 'rotate', '--alg', 'ES256'], env);
    assert.equal(second.status, 0, second.stderr);
    const secondKid = /new ES256 signing key: (\S+)/.exec(second.stdout)?.[1];
    assert.ok(firstKid && secondKid && firstKid !== secondKid);
    assert.match(second.stdout, new RegExp(`retired: ${firstKid}`));

    const list = run(['keys', 'list'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${firstKid}\\s+ES256.*retired`));
    assert.match(list.stdout, new RegExp(`${secondKid}\\s+ES256.*active`));

    const storage = await KyselyStorage.open(database);
    try {
      for (const key of await storage.signingKeys.list()) assert.equal(key.private_jwk.split('.').length, 5, 'a JWE');
    } finally {
      await storage.close();
    }

    const wrongSecret = run(['keys', 'rotate', '--alg', 'ES256'], { ...env, LATCHKEY_SECRET: `${SECRET}-not-the-same` });
    assert.equal(wrongSecret.status, 1);
    assert.match(wrongSecret.stderr, /cannot be decrypted/);
    const badAlg = run(['keys', 'rotate', '--alg', 'HS256'], env);
    assert.equal(badAlg.status, 1);
    assert.match(badAlg.stderr, /--alg must be one of RS256, ES256, EdDSA/);
  });
});
