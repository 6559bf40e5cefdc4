import { join } from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseOptions } from '../../src/cli/options.js';

test('--seeded defaults to scenarios 2-6 on Latchkey alone, with the issue\'s sizes', () => {
  const options = parseOptions(['--seeded']);
  assert.deepEqual(options.scenarios, ['client-credentials', 'authorization-code', 'refresh-token', 'userinfo', 'authorize-session']);
  assert.deepEqual(options.targets, ['latchkey']);
  assert.deepEqual(options.seed, { users: 1_000_000, clients: 10_000, refreshTokens: 1_000_000 });
  assert.equal(parseOptions([]).seed, undefined);
});

test('the seed sizes are options of --seeded, and the seed is SQLite only', () => {
  assert.deepEqual(parseOptions(['--seeded', '--seed-users', '10', '--seed-clients', '2', '--seed-refresh-tokens', '0']).seed, {
    users: 10,
    clients: 2,
    refreshTokens: 0,
  });
  assert.throws(() => parseOptions(['--seed-users', '10']), /add --seeded/);
  assert.throws(() => parseOptions(['--seeded', '--postgres']), /SQLite only/);
  assert.throws(() => parseOptions(['--seeded', '--targets', 'node-oidc-provider']), /must include latchkey/);
});

test('--postgres and --workers select Latchkey\'s database and the worker counts beside one process', () => {
  const options = parseOptions(['--postgres', '--workers', '4,2,2']);
  assert.equal(options.database, 'postgres');
  assert.match(options.postgresAdminUrl, /^postgres:\/\/postgres@127\.0\.0\.1:5432\//);
  assert.deepEqual(options.workers, [2, 4]);
  assert.equal(parseOptions([]).database, 'sqlite');
  assert.deepEqual(parseOptions([]).workers, []);
  assert.throws(() => parseOptions(['--workers', '1']), /N ≥ 2/);
  assert.throws(() => parseOptions(['--workers', 'two']), /--workers must be an integer/);
});

test('--cpu-prof takes a folder, made absolute, and needs Latchkey among the targets', () => {
  assert.equal(parseOptions(['--cpu-prof', 'profiles']).cpuProfileDir, join(process.cwd(), 'profiles'));
  assert.equal(parseOptions(['--cpu-prof', '/var/profiles']).cpuProfileDir, '/var/profiles');
  assert.equal(parseOptions([]).cpuProfileDir, undefined);
  assert.throws(() => parseOptions(['--cpu-prof', 'profiles', '--targets', 'node-oidc-provider']), /must include latchkey/);
  assert.throws(() => parseOptions(['--cpu-prof', '']), /needs a folder/);
});
