import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { testTenant } from '../helpers/test-server.js';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

/** Starts `latchkey serve` and resolves once it prints its listening line. */
function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], { env: { ...process.env, LATCHKEY_LOG_LEVEL: 'warn', ...env } });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on')) resolve(output);
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return { child, ready, output: () => output };
}

describe('the latchkey command', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to boot on a bad tenant file, naming the field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'a', client_secret: 'short', name: 'A' }] }));
    const result = run(['serve', '--port', '0'], { LATCHKEY_DATABASE: `sqlite:${join(dir, 'bad.db')}`, LATCHKEY_TENANT_FILE: file });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /clients\[0\]\.client_secret: must be at least 32 characters/);
  });

  it('refuses an invalid setting', () => {
    const result = run(['serve'], { LATCHKEY_ISSUER: 'not a url' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /LATCHKEY_ISSUER/);
  });

  it('imports a YAML tenant idempotently at every boot, and serves with it', async () => {
    const database = `sqlite:${join(dir, 'tenant.db')}`;
    const file = join(dir, 'tenant.yaml');
    const tenant = testTenant();
    const yaml = (await import('yaml')).stringify(tenant);
    writeFileSync(file, yaml);
    for (let boot = 0; boot < 2; boot++) {
      const server = serve({ PORT: '0', LATCHKEY_DATABASE: database, LATCHKEY_TENANT_FILE: file });
      const output = await server.ready;
      const url = /listening on (\S+)/.exec(output)![1]!;
      const discovery = await fetch(`${url}.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.on('exit', resolve));
    }
    const storage = await KyselyStorage.open(database);
    try {
      assert.equal((await storage.clients.list()).length, tenant.clients.length);
      assert.equal(await storage.users.count(), tenant.users.length);
      const bob = await storage.users.findByEmail('bob@example.test');
      assert.equal(bob?.user_id, 'auth0|bob0000000000000000000001', 'a tenant-file user keeps its given user_id');
    } finally {
      await storage.close();
    }
  });

  it('creates a client and a user, which the next boot keeps beside the tenant file', async () => {
    const database = `sqlite:${join(dir, 'manage.db')}`;
    const created = run(['clients', 'create', '--name', 'My App', '--callback', 'http://localhost:3000/callback', '--database', database]);
    assert.equal(created.status, 0, created.stderr);
    const clientId = /client_id:\s+(\S+)/.exec(created.stdout)![1]!;
    const secret = /client_secret:\s+(\S+)/.exec(created.stdout)![1]!;
    assert.ok(Buffer.from(secret, 'base64url').length >= 32, 'a 256-bit secret');

    const user = run(['users', 'create', '--email', 'new@example.test', '--password', 'a long passphrase', '--database', database]);
    assert.equal(user.status, 0, user.stderr);
    assert.match(user.stdout, /user_id: auth0\|[0-9a-f]{24}/);
    const duplicate = run(['users', 'create', '--email', 'new@example.test', '--password', 'a long passphrase', '--database', database]);
    assert.equal(duplicate.status, 1);

    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ clients: [testTenant().clients[0]] }));
    const server = serve({ PORT: '0', LATCHKEY_DATABASE: database, LATCHKEY_TENANT_FILE: file });
    await server.ready;
    server.child.kill('SIGTERM');
    const code = await new Promise((resolve) => server.child.on('exit', resolve));
    assert.equal(code, 0, 'SIGTERM ends the server cleanly');

    const storage = await KyselyStorage.open(database);
    try {
      const client = await storage.clients.findById(clientId);
      assert.ok(client, 'the tenant file leaves unlisted clients alone');
      assert.notEqual(client.client_secret_hash, secret, 'only the hash is stored');
      assert.ok(await storage.clients.findById('app1'));
    } finally {
      await storage.close();
    }
  });

  it('tells a newcomer how to start on an empty database', async () => {
    const server = serve({ PORT: '0', LATCHKEY_DATABASE: 'sqlite::memory:' });
    const output = await server.ready;
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.on('exit', resolve));
    assert.match(output + server.output(), /clients create/);
    assert.match(output + server.output(), /npm run demo/);
  });
});
