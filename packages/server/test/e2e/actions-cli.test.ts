import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

/** `latchkey actions test` and the registration actions of `latchkey users create`, run as the real command. */
describe('latchkey actions test', () => {
  let dir: string;
  let tenantFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-actions-cli-'));
    writeFileSync(
      join(dir, 'roles.ts'),
      `export const onExecutePostLogin = async (event: { user: { app_metadata: { plan?: string } }; authorization: { roles: string[] } }, api: any) => {
        if (event.authorization.roles.includes('banned')) return api.access.deny('banned');
        api.idToken.setCustomClaim('https://example.test/roles', event.authorization.roles);
        api.accessToken.setCustomClaim('https://example.test/plan', event.user.app_metadata.plan ?? 'free');
        api.accessToken.addScope('read:extra');
        api.user.setAppMetadata('checked', true);
      };`,
    );
    tenantFile = join(dir, 'tenant.yaml');
    writeFileSync(
      tenantFile,
      [
        'actions:',
        '  - name: add-roles',
        '    trigger: post-login',
        '    file: roles.ts',
        '  - name: broken-at-runtime',
        '    trigger: post-login',
        "    code: \"exports.onExecutePostLogin = async () => { throw new Error('no network') }\"",
        '  - name: welcome',
        '    trigger: pre-user-registration',
        "    code: \"exports.onExecutePreUserRegistration = async (event, api) => { api.user.setAppMetadata('source', 'cli') }\"",
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints what an action would change for the sample event laid under the given one', () => {
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ authorization: { roles: ['admin'] }, user: { app_metadata: { plan: 'pro' } } }));
    const result = run(['actions', 'test', 'add-roles', '--event', event, '--tenant-file', tenantFile]);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.outcome, 'allowed');
    assert.equal(report.trigger, 'post-login');
    assert.equal(report.handler, 'onExecutePostLogin');
    assert.deepEqual(report.idToken.customClaims, { 'https://example.test/roles': ['admin'] });
    assert.deepEqual(report.accessToken, { customClaims: { 'https://example.test/plan': 'pro' }, addedScopes: ['read:extra'], removedScopes: [] });
    assert.deepEqual(report.user.app_metadata, { checked: true });
  });

  it('reports a denial, and a failure with exit code 1', () => {
    const event = join(dir, 'banned.json');
    writeFileSync(event, JSON.stringify({ authorization: { roles: ['banned'] } }));
    const denied = run(['actions', 'test', 'add-roles', '--event', event], { LATCHKEY_TENANT_FILE: tenantFile });
    assert.equal(denied.status, 0, denied.stderr);
    assert.deepEqual(JSON.parse(denied.stdout).denied, { reason: 'banned' });

    const failed = run(['actions', 'test', 'broken-at-runtime', '--tenant-file', tenantFile]);
    assert.equal(failed.status, 1);
    const report = JSON.parse(failed.stdout);
    assert.equal(report.outcome, 'failed');
    assert.equal(report.failure.kind, 'threw');
    assert.match(report.failure.message, /no network/);
  });

  it('names the actions there are when the name is wrong', () => {
    const result = run(['actions', 'test', 'nope', '--tenant-file', tenantFile]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no action named nope .*there are: add-roles, broken-at-runtime, welcome/);
  });

  it('runs the pre-user-registration actions for users create', async () => {
    const database = `sqlite:${join(dir, 'db.sqlite')}`;
    const created = run(['users', 'create', '--email', 'cli@example.test', '--password', 'a long passphrase', '--database', database, '--tenant-file', tenantFile]);
    assert.equal(created.status, 0, created.stderr);
    const storage = await KyselyStorage.open(database);
    try {
      assert.deepEqual((await storage.users.findByEmail('cli@example.test'))?.app_metadata, { source: 'cli' });
    } finally {
      await storage.close();
    }
  });
});
